import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { notifyBackend, notifyFrameworkErrors } from '../server/app.js';
import { isPostgresUrl } from '../server/store/postgres.js';
import { emulatorPlugin } from '../emulator/app.js';
import { createLocalCertificate, type LocalCertificate } from '../emulator/cert.js';
import type { SipAccount } from '../server/sip.js';
import { demoSecurityHeaders } from './demo-csp.js';
import { createDevAccount, type TwilioAccount } from './dev-account.js';
import { loadOrCreateDevSecrets } from './dev-secrets.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The Notify numbers the development stack seeds: one the demo users own, one they do not. */
export const DEMO_NUMBER = '+15005550006';
export const FOREIGN_NUMBER = '+15005550009';
/** A number the demo users own that has no compatible vendor (setCallerId leaves notifyConfig.vendor unset). */
export const NO_VENDOR_NUMBER = '+15005550007';
/** The Notify number of the SIP vendor (issue 15), seeded when the stack has a SIP proxy. */
export const SIP_NUMBER = '+15005550030';

export interface StackOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** SQLite file for the backend, ':memory:' by default, or a `postgres://…[?schema=name]` URL. */
  database?: string;
  /**
   * Backend instances on the one `database` (a PostgreSQL URL when more than one), mounted at /api,
   * /api-2, … Each opens its own store (its own pool and LISTEN connection) from its own options; they
   * share only the configuration a deployment behind one load balancer shares (account, session secret).
   * The emulator's voice webhooks go to them in turn, as a load balancer would send them. Default 1.
   */
  instances?: number;
  /**
   * A file that keeps the Twilio dev account and the session secret across restarts (scripts/dev-secrets.ts),
   * created on first start. Absent: a fresh account and secret for this run only (tests).
   */
  secretsFile?: string;
  /** Lifetime of the vendor tokens the backend mints. */
  tokenTtlSeconds?: number;
  /** Seconds a client session lives after its last heartbeat (backend default when absent). */
  sessionTtlSeconds?: number;
  /** Origins (other than the stack's own) allowed to call the backend, e.g. a test runner's page. */
  corsOrigins?: string[];
  logger?: boolean;
  /**
   * More directories served from the stack's origin, e.g. a page bundled by the package consumer test
   * (`{ prefix: '/consumer/', root: '/tmp/…/public' }`): its scripts are then 'self' under the demo CSP.
   */
  staticDirs?: Array<{ prefix: string; root: string }>;
  /** The HTTPS certificate; a fresh one when absent. Shared with the SIP proxy's wss (scripts/sip/). */
  https?: LocalCertificate;
  /** A SIP proxy (scripts/sip/sip-stack.ts): the backend then serves SIP_NUMBER through it. */
  sip?: SipAccount;
}

export interface Stack {
  /** https://127.0.0.1:PORT — demo pages, dist/, the emulator. */
  origin: string;
  /** The backend's base URL (origin + /api): the first instance. */
  backendUrl: string;
  /** Every backend instance's base URL, in order: origin + /api, origin + /api-2, … */
  backendUrls: string[];
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
  const secrets = options.secretsFile
    ? loadOrCreateDevSecrets(options.secretsFile)
    : { account: createDevAccount(), sessionSecret: randomBytes(32).toString('hex') };
  const { account, sessionSecret } = secrets;
  const https = options.https ?? (await createLocalCertificate());
  let origin = '';
  // Framework errors (a bad URL, an over-long id) in the backend's `{error}` shape, on every path.
  const app = Fastify({ https, logger: options.logger ?? false, frameworkErrors: notifyFrameworkErrors });
  // The SIP proxy is on its own port: the demo pages may open its WebSocket.
  await demoSecurityHeaders(app, `${root}demo`, options.sip ? [options.sip.wsUrl] : []);
  const database = options.database ?? ':memory:';
  const instances = options.instances ?? 1;
  if (!Number.isInteger(instances) || instances < 1)
    throw new Error(`instances must be ≥ 1, not ${instances}`);
  if (instances > 1 && !isPostgresUrl(database))
    throw new Error('Several backend instances need a shared PostgreSQL database (a postgres:// URL).');
  const prefixes = Array.from({ length: instances }, (_, i) => (i === 0 ? '/api' : `/api-${i + 1}`));

  let nextInstance = 0;
  let nextStatusInstance = 0;
  // The TwiML App's and the numbers' StatusCallback (the parent legs' callbacks), taken in turn too.
  const statusUrl = () => `${origin}${prefixes[nextStatusInstance++ % instances]}/twilio/status`;
  await app.register(emulatorPlugin, {
    account,
    // Round-robin, like a load balancer: with one instance, always /api.
    voiceUrl: () => `${origin}${prefixes[nextInstance++ % instances]}/twilio/voice`,
    statusCallbackUrl: statusUrl,
    numberStatusCallbackUrl: () => statusUrl(),
    notifyNumbers: [DEMO_NUMBER, FOREIGN_NUMBER],
    // The stack's own pages are same-origin; a test runner's page is not.
    corsOrigins: [...(options.corsOrigins ?? [])],
  });
  // Fresh option objects per instance, so that instances share no JS object, only equal configuration.
  for (const prefix of prefixes) {
    await app.register(notifyBackend, {
      prefix,
      database,
      account: { ...account },
      publicUrl: () => `${origin}${prefix}`,
      sessionSecret,
      devSignIn: true,
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
      ...(options.sessionTtlSeconds !== undefined && { sessionTtlSeconds: options.sessionTtlSeconds }),
      twilioDevice: deviceOptions(() => origin),
      // Forwarding updates calls through the emulator's REST API, on this same self-signed origin.
      twilioApiBaseUrl: () => origin,
      twilioApiCa: https.cert,
      corsOrigins: [...(options.corsOrigins ?? [])],
      hsts: false, // HSTS ignores ports: pinning localhost would break other local HTTP servers
      seed: {
        numbers: [
          { number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT', group: 'demo' },
          { number: FOREIGN_NUMBER, vendor: 'TWILIO_DIRECT', group: 'other' },
          { number: NO_VENDOR_NUMBER, vendor: null, group: 'demo' },
          ...(options.sip ? [{ number: SIP_NUMBER, vendor: 'SIP' as const, group: 'demo' }] : []),
        ],
      },
      ...(options.sip && { sip: { ...options.sip } }),
    });
  }
  await app.register(fastifyStatic, {
    root: `${root}demo`,
    prefix: '/',
    decorateReply: false,
    index: 'index.html',
  });
  await app.register(fastifyStatic, { root: `${root}dist`, prefix: '/dist/', decorateReply: false });
  for (const dir of options.staticDirs ?? []) {
    await app.register(fastifyStatic, { root: dir.root, prefix: dir.prefix, decorateReply: false });
  }
  // Framework files for the demos (legacy.html, vue.html, angularjs.html), straight from their npm packages.
  for (const [name, dir] of [
    ['jquery', 'node_modules/jquery/dist'],
    ['vue', 'node_modules/vue/dist'],
    ['angular', 'node_modules/angular'],
  ]) {
    await app.register(fastifyStatic, {
      root: `${root}${dir}`,
      prefix: `/vendor/${name}/`,
      decorateReply: false,
    });
  }

  // Up when every part answers: each backend through its own health route, the emulator by being mounted.
  app.get('/healthz', async () => {
    const backends = await Promise.all(
      prefixes.map((prefix) => app.inject({ method: 'GET', url: `${prefix}/healthz` })),
    );
    return {
      ok: backends.every((backend) => backend.statusCode === 200),
      backend: backends[0]!.json(),
      ...(instances > 1 && { backends: backends.map((backend) => backend.json()) }),
      emulator: { ok: true },
    };
  });

  try {
    await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  } catch (error) {
    await app.close(); // a port taken meanwhile (EADDRINUSE): nothing of this stack stays behind
    throw error;
  }
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('The stack is not listening on a TCP port');
  origin = `https://127.0.0.1:${address.port}`;
  const backendUrls = prefixes.map((prefix) => `${origin}${prefix}`);
  return { origin, backendUrl: backendUrls[0]!, backendUrls, account, app, close: () => app.close() };
}

/**
 * What the backend hands to each Twilio Device: signaling and sounds on the emulator, Insights off.
 * With real Twilio the backend hands out nothing and the SDK's defaults apply.
 */
export function deviceOptions(origin: () => string): Record<string, unknown> {
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
