import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { errorResponses } from '../schemas.js';

const okSchema = { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } } as const;
const READY_TIMEOUT_MS = 2000;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Liveness and readiness (never rate limited: probes must not be starved) and Prometheus metrics (behind
 * `metricsToken`, rate limited per IP like every other route: rendering reads the database).
 */
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

  const { metricsToken } = ctx;
  if (metricsToken === undefined) return;
  app.get(
    '/metrics',
    {
      schema: {
        description: 'Prometheus metrics (text exposition format); `Authorization: Bearer <metrics token>`.',
        response: { 200: { type: 'string' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const [scheme, token] = (request.headers.authorization ?? '').split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token || !sameSecret(token, metricsToken)) {
        throw new NotifyError('UNAUTHENTICATED', 'GET /metrics needs the metrics bearer token.');
      }
      return reply.type(ctx.metrics.contentType).send(await ctx.metrics.render());
    },
  );
};
