import type { FastifyPluginAsync } from 'fastify';
import { currentUser, requireUser } from '../auth.js';
import { allowedCallerId } from '../caller-id.js';
import type { BackendContext } from '../context.js';
import { errorResponses } from '../schemas.js';
import { vendorServed } from '../vendor-tokens.js';

export const callerIdRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  app.get<{ Params: { number: string } }>(
    '/caller-ids/:number',
    {
      preHandler: requireUser(ctx),
      schema: {
        params: {
          type: 'object',
          required: ['number'],
          properties: { number: { type: 'string', maxLength: 32 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['number', 'vendor'],
            properties: { number: { type: 'string' }, vendor: { type: ['string', 'null'] } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const found = await allowedCallerId(ctx.store, currentUser(request).sys_id, request.params.number);
      // A vendor this backend cannot serve (SIP without a proxy configured) is no compatible vendor.
      return { number: found.number, vendor: vendorServed(ctx, found.vendor) ? found.vendor : null };
    },
  );
};
