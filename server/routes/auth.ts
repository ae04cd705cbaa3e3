import type { FastifyPluginAsync } from 'fastify';
import { clearedSessionCookie, currentUser, requireUser, sessionCookie } from '../auth.js';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { normalizeName } from '../names.js';
import { errorResponses, userSchema } from '../schemas.js';

/** The group every dev sign-in joins; the dev start script assigns the demo numbers to it. */
export const DEMO_GROUP = 'demo';

export const authRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  app.post<{ Body: { name: string } }>(
    '/auth/dev-sign-in',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 80, pattern: '\\S' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['user', 'token'],
            properties: { user: userSchema, token: { type: 'string' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      if (!ctx.devSignIn) throw new NotifyError('DEV_SIGN_IN_DISABLED');
      const user = await ctx.store.findOrCreateUser(normalizeName(request.body.name, 80));
      const group = await ctx.store.findOrCreateGroup(DEMO_GROUP);
      await ctx.store.addGroupMember(group.sys_id, user.sys_id);
      const state = await ctx.store.getSignInState(user.sys_id);
      const token = await ctx.tokens.sign(user, state?.tokenGeneration ?? 0);
      reply.header('set-cookie', sessionCookie(token));
      return { user, token };
    },
  );

  app.get(
    '/me',
    {
      preHandler: requireUser(ctx),
      schema: {
        response: {
          200: { type: 'object', required: ['user'], properties: { user: userSchema } },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ user: currentUser(request) }),
  );

  /**
   * Signs the caller out everywhere: every token of theirs issued so far is refused from now on by every
   * instance (session JWTs by generation, host tokens by `iat`), their client sessions are deleted and their
   * presence streams end (on every instance), and the cookie is cleared.
   */
  app.post(
    '/auth/sign-out',
    {
      // Set before authentication so that refusals are not cached either.
      onRequest: async (_request, reply) => {
        reply.header('cache-control', 'no-store');
      },
      preHandler: requireUser(ctx),
      schema: { response: { 204: { type: 'null' }, ...errorResponses } },
    },
    async (request, reply) => {
      const user = currentUser(request);
      await ctx.store.signOut(user.sys_id, Math.floor(Date.now() / 1000));
      return reply.header('set-cookie', clearedSessionCookie()).code(204).send();
    },
  );
};
