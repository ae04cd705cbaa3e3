/**
 * Child process of bench/presence.ts: the backend alone (SQLite in memory, rate limiter off) on a
 * loopback port, reporting its memory on request over IPC. Run with --expose-gc.
 */
import { randomBytes } from 'node:crypto';
import { buildServer } from '../server/app.js';
import { createDevAccount } from '../scripts/dev-account.js';

const app = await buildServer({
  database: ':memory:',
  account: createDevAccount(),
  publicUrl: 'http://127.0.0.1/api',
  sessionSecret: randomBytes(32).toString('hex'),
  devSignIn: true,
  ...({ rateLimit: false } as object),
  seed: { numbers: [{ number: '+15005550006', vendor: 'TWILIO_DIRECT', group: 'demo' }] },
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (message: { type: string }) => {
  if (message.type === 'memory') {
    for (let i = 0; i < 3; i++) gc?.();
    const m = process.memoryUsage();
    process.send!({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed, external: m.external });
  } else if (message.type === 'close') {
    void app.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  }
});
process.send!({ type: 'ready', port });
