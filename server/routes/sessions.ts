import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { currentUser, requireUser } from '../auth.js';
import { allowedCallerId } from '../caller-id.js';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { newSysId, preflightIdentity, sessionIdentity } from '../ids.js';
import { normalizeName } from '../names.js';
import { availableColleaguesPage } from '../paging.js';
import { callSidSchema, errorResponses, sysIdParams, tokenProperties, userSchema } from '../schemas.js';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  Vendor,
  isTerminalStatus,
  type ClientSession,
} from '../store/store.js';
import { mintVendorToken, vendorDevice, vendorServed } from '../vendor-tokens.js';
import { mintVoiceToken } from '../twilio.js';

/** A pre-call test lasts about 20 s (the SDK's echo test): its token need not outlive that by much. */
const PREFLIGHT_TOKEN_TTL_SECONDS = 120;

/** A heartbeat asks about at most this many calls (a client holds a few: active, held, waiting, consulting). */
const MAX_HEARTBEAT_CALLS = 10;

const sessionSchema = {
  type: 'object',
  required: ['sys_id', 'identity', 'available', 'number'],
  properties: {
    sys_id: { type: 'string' },
    identity: { type: 'string' },
    available: { type: 'boolean' },
    number: { type: 'string' },
    user: { type: 'string', description: "The session's user (sys_user sys_id): the caller's own." },
  },
} as const;

export const sessionRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  app.addHook('preHandler', requireUser(ctx));

  /**
   * Removes the user's expired sessions (publishing their removal) and answers 404 UNKNOWN_SESSION: an
   * expired row is gone for its client even before the periodic sweep deletes it.
   */
  async function expired(user: string): Promise<never> {
    await ctx.store.deleteStaleSessions(ctx.liveSince(), { user });
    throw new NotifyError('UNKNOWN_SESSION', 'The session expired (no heartbeat within its TTL).');
  }

  /** The signed-in user's own live session, or 404 UNKNOWN_SESSION (also when expired) / 403 FORBIDDEN. */
  async function ownSession(request: FastifyRequest<{ Params: { sysId: string } }>): Promise<ClientSession> {
    const session = await ctx.store.getSession(request.params.sysId);
    if (!session) throw new NotifyError('UNKNOWN_SESSION');
    if (session.user !== currentUser(request).sys_id) throw new NotifyError('FORBIDDEN');
    if (session.last_seen < ctx.liveSince()) return expired(session.user);
    return session;
  }

  app.post<{ Body: { callerId: string; name?: string; callWaiting?: 'ring' | 'busy' } }>(
    '/sessions',
    {
      schema: {
        body: {
          type: 'object',
          required: ['callerId'],
          properties: {
            callerId: { type: 'string', maxLength: 32 },
            name: { type: 'string', maxLength: 100 },
            callWaiting: {
              type: 'string',
              enum: ['ring', 'busy'],
              description:
                "While on a call: 'ring' offers this session another call, 'busy' (default) rings the other agents instead.",
            },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['session', 'vendor', 'token', 'ttl', 'expiresAt', 'device', 'heartbeatSeconds'],
            properties: {
              session: sessionSchema,
              vendor: { type: 'string' },
              heartbeatSeconds: {
                type: 'number',
                description: 'Send POST /sessions/:sysId/heartbeat this often, or the session expires.',
              },
              ...tokenProperties,
              device: { type: 'object', additionalProperties: true },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      // Absent or blank: the user's own name. Anything else must be a displayable name.
      const name = request.body.name?.trim() ? normalizeName(request.body.name, 100) : user.name;
      const number = await allowedCallerId(ctx.store, user.sys_id, request.body.callerId);
      if (!vendorServed(ctx, number.vendor)) throw new NotifyError('NO_COMPATIBLE_VENDOR');
      // The user's expired sessions go first (published), so availability deltas stay right.
      await ctx.store.deleteStaleSessions(ctx.liveSince(), { user: user.sys_id });
      const sysId = newSysId();
      // Over the cap, the user's oldest session is closed (server/README.md, "Sessions per user").
      const session = await ctx.store.createSession(
        {
          sys_id: sysId,
          user: user.sys_id,
          name,
          number: number.number,
          vendor: number.vendor,
          identity: sessionIdentity(sysId),
          available: true,
        },
        { maxPerUser: ctx.maxSessionsPerUser },
      );
      if (request.body.callWaiting === 'ring') await ctx.store.setCallWaiting(session.sys_id, true);
      const minted = mintVendorToken(ctx, number.vendor, session.identity);
      reply.code(201);
      return {
        session,
        vendor: number.vendor,
        ...minted,
        device: vendorDevice(ctx, number.vendor, session.identity),
        heartbeatSeconds: ctx.sessionTtlSeconds / 3,
      };
    },
  );

  app.post<{ Params: { sysId: string } }>(
    '/sessions/:sysId/token',
    {
      schema: {
        params: sysIdParams,
        response: {
          200: { type: 'object', required: ['token', 'ttl', 'expiresAt'], properties: tokenProperties },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const session = await ownSession(request);
      // The user may have lost the number since the session started.
      await allowedCallerId(ctx.store, session.user, session.number);
      if (!(await ctx.store.touchSession(session.sys_id, ctx.liveSince()))) return expired(session.user);
      return mintVendorToken(ctx, session.vendor, session.identity);
    },
  );

  /**
   * Ours (issue 14, `client.preflight()`): a short-lived Voice token for the session's pre-call test, with an
   * identity of its own (`p_<session>`): the test's Device registers and calls beside the session's, never
   * in its place. Its call gets the test's TwiML (twilio-voice.ts). Only for the user's own live session.
   */
  app.post<{ Params: { sysId: string } }>(
    '/sessions/:sysId/preflight',
    {
      schema: {
        params: sysIdParams,
        response: {
          200: { type: 'object', required: ['token', 'ttl', 'expiresAt'], properties: tokenProperties },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const session = await ownSession(request);
      await allowedCallerId(ctx.store, session.user, session.number);
      if (!(await ctx.store.touchSession(session.sys_id, ctx.liveSince()))) return expired(session.user);
      // Twilio's PreflightTest only: a SIP session has no pre-call test (its client answers NOT_SUPPORTED first).
      if (session.vendor === Vendor.SIP) {
        throw new NotifyError('NO_COMPATIBLE_VENDOR', "A SIP session has no pre-call test; it is Twilio's.");
      }
      return mintVoiceToken(ctx.account, preflightIdentity(session.sys_id), PREFLIGHT_TOKEN_TTL_SECONDS);
    },
  );

  // The client's liveness signal (every `heartbeatSeconds`): one read and one indexed update. While its
  // signaling is down a client also asks which of its calls ended meanwhile (`calls`, its own CallSids):
  // the far end may have hung up, and the vendor cannot tell it until the signaling is back (issue 10).
  app.post<{ Params: { sysId: string }; Body: { calls?: string[] } | undefined }>(
    '/sessions/:sysId/heartbeat',
    {
      schema: {
        params: sysIdParams,
        // Per content type: a heartbeat without a body (the usual one) has nothing to validate.
        body: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  calls: {
                    type: 'array',
                    items: callSidSchema,
                    maxItems: MAX_HEARTBEAT_CALLS,
                    uniqueItems: true,
                    description:
                      "CallSids of this session's calls to check; the answer lists those that ended.",
                  },
                },
              },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['ended'],
            properties: { ended: { type: 'array', items: callSidSchema } },
          },
          204: { type: 'null' },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const session = await ownSession(request);
      // It may have expired (and been swept) since it was read: never revive it.
      if (!(await ctx.store.touchSession(session.sys_id, ctx.liveSince()))) return expired(session.user);
      const asked = request.body?.calls;
      if (!asked) return reply.code(204).send();
      // Only this session's own calls are answered: another session's CallSid reads as not ended.
      const calls = await Promise.all(asked.map((callSid) => ctx.store.getCall(callSid)));
      const ended = calls
        .filter((call) => call?.session === session.sys_id && isTerminalStatus(call.status))
        .map((call) => call!.call_sid);
      return { ended };
    },
  );

  // Not in docs/architecture.md yet; the client's HttpNotifyBackend calls it for setClientAvailable().
  app.patch<{ Params: { sysId: string }; Body: { available: boolean } }>(
    '/sessions/:sysId',
    {
      schema: {
        params: sysIdParams,
        body: {
          type: 'object',
          required: ['available'],
          additionalProperties: false,
          properties: { available: { type: 'boolean' } },
        },
        response: {
          200: { type: 'object', required: ['session'], properties: { session: sessionSchema } },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const session = await ownSession(request);
      await ctx.store.setSessionAvailable(session.sys_id, request.body.available);
      return { session: { ...session, available: request.body.available } };
    },
  );

  // getAvailableClients(): users (not sessions) other than the caller who share a group with them and have
  // an available session; one bounded page in (name, sys_id) order, `next` the opaque cursor of the next.
  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/sessions/available',
    {
      schema: {
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
            required: ['clients', 'next'],
            properties: {
              clients: { type: 'array', items: userSchema },
              next: {
                type: ['string', 'null'],
                description: 'Pass as `cursor` for the next page; null on the last page.',
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) =>
      availableColleaguesPage(
        ctx.store,
        currentUser(request).sys_id,
        request.query.limit,
        request.query.cursor,
        ctx.liveSince(),
      ),
  );

  app.delete<{ Params: { sysId: string } }>(
    '/sessions/:sysId',
    { schema: { params: sysIdParams, response: { 204: { type: 'null' }, ...errorResponses } } },
    async (request, reply) => {
      const session = await ownSession(request);
      await ctx.store.deleteSession(session.sys_id);
      return reply.code(204).send();
    },
  );
};
