import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { notBusy, sessionsToRing } from '../routing.js';
import { errorResponses } from '../schemas.js';
import { sipRoutingToken } from '../sip.js';
import { Vendor } from '../store/store.js';

/**
 * The SIP vendor's routing question (our extension, issue 15): the proxy asks which sessions a call to a
 * Notify number rings, as Twilio asks the voice webhook for TwiML, and forks the INVITE to them (ring all,
 * the first to answer wins, the proxy CANCELs the others: their clients fire CALL_CANCEL). The same rule as
 * Twilio's (server/routing.ts): one available, not busy session per user of the number's group, at most ten.
 * Only the proxy may ask: it proves it holds the shared secret with a token derived from it.
 */
export const sipRoutingRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  app.get<{ Querystring: { to: string; callId: string } }>(
    '/sip/route',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['to', 'callId'],
          additionalProperties: false,
          properties: {
            to: { type: 'string', minLength: 1, maxLength: 32 },
            from: { type: 'string', maxLength: 128 },
            callId: { type: 'string', minLength: 1, maxLength: 256 },
          },
        },
        response: {
          200: {
            type: 'string',
            description:
              "The sessions' SIP users to fork to, separated by '|' (plain text, for the proxy's script).",
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const sip = ctx.sip;
      const sent = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const expected = sip ? sipRoutingToken(sip.secret) : '';
      if (
        !sip ||
        sent.length !== expected.length ||
        !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))
      ) {
        throw new NotifyError('UNAUTHENTICATED', 'Only the SIP proxy may ask for routes.');
      }
      const number = await ctx.store.getNumber(request.query.to);
      if (!number || number.vendor !== Vendor.SIP)
        throw new NotifyError('NOT_FOUND', 'Not a SIP Notify number.');
      const sessions = await notBusy(
        ctx,
        await sessionsToRing(ctx.store, number.number, request.query.callId, ctx.liveSince()),
      );
      reply.type('text/plain; charset=utf-8');
      return sessions.map((session) => session.identity).join('|');
    },
  );
};
