import type { FastifyPluginAsync } from 'fastify';
import { currentUser, requireUser } from '../auth.js';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { errorResponses } from '../schemas.js';

/**
 * Not in docs/architecture.md yet; the client's getParentId() polls it. `parentId` is the sys_id of the
 * parent notify_call row (ServiceNow's meaning), null while the parent is not known (yet).
 */
export const callRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  app.get<{ Params: { callSid: string } }>(
    '/calls/:callSid/parent',
    {
      preHandler: requireUser(ctx.tokens, ctx.store),
      schema: {
        params: {
          type: 'object',
          required: ['callSid'],
          properties: { callSid: { type: 'string', pattern: '^CA[0-9a-fA-F]{32}$' } },
        },
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
      const call = await ctx.store.getCall(request.params.callSid);
      if (!call) return { parentId: null };
      const session = call.session ? await ctx.store.getSession(call.session) : undefined;
      if (session && session.user !== currentUser(request).sys_id) throw new NotifyError('FORBIDDEN');
      return { parentId: call.parent_sys_id };
    },
  );
};
