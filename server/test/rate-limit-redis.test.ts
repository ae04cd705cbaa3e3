import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { DEMO_NUMBER, makeApp, type TestApp } from './helpers.js';

/** The Redis the tests use; CI and the project's machines run one here. */
const REDIS_URL = process.env.NOTIFY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Throws, failing the suite (never skipping it), when Redis does not answer. */
async function requireRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // reported below
  try {
    await redis.connect();
    assert.equal(await redis.ping(), 'PONG');
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `Redis is required for the shared rate-limit tests and is not reachable at ${REDIS_URL} ` +
        `(${(error as Error).message}). Start it with \`scripts/ensure-services.sh\` (or ` +
        '`redis-server --daemonize yes --bind 127.0.0.1 --port 6379`), or set NOTIFY_TEST_REDIS_URL.',
      { cause: error },
    );
  }
}

describe('rate limits shared through Redis', () => {
  let redis: Redis;
  const nameSpace = `notify-test-${randomBytes(6).toString('hex')}:`;
  const apps: TestApp[] = [];
  const shared = async (redisUrl = REDIS_URL, perIpPerMinute = 5) => {
    const app = await makeApp({
      redisUrl,
      rateLimit: { perIpPerMinute, perUserPerMinute: 100, redisNameSpace: nameSpace },
      processMetrics: false,
    });
    apps.push(app);
    return app;
  };
  // Unauthenticated: each answers 401, and each counts against the client IP's limit first.
  const probe = (app: TestApp) => app.inject({ method: 'GET', url: `/caller-ids/${DEMO_NUMBER}` });

  before(async () => {
    redis = await requireRedis();
  });
  after(async () => {
    for (const app of apps) await app.close();
    if (redis) {
      const keys = await redis.keys(`${nameSpace}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });

  it('two instances sharing one Redis count one limit: 3 requests to A and 3 to B, the 6th is 429', async () => {
    const [a, b] = [await shared(), await shared()];
    const statuses: number[] = [];
    for (const app of [a, a, a, b, b]) statuses.push((await probe(app)).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
    const sixth = await probe(b);
    assert.equal(sixth.statusCode, 429);
    assert.equal((sixth.json() as { error: { code: string } }).error.code, 'RATE_LIMITED');
    assert.match((sixth.json() as { error: { message: string } }).error.message, /Too many requests/);
    // The counter is in Redis under our prefix, for this client IP.
    assert.equal(await redis.get(`${nameSpace}ip:127.0.0.1`), '6');
    // A is over the limit too: it reads the same counter.
    assert.equal((await probe(a)).statusCode, 429);
  });

  it(
    'a Redis outage neither takes the API down nor holds requests: they pass uncounted',
    { timeout: 20_000 },
    async () => {
      // Nothing listens on port 1: every Redis command fails at once.
      const app = await shared('redis://127.0.0.1:1', 2);
      for (let i = 0; i < 4; i++) assert.equal((await probe(app)).statusCode, 401);
      assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
      await app.close();
    },
  );

  it('a Redis that accepts connections but never answers holds no request', { timeout: 20_000 }, async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const app = await shared(`redis://127.0.0.1:${port}`, 2);
      for (let i = 0; i < 4; i++) assert.equal((await probe(app)).statusCode, 401);
      await app.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
