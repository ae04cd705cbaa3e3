import rateLimit from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { RateLimitOptions } from './app.js';
import { NotifyError } from './errors.js';

/** Where the counters live in Redis unless `RateLimitOptions.redisNameSpace` says otherwise. */
export const DEFAULT_REDIS_NAMESPACE = 'notify-rate-limit:';

/**
 * How long one Redis command may take before the request goes on without it. Counting is not worth more
 * latency than this; a Redis that hangs never holds a request longer.
 */
const REDIS_COMMAND_TIMEOUT_MS = 500;

/** How long a starting app waits for Redis before serving anyway (unlimited until Redis answers). */
const REDIS_STARTUP_WAIT_MS = 2000;

/**
 * A Redis client that never holds a request: no offline queue (a command while disconnected fails at once),
 * a command timeout, endless reconnection in the background. Resolves once connected, or after
 * `REDIS_STARTUP_WAIT_MS` / the first error: a Redis outage at start does not keep the API down.
 */
async function connectRedis(url: string, log: FastifyBaseLogger): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: REDIS_STARTUP_WAIT_MS,
  });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // Reconnection repeats the same error every few seconds: log when it changes.
    if (error.message === lastError) return;
    lastError = error.message;
    log.warn({ err: error }, 'rate-limit Redis unavailable; requests pass without counting');
  });
  redis.on('ready', () => {
    if (lastError) log.info('rate-limit Redis reachable again');
    lastError = '';
  });
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      redis.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, REDIS_STARTUP_WAIT_MS);
    redis.once('ready', done);
    redis.once('error', done);
  });
  return redis;
}

/**
 * Registers the rate limits on `app`: per client IP on every route that does not opt out (operational
 * routes, Twilio's signed webhooks), and per user after authentication (the returned hook). With
 * `redisUrl` the counters live in Redis, shared by every instance using it; else in this process. When
 * Redis fails, requests pass uncounted (`skipOnError`): the phone keeps working without the limit rather
 * than failing every request; the outage is logged. The Redis connection closes with the app.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  options: RateLimitOptions,
  redisUrl: string | undefined,
): Promise<(request: FastifyRequest) => Promise<void>> {
  const limits = { perIpPerMinute: 600, perUserPerMinute: 300, ...options };
  const redis = redisUrl ? await connectRedis(redisUrl, app.log) : undefined;
  if (redis) {
    app.addHook('onClose', async () => {
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    });
  }
  await app.register(rateLimit, {
    global: true,
    max: limits.perIpPerMinute,
    timeWindow: 60_000,
    ...(redis && {
      redis,
      nameSpace: limits.redisNameSpace ?? DEFAULT_REDIS_NAMESPACE,
      skipOnError: true,
    }),
    keyGenerator: (request: FastifyRequest) => `ip:${request.ip}`,
    errorResponseBuilder: (_request, context) =>
      new NotifyError('RATE_LIMITED', `Too many requests; retry in ${context.after}.`),
  });
  const perUser = app.createRateLimit({
    max: limits.perUserPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `user:${request.notifyUser?.sys_id ?? ''}`,
  });
  return async (request: FastifyRequest) => {
    const result = await perUser(request);
    if (!result.isAllowed && result.isExceeded) {
      throw new NotifyError(
        'RATE_LIMITED',
        `Too many requests for this user; retry in ${result.ttlInSeconds} s.`,
      );
    }
  };
}
