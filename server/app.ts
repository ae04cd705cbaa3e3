import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { TwilioAccount } from '../scripts/dev-account.js';
import { Authenticator, SessionTokens, type HostIdentityOptions } from './auth.js';
import type { BackendContext } from './context.js';
import { acceptFormOnly, acceptJsonOnly, acceptProxyForms } from './content-types.js';
import { NotifyError, toNotifyError } from './errors.js';
import { notifyFrameworkErrors } from './framework-errors.js';
import { checkOrigin } from './origin-check.js';
import { securityHeaders } from './security-headers.js';
import { strictBodyValidator } from './validation.js';
import { BackendMetrics } from './metrics.js';
import { authRoutes, DEMO_GROUP } from './routes/auth.js';
import { callRoutes } from './routes/calls.js';
import { callControlRoutes } from './routes/call-control.js';
import { callerIdRoutes } from './routes/caller-ids.js';
import { healthRoutes } from './routes/health.js';
import { registerRateLimits } from './rate-limits.js';
import { presenceRoutes } from './routes/presence.js';
import { sessionRoutes } from './routes/sessions.js';
import { twilioWebhookRoutes } from './routes/twilio-webhooks.js';
import { sipRoutingRoutes } from './routes/sip-routing.js';
import { sipCallRoutes } from './routes/sip-calls.js';
import { sipTransferRoutes } from './routes/sip-transfer.js';
import { isPostgresUrl, PostgresStore } from './store/postgres.js';
import { createRestClient } from './twilio.js';
import type twilio from 'twilio';
import { SqliteStore } from './store/sqlite.js';
import type { SipAccount } from './sip.js';
import type { NotifyStore, Vendor } from './store/store.js';

/**
 * Request rates allowed per minute. Counted in Redis, across every instance sharing it, with
 * `ServerOptions.redisUrl`; else each instance counts on its own (in memory).
 */
export interface RateLimitOptions {
  /** Every request from one client IP (health, readiness and metrics excepted). Default 600. */
  perIpPerMinute?: number;
  /** Every authenticated request of one user. Default 300. */
  perUserPerMinute?: number;
  /** Prefix of the Redis keys (default `notify-rate-limit:`); instances that share limits share it. */
  redisNameSpace?: string;
}

export { notifyFrameworkErrors };

export interface ServerOptions {
  /**
   * `postgres://user@host:port/db[?schema=name]`, or a SQLite file path or `':memory:'`. Ignored when
   * `store` is given.
   */
  database: string;
  /** The Twilio account (real, or the one the emulator was started with). */
  account: TwilioAccount;
  /**
   * The backend's external base URL including its prefix, e.g. `https://127.0.0.1:8443/api`. Webhook
   * signatures are validated against `publicUrl + route path`, and status callback URLs are built from it.
   */
  publicUrl: string | (() => string);
  /** HS256 secret of the backend's own session JWTs. */
  sessionSecret: string;
  /** Enables `POST /auth/dev-sign-in`. Default false. */
  devSignIn?: boolean;
  /** Lifetime of vendor access tokens. Default 3600. */
  tokenTtlSeconds?: number;
  /**
   * Seconds a client session lives after its last heartbeat (`POST /sessions/:sysId/heartbeat`, sent every
   * `heartbeatSeconds` = a third of this). An expired session is not rung, not listed as available, and
   * removed by a sweep every `sessionTtlSeconds / 3` (presence hears `session.removed`). Default 90.
   */
  sessionTtlSeconds?: number;
  /**
   * Client sessions one user may hold at once (default 5). `POST /sessions` beyond it closes the user's
   * oldest session (deleted, `session.removed` on presence; its client's next heartbeat gets 404
   * UNKNOWN_SESSION). Bounds what one user can hold; who rings is one session per user anyway.
   */
  maxSessionsPerUser?: number;
  /**
   * `redis://…`: rate-limit counters live in Redis, shared by every instance using it (else each instance
   * counts alone, in memory). A Redis outage lets requests through (logged), never fails or holds them.
   */
  redisUrl?: string;
  /** Vendor device configuration handed to clients with each session (e.g. `{chunderw, sounds}`). */
  twilioDevice?: Record<string, unknown>;
  /**
   * The SIP vendor's proxy (our extension, issue 15): numbers whose vendor is `SIP` get short-lived SIP
   * credentials from it (server/sip.ts). Absent: SIP numbers have no compatible vendor here.
   */
  sip?: SipAccount;
  /** REST base URL of the emulator (a function when known only later); absent = real Twilio. */
  twilioApiBaseUrl?: string | (() => string);
  /** PEM certificate(s) to trust for `twilioApiBaseUrl` (the emulator's self-signed one). */
  twilioApiCa?: string;
  /** Origins allowed to call the backend cross-origin (with credentials). Absent = same origin only. */
  corsOrigins?: string[];
  /** Groups and numbers created (or updated) at start. */
  seed?: { numbers: Array<{ number: string; vendor: Vendor | null; group: string }> };
  /** Fastify logger option of `buildServer`. Default false. */
  logger?: boolean | object;
  /** Use this store instead of opening `database`; the caller then owns (and closes) it. */
  store?: NotifyStore;
  /** Accept the host application's signed identity (JWT). Absent: only the backend's own session JWTs. */
  hostIdentity?: HostIdentityOptions;
  /** Rate limits; `false` turns them off. Default `{perIpPerMinute: 600, perUserPerMinute: 300}`. */
  rateLimit?: RateLimitOptions | false;
  /** Largest request body in bytes, on every route (also when mounted in a host app). Default 65536. */
  bodyLimit?: number;
  /**
   * Bearer token `GET /metrics` requires (`Authorization: Bearer <token>`). Absent: `/metrics` is not
   * served (404), so that call and session counts are never public by accident.
   */
  metricsToken?: string;
  /**
   * Send `Strict-Transport-Security` (one year, subdomains). Default true. The development stack turns it
   * off: HSTS ignores ports, so pinning `localhost` would break a developer's other local HTTP servers.
   */
  hsts?: boolean;
  /** Fastify `trustProxy` of `buildServer` (client IPs from X-Forwarded-For). Default false. */
  trustProxy?: boolean | string | string[];
  /** Keep-alive comment interval of `GET /presence`, in ms. Default 15000. */
  presenceHeartbeatMs?: number;
  /** Open presence streams per user (default 10); one more is refused with 429 RATE_LIMITED. */
  presenceStreamsPerUser?: number;
  /** Process metrics (CPU, memory, event loop) on `/metrics` besides the backend's own. Default true. */
  processMetrics?: boolean;
}

/** Default of `ServerOptions.sessionTtlSeconds`. */
export const DEFAULT_SESSION_TTL_SECONDS = 90;

/** Default of `ServerOptions.maxSessionsPerUser`: a few tabs and devices, not a farm of them. */
export const DEFAULT_MAX_SESSIONS_PER_USER = 5;

/** Opens the store `database` names: PostgreSQL for a `postgres://` URL, else SQLite. */
export async function openStore(database: string): Promise<NotifyStore> {
  if (isPostgresUrl(database)) return PostgresStore.open({ connectionString: database });
  return new SqliteStore(database);
}

async function seed(store: NotifyStore, options: ServerOptions): Promise<void> {
  await store.findOrCreateGroup(DEMO_GROUP);
  for (const { number, vendor, group } of options.seed?.numbers ?? []) {
    const { sys_id } = await store.findOrCreateGroup(group);
    await store.upsertNumber({ number, vendor, group: sys_id });
  }
}

function lazyRestClient(options: ServerOptions): () => twilio.Twilio {
  let client: twilio.Twilio | undefined;
  return () => {
    const { twilioApiBaseUrl: base } = options;
    client ??= createRestClient(
      options.account,
      typeof base === 'function' ? base() : base,
      options.twilioApiCa,
    );
    return client;
  };
}

function publicUrlResolver(publicUrl: ServerOptions['publicUrl']): (path: string) => string {
  const base = typeof publicUrl === 'function' ? publicUrl : () => publicUrl;
  return (path) => `${base().replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * Every backend route, as an encapsulated plugin. Mount it under a prefix (`/api` in the demo); the
 * prefix must match the path part of `publicUrl`.
 */
export const notifyBackend: FastifyPluginAsync<ServerOptions> = async (app, options) => {
  const store = options.store ?? (await openStore(options.database));
  if (!options.store) app.addHook('onClose', async () => store.close());
  await seed(store, options);

  const tokens = new SessionTokens(options.sessionSecret);
  const metrics = new BackendMetrics(store, { defaultMetrics: options.processMetrics ?? true });
  const closing = new AbortController();
  // Long-lived responses (presence streams) end first, so that closing the server only waits for real work.
  app.addHook('preClose', async () => closing.abort());

  const sessionTtlSeconds = options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
  const liveSince = () => new Date(Date.now() - sessionTtlSeconds * 1000).toISOString();
  const fixedSecurityHeaders = await securityHeaders(app, { hsts: options.hsts ?? true });
  const ctx: BackendContext = {
    store,
    securityHeaders: fixedSecurityHeaders,
    account: options.account,
    tokens,
    auth: new Authenticator(tokens, store, options.hostIdentity),
    metrics,
    devSignIn: options.devSignIn ?? false,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    sessionTtlSeconds,
    liveSince,
    maxSessionsPerUser: options.maxSessionsPerUser ?? DEFAULT_MAX_SESSIONS_PER_USER,
    twilioDevice: options.twilioDevice ?? {},
    ...(options.sip && { sip: { ...options.sip } }),
    presenceHeartbeatMs: options.presenceHeartbeatMs ?? 15_000,
    presenceStreamsPerUser: options.presenceStreamsPerUser ?? 10,
    closing: closing.signal,
    publicUrlFor: publicUrlResolver(options.publicUrl),
    twilioRest: lazyRestClient(options),
    ...(options.metricsToken !== undefined && { metricsToken: options.metricsToken }),
  };

  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  // A host app's bodyLimit does not reach into this plugin: every route of ours gets ours.
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= bodyLimit;
  });
  app.setValidatorCompiler(strictBodyValidator());
  if (options.corsOrigins?.length)
    await app.register(cors, {
      origin: options.corsOrigins,
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    });
  // Before every route, so that it sees them all. A host app with its own swagger documents us itself.
  const ownSwagger = !app.hasDecorator('swagger');
  if (ownSwagger)
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'notify-phone backend',
          version: '1',
          description: 'See docs/architecture.md and server/README.md. Errors are {error:{code,message}}.',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
            cookie: { type: 'apiKey', in: 'cookie', name: 'notify_session' },
          },
        },
        security: [{ bearer: [] }, { cookie: [] }],
      },
    });
  if (options.rateLimit !== false) {
    ctx.afterAuthentication = await registerRateLimits(app, options.rateLimit ?? {}, options.redisUrl);
  }

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.setErrorHandler((error, request, reply) => {
    const notifyError = toNotifyError(error);
    metrics.errors.inc({ code: notifyError.code });
    if (notifyError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: notifyError.code }, notifyError.message);
    return reply.code(notifyError.statusCode).type('application/json').send(notifyError.toBody());
  });
  // A path parameter over the router's maxParamLength matches no route and lands here: say so (414).
  const maxParamLength = app.initialConfig.maxParamLength ?? 100;
  const notFound = async (request: FastifyRequest) => {
    const segments = (request.url.split('?')[0] ?? '').split('/');
    if (segments.some((segment) => segment.length > maxParamLength)) throw new NotifyError('URI_TOO_LONG');
    throw new NotifyError('NOT_FOUND');
  };
  app.setNotFoundHandler(notFound);
  // A host's wildcard route (a static file server at `/*`) would otherwise catch unknown paths under our
  // prefix before the not-found handler does.
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    schema: { hide: true },
    handler: notFound,
  });

  const ownOrigin = () => new URL(ctx.publicUrlFor('/')).origin;
  await app.register(async (browserFacing) => {
    acceptJsonOnly(browserFacing);
    checkOrigin(browserFacing, () => [ownOrigin(), ...(options.corsOrigins ?? [])]);
    await browserFacing.register(healthRoutes, ctx);
    await browserFacing.register(authRoutes, ctx);
    await browserFacing.register(callerIdRoutes, ctx);
    await browserFacing.register(sessionRoutes, ctx);
    await browserFacing.register(callRoutes, ctx);
    await browserFacing.register(callControlRoutes, ctx);
    await browserFacing.register(sipTransferRoutes, ctx);
    await browserFacing.register(presenceRoutes, ctx);
  });
  await app.register(async (twilioFacing) => {
    await acceptFormOnly(twilioFacing);
    await twilioFacing.register(twilioWebhookRoutes, ctx);
  });
  // The SIP proxy's routing question: a GET with its own bearer token (server/routes/sip-routing.ts).
  await app.register(sipRoutingRoutes, ctx);
  // Its call reports: form-encoded POSTs with the same token (server/routes/sip-calls.ts).
  await app.register(async (proxyFacing) => {
    await acceptProxyForms(proxyFacing);
    await proxyFacing.register(sipCallRoutes, ctx);
  });

  // The sweep of expired sessions: every instance runs it; the store makes concurrent sweeps safe.
  let sweepTimer: ReturnType<typeof setInterval> | undefined;
  let sweeping: Promise<unknown> | undefined;
  const sweep = () => {
    sweeping ??= store
      .deleteStaleSessions(liveSince())
      .then((removed) => {
        if (removed.length) app.log.info({ removed: removed.length }, 'expired client sessions removed');
      })
      .catch((error: unknown) => app.log.error({ err: error }, 'session sweep failed'))
      .finally(() => (sweeping = undefined));
  };
  app.addHook('onReady', async () => {
    sweepTimer = setInterval(sweep, Math.max(500, (sessionTtlSeconds * 1000) / 3));
    sweepTimer.unref();
  });
  app.addHook('preClose', async () => {
    clearInterval(sweepTimer);
    await sweeping;
  });

  app.get('/openapi.json', { config: { rateLimit: false }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
};

/** Default of `ServerOptions.bodyLimit`. */
export const DEFAULT_BODY_LIMIT = 65_536;

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * A Fastify app serving only the backend, at the root, not listening. `notifyStore` is for tests. Requests
 * carry an id (a sane incoming `X-Request-Id`, else a UUID) in every log line and in the response header.
 */
export async function buildServer(
  options: ServerOptions,
): Promise<FastifyInstance & { notifyStore: NotifyStore }> {
  const app = Fastify({
    logger: (options.logger ?? false) as FastifyServerOptions['logger'],
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    frameworkErrors: notifyFrameworkErrors,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  const store = options.store ?? (await openStore(options.database));
  if (!options.store) app.addHook('onClose', async () => store.close());
  app.decorate('notifyStore', store);
  await app.register(notifyBackend, { ...options, store });
  return app as unknown as FastifyInstance & { notifyStore: NotifyStore };
}
