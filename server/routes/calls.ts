import type { FastifyPluginAsync } from 'fastify';
import { currentUser, requireUser } from '../auth.js';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { isE164, isSysId } from '../ids.js';
import { allowedCallerId } from '../caller-id.js';
import { availableSessionsOfUser, dialClients, notBusy } from '../routing.js';
import { callHistoryPage } from '../call-history.js';
import { callIdParams, callSidParams, errorResponses, targetProperties, userSchema } from '../schemas.js';
import { sipLegOfUser } from '../sip-call-records.js';
import { ownCall, otherParty } from '../calls/parties.js';
import {
  CALL_STATUSES,
  CallDirection,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  isTerminalStatus,
} from '../store/store.js';
import { voiceResponse } from '../twilio.js';

const callHistoryEntrySchema = {
  type: 'object',
  required: [
    'sys_id',
    'callSid',
    'parentCallSid',
    'direction',
    'status',
    'outcome',
    'duration',
    'startedAt',
    'number',
    'colleague',
  ],
  properties: {
    sys_id: { type: 'string' },
    callSid: { type: 'string' },
    parentCallSid: { type: ['string', 'null'] },
    direction: { type: 'string', enum: [CallDirection.INBOUND, CallDirection.OUTBOUND] },
    status: { type: 'string', enum: [...CALL_STATUSES] },
    outcome: { type: 'string', enum: ['answered', 'missed', 'unanswered', 'busy', 'failed', 'active'] },
    duration: { type: ['integer', 'null'] },
    startedAt: { type: 'string', format: 'date-time' },
    number: { type: ['string', 'null'] },
    colleague: { anyOf: [userSchema, { type: 'null' }] },
  },
} as const;

const TWILIO_CALL_SID = /^CA[0-9a-fA-F]{32}$/;

interface ForwardBody {
  type: 'number' | 'userId';
  id: string;
  dtmf?: string;
}

/**
 * Not in docs/architecture.md yet; the client's getParentId() polls it. `parentId` is the sys_id of the
 * parent notify_call row (ServiceNow's meaning), null while the parent is not known (yet).
 */
export const callRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  /**
   * getCallHistory() (our extension): the signed-in user's calls, newest first, one bounded page; `next` is
   * the opaque cursor of the next (older) page. Only legs of the user's own sessions (recorded on the leg,
   * so history outlives the sessions); see `call-history.ts` for how legs become entries.
   */
  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/calls',
    {
      preHandler: requireUser(ctx),
      schema: {
        description: "The signed-in user's call history, newest first.",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
            cursor: { type: 'string', minLength: 1, maxLength: 1024 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['calls', 'next'],
            properties: {
              calls: { type: 'array', items: callHistoryEntrySchema },
              next: {
                type: ['string', 'null'],
                description: 'Pass as `cursor` for the next (older) page; null on the last page.',
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) =>
      callHistoryPage(ctx.store, currentUser(request).sys_id, request.query.limit, request.query.cursor),
  );

  app.get<{ Params: { callSid: string } }>(
    '/calls/:callSid/parent',
    {
      preHandler: requireUser(ctx),
      schema: {
        params: callIdParams,
        response: {
          200: {
            type: 'object',
            required: ['parentId'],
            properties: { parentId: { type: ['string', 'null'] } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { callSid } = request.params;
      // A SIP Call-ID names the caller's leg; a session it rang has its own leg of the call (its parent).
      const call =
        (TWILIO_CALL_SID.test(callSid)
          ? undefined
          : await sipLegOfUser(ctx, callSid, currentUser(request).sys_id)) ??
        (await ctx.store.getCall(callSid));
      // Unknown yet (the client may ask before the first webhook), or no session of anyone: nothing to tell.
      if (!call?.session) return { parentId: null };
      const session = await ctx.store.getSession(call.session);
      // Only calls one of the user's own sessions is party to; a gone session's calls are nobody's.
      if (session?.user !== currentUser(request).sys_id) throw new NotifyError('FORBIDDEN');
      return { parentId: call.parent_sys_id };
    },
  );

  /**
   * forwardCall(): moves the OTHER party of one of the user's calls to a number (digits played once it
   * answers) or to a colleague's available clients, by updating that leg with new TwiML through the REST
   * API. The user's own leg then ends (Twilio hangs it up when the other leg leaves the bridge). The other
   * party of a child leg (an incoming call) is its parent; of a parent leg (a call this client placed), its
   * live child.
   */
  app.post<{ Params: { callSid: string }; Body: ForwardBody }>(
    '/calls/:callSid/forward',
    {
      preHandler: requireUser(ctx),
      schema: {
        params: callSidParams,
        body: {
          type: 'object',
          required: ['type', 'id'],
          additionalProperties: false,
          properties: {
            ...targetProperties,
            dtmf: { type: 'string', pattern: '^[0-9A-Da-d*#wW]{0,64}$' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['forwarded'],
            properties: {
              forwarded: {
                type: 'object',
                required: ['callSid', 'to'],
                properties: { callSid: { type: 'string' }, to: { type: 'string' } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const { type, id, dtmf } = request.body;
      // A leg that has ended (e.g. the user's declined or cancelled ring of a call a colleague took) is no
      // longer party to anything: its parent now belongs to whoever answered.
      const { call, session } = await ownCall(ctx, request, request.params.callSid, { live: false });
      if (isTerminalStatus(call.status))
        throw new NotifyError('BAD_REQUEST', 'The call has ended and cannot be forwarded.');
      if (call.conference) {
        throw new NotifyError('INVALID_STATE', 'The call is in a conference: complete a transfer instead.');
      }
      // The user may have lost the number since the session started (as for outgoing calls and tokens).
      await allowedCallerId(ctx.store, user.sys_id, session.number);

      const twiml = voiceResponse();
      if (type === 'number') {
        if (!isE164(id)) throw new NotifyError('INVALID_NUMBER');
        twiml.dial({ callerId: session.number }).number(
          {
            ...(dtmf ? { sendDigits: dtmf } : {}),
            statusCallback: ctx.publicUrlFor('/twilio/status'),
            statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
            statusCallbackMethod: 'POST',
          },
          id,
        );
      } else {
        if (!isSysId(id)) throw new NotifyError('VALIDATION_FAILED', 'id must be a user sys_id.');
        const callees = await notBusy(
          ctx,
          await availableSessionsOfUser(ctx.store, user.sys_id, id, ctx.liveSince()),
        );
        if (!callees.length) throw new NotifyError('BAD_REQUEST', 'That user has no available client.');
        dialClients(
          ctx,
          twiml,
          callees,
          // Who transferred it, as the callee's phone shows it: the signed-in user's name from the directory,
          // never a value of the client's (the session's display name is the client's to choose).
          { forwardedBy: user.sys_id, transferredBy: user.name, notifyNumber: session.number },
          { action: ctx.publicUrlFor('/twilio/dial-complete') },
        );
      }

      let other: string | undefined;
      try {
        other = await otherParty(ctx, call);
        if (!other) throw new NotifyError('BAD_REQUEST', 'The call has no connected party to forward.');
        await ctx.twilioRest().calls(other).update({ twiml: twiml.toString() });
      } catch (error) {
        if (error instanceof NotifyError) throw error;
        request.log.warn({ err: error }, 'forwarding through the REST API failed');
        throw new NotifyError('BAD_REQUEST', 'The call could not be forwarded.', { cause: error });
      }
      return { forwarded: { callSid: other, to: type === 'number' ? id : `client:${id}` } };
    },
  );
};
