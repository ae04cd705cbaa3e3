import type { FastifyPluginAsync } from 'fastify';
import { requireUser, currentUser, sessionCookie } from '../auth.js';
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
      const token = await ctx.tokens.sign(user);
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
};
