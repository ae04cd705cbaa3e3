import type { FastifyPluginAsync } from 'fastify';
import type { BackendContext } from '../context.js';
import { errorResponses } from '../schemas.js';
import { assertSipProxy } from '../sip.js';
import { recordSipCallAnswered, recordSipCallEnded, recordSipCallPlaced } from '../sip-call-records.js';

/**
 * The SIP proxy reports calls as Twilio's webhooks do (our extension, issue 15): a session's new call (which the
 * backend authorizes before the proxy forwards it), its answer and its end. Together with the routing question
 * (`GET /sip/route`, which records calls to Notify numbers) they put every SIP call in notify_call
 * (server/sip-call-records.ts). Form-encoded bodies and the proxy's bearer token: any PBX that can send an HTTP
 * POST (Kamailio's http_client, Asterisk's CURL(), FreeSWITCH's mod_curl) can report; the contract is in the
 * README ("SIP vendor").
 */

const CALL_ID = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' } as const;
const SIP_USER = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7e]+$' } as const;
const noContent = { 204: { type: 'null' }, ...errorResponses } as const;

export const sipCallRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  // Before validation: a forged request learns nothing about what a valid one looks like.
  app.addHook('preValidation', async (request) => {
    assertSipProxy(ctx.sip, request.headers.authorization);
  });
  // The proxy's own requests are never rate limited: a 429 would refuse a call or lose its record.
  const proxyTraffic = { rateLimit: false } as const;

  app.post<{ Body: { callId: string; from: string; to: string } }>(
    '/sip/calls',
    {
      config: proxyTraffic,
      schema: {
        description:
          "A session places a call (the proxy's INVITE): 204 lets it through; 403 (FORBIDDEN, CALLER_ID_NOT_ALLOWED) or 400 (INVALID_NUMBER) refuse it.",
        body: {
          type: 'object',
          required: ['callId', 'from', 'to'],
          additionalProperties: false,
          properties: {
            callId: { ...CALL_ID, description: 'The SIP Call-ID' },
            from: { ...SIP_USER, description: "The caller's SIP user (authenticated by the proxy)" },
            to: {
              ...SIP_USER,
              description: 'The dialled user: an E.164 number or a colleague’s user sys_id',
            },
          },
        },
        response: noContent,
      },
    },
    async (request, reply) => {
      await recordSipCallPlaced(ctx, request.body);
      return reply.code(204).send();
    },
  );

  app.post<{ Body: { callId: string; answeredBy?: string } }>(
    '/sip/calls/answered',
    {
      config: proxyTraffic,
      schema: {
        description:
          'A call was answered (the 2xx to its INVITE). 404 NOT_FOUND: not a call the backend knows.',
        body: {
          type: 'object',
          required: ['callId'],
          additionalProperties: false,
          properties: {
            callId: CALL_ID,
            answeredBy: {
              ...SIP_USER,
              description:
                'The SIP user whose branch answered (one the route named); omit for a single branch',
            },
          },
        },
        response: noContent,
      },
    },
    async (request, reply) => {
      await recordSipCallAnswered(ctx, request.body);
      return reply.code(204).send();
    },
  );

  // Form fields are strings: the numbers are checked by pattern and read here.
  app.post<{ Body: { callId: string; code: string; duration?: string } }>(
    '/sip/calls/ended',
    {
      config: proxyTraffic,
      schema: {
        description: 'A call ended. 404 NOT_FOUND: not a call the backend knows.',
        body: {
          type: 'object',
          required: ['callId', 'code'],
          additionalProperties: false,
          properties: {
            callId: CALL_ID,
            code: {
              type: 'string',
              pattern: '^[2-6][0-9][0-9]$',
              description:
                '200 for a call that was answered (ended by a BYE), else its final failure response',
            },
            duration: {
              type: 'string',
              pattern: '^[0-9]{1,9}$',
              description: 'Seconds from the answer to the end (billsec); with code 200',
            },
          },
        },
        response: noContent,
      },
    },
    async (request, reply) => {
      const { callId, code, duration } = request.body;
      await recordSipCallEnded(ctx, {
        callId,
        code: Number(code),
        ...(duration !== undefined && { duration: Number(duration) }),
      });
      return reply.code(204).send();
    },
  );
};
