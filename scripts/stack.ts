import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { notifyBackend } from '../server/app.js';
import { emulatorPlugin } from '../emulator/app.js';
import { createLocalCertificate } from '../emulator/cert.js';
import { createDevAccount, type TwilioAccount } from './dev-account.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The Notify numbers the development stack seeds: one the demo users own, one they do not. */
export const DEMO_NUMBER = '+15005550006';
export const FOREIGN_NUMBER = '+15005550009';

export interface StackOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** SQLite file for the backend; ':memory:' by default. */
  database?: string;
  /** Lifetime of the vendor tokens the backend mints. */
  tokenTtlSeconds?: number;
  /** Origins (other than the stack's own) allowed to call the backend, e.g. a test runner's page. */
  corsOrigins?: string[];
  logger?: boolean;
}

export interface Stack {
  /** https://127.0.0.1:PORT — demo pages, dist/, the emulator. */
  origin: string;
  /** The backend's base URL (origin + /api). */
  backendUrl: string;
  account: TwilioAccount;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * The whole development stack on one HTTPS origin: the demo and the built bundles, the reference
 * backend under /api and the Twilio emulator at the root (/signal, /sounds, /emulator, the REST API).
 * One origin means a person accepts the local certificate once and the SDK's wss:// works in an
 * ordinary browser.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const account = createDevAccount();
  const https = await createLocalCertificate();
  let origin = '';
  const app = Fastify({ https, logger: options.logger ?? false });

  await app.register(emulatorPlugin, {
    account,
    voiceUrl: () => `${origin}/api/twilio/voice`,
    notifyNumbers: [DEMO_NUMBER, FOREIGN_NUMBER],
  });
  await app.register(notifyBackend, {
    prefix: '/api',
    database: options.database ?? ':memory:',
    account,
    publicUrl: () => `${origin}/api`,
    sessionSecret: randomBytes(32).toString('hex'),
    devSignIn: true,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    twilioDevice: deviceOptions(() => origin),
    // Forwarding updates calls through the emulator's REST API, on this same self-signed origin.
    twilioApiBaseUrl: () => origin,
    twilioApiCa: https.cert,
    corsOrigins: options.corsOrigins ?? [],
    seed: {
      numbers: [
        { number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT', group: 'demo' },
        { number: FOREIGN_NUMBER, vendor: 'TWILIO_DIRECT', group: 'other' },
      ],
    },
  });
  await app.register(fastifyStatic, {
    root: `${root}demo`,
    prefix: '/',
    decorateReply: false,
    index: 'index.html',
  });
  await app.register(fastifyStatic, { root: `${root}dist`, prefix: '/dist/', decorateReply: false });
  // Framework files for the demos (demo/legacy.html, demo/vue.html), straight from their npm packages.
  for (const [name, dir] of [
    ['jquery', 'node_modules/jquery/dist'],
    ['vue', 'node_modules/vue/dist'],
  ]) {
    await app.register(fastifyStatic, {
      root: `${root}${dir}`,
      prefix: `/vendor/${name}/`,
      decorateReply: false,
    });
  }

  // Up when every part answers: the backend through its own health route, the emulator by being mounted.
  app.get('/healthz', async () => {
    const backend = await app.inject({ method: 'GET', url: '/api/healthz' });
    return { ok: backend.statusCode === 200, backend: backend.json(), emulator: { ok: true } };
  });

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('The stack is not listening on a TCP port');
  origin = `https://127.0.0.1:${address.port}`;
  return { origin, backendUrl: `${origin}/api`, account, app, close: () => app.close() };
}

/**
 * What the backend hands to each Twilio Device: signaling and sounds on the emulator, Insights off.
 * With real Twilio the backend hands out nothing and the SDK's defaults apply.
 */
function deviceOptions(origin: () => string): Record<string, unknown> {
  const sounds = [
    'incoming',
    'outgoing',
    'disconnect',
    'dtmf0',
    'dtmf1',
    'dtmf2',
    'dtmf3',
    'dtmf4',
    'dtmf5',
    'dtmf6',
    'dtmf7',
    'dtmf8',
    'dtmf9',
    'dtmfs',
    'dtmfh',
  ];
  // A getter, because the port is known only once the server listens.
  return {
    get chunderw() {
      return new URL(origin()).host;
    },
    publishEvents: false,
    get sounds() {
      return Object.fromEntries(sounds.map((name) => [name, `${origin()}/sounds/${name}.wav`]));
    },
  };
}
