import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { currentUser, requireUser } from '../auth.js';
import { allowedCallerId } from '../caller-id.js';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { newSysId, sessionIdentity } from '../ids.js';
import { availableColleaguesPage } from '../paging.js';
import { errorResponses, sysIdParams, tokenProperties, userSchema } from '../schemas.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type ClientSession } from '../store/store.js';
import { mintVoiceToken } from '../twilio.js';

const sessionSchema = {
  type: 'object',
  required: ['sys_id', 'identity', 'available', 'number'],
  properties: {
    sys_id: { type: 'string' },
    identity: { type: 'string' },
    available: { type: 'boolean' },
    number: { type: 'string' },
  },
} as const;

export const sessionRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  app.addHook('preHandler', requireUser(ctx));

  /** The signed-in user's own session, or 404 UNKNOWN_SESSION / 403 FORBIDDEN. */
  async function ownSession(request: FastifyRequest<{ Params: { sysId: string } }>): Promise<ClientSession> {
    const session = await ctx.store.getSession(request.params.sysId);
    if (!session) throw new NotifyError('UNKNOWN_SESSION');
    if (session.user !== currentUser(request).sys_id) throw new NotifyError('FORBIDDEN');
    return session;
  }

  app.post<{ Body: { callerId: string; name?: string } }>(
    '/sessions',
    {
      schema: {
        body: {
          type: 'object',
          required: ['callerId'],
          properties: {
            callerId: { type: 'string', maxLength: 32 },
            name: { type: 'string', maxLength: 100 },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['session', 'vendor', 'token', 'ttl', 'expiresAt', 'device'],
            properties: {
              session: sessionSchema,
              vendor: { type: 'string' },
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
      const number = await allowedCallerId(ctx.store, user.sys_id, request.body.callerId);
      if (!number.vendor) throw new NotifyError('NO_COMPATIBLE_VENDOR');
      const sysId = newSysId();
      const session = await ctx.store.createSession({
        sys_id: sysId,
        user: user.sys_id,
        name: request.body.name?.trim() || user.name,
        number: number.number,
        vendor: number.vendor,
        identity: sessionIdentity(sysId),
        available: true,
      });
      const minted = mintVoiceToken(ctx.account, session.identity, ctx.tokenTtlSeconds);
      reply.code(201);
      return { session, vendor: number.vendor, ...minted, device: ctx.twilioDevice };
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
      await ctx.store.touchSession(session.sys_id);
      return mintVoiceToken(ctx.account, session.identity, ctx.tokenTtlSeconds);
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
