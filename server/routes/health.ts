import type { FastifyPluginAsync } from 'fastify';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { errorResponses } from '../schemas.js';

const okSchema = { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } } as const;
const READY_TIMEOUT_MS = 2000;

/** Liveness, readiness and Prometheus metrics; never rate limited. */
export const healthRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  const config = { rateLimit: false } as const;

  app.get(
    '/healthz',
    { config, schema: { description: 'Liveness: the process answers.', response: { 200: okSchema } } },
    async () => ({ ok: true }),
  );

  app.get(
    '/readyz',
    {
      config,
      schema: {
        description: 'Readiness: the database answers and the server is not shutting down.',
        response: { 200: okSchema, ...errorResponses },
      },
    },
    async () => {
      if (ctx.closing.aborted) throw new NotifyError('NOT_READY');
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          ctx.store.ping(),
          new Promise((_resolve, reject) => {
            timer = setTimeout(() => reject(new Error('database ping timed out')), READY_TIMEOUT_MS);
          }),
        ]);
      } catch (error) {
        throw new NotifyError('NOT_READY', undefined, { cause: error });
      } finally {
        clearTimeout(timer);
      }
      return { ok: true };
    },
  );

  app.get(
    '/metrics',
    {
      config,
      schema: {
        description: 'Prometheus metrics (text exposition format).',
        response: { 200: { type: 'string' } },
      },
    },
    async (_request, reply) => reply.type(ctx.metrics.contentType).send(await ctx.metrics.render()),
  );
};
