import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import type { TwilioAccount } from '../scripts/dev-account.js';
import { SessionTokens } from './auth.js';
import type { BackendContext } from './context.js';
import { NotifyError, toNotifyError } from './errors.js';
import { authRoutes, DEMO_GROUP } from './routes/auth.js';
import { callRoutes } from './routes/calls.js';
import { callerIdRoutes } from './routes/caller-ids.js';
import { healthRoutes } from './routes/health.js';
import { sessionRoutes } from './routes/sessions.js';
import { twilioWebhookRoutes } from './routes/twilio-webhooks.js';
import { SqliteStore } from './store/sqlite.js';
import type { NotifyStore, Vendor } from './store/store.js';

export interface ServerOptions {
  /** SQLite file path or `':memory:'`. Ignored when `store` is given. */
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
  /** Vendor device configuration handed to clients with each session (e.g. `{chunderw, sounds}`). */
  twilioDevice?: Record<string, unknown>;
  /** REST base URL of the emulator; absent = real Twilio. */
  twilioApiBaseUrl?: string;
  /** Origins allowed to call the backend cross-origin (with credentials). Absent = same origin only. */
  corsOrigins?: string[];
  /** Groups and numbers created (or updated) at start. */
  seed?: { numbers: Array<{ number: string; vendor: Vendor | null; group: string }> };
  /** Fastify logger option of `buildServer`. Default false. */
  logger?: boolean | object;
  /** Use this store instead of opening `database`; the caller then owns (and closes) it. */
  store?: NotifyStore;
}

/** Opens the store the options name. */
export function openStore(database: string): NotifyStore {
  return new SqliteStore(database);
}

async function seed(store: NotifyStore, options: ServerOptions): Promise<void> {
  await store.findOrCreateGroup(DEMO_GROUP);
  for (const { number, vendor, group } of options.seed?.numbers ?? []) {
    const { sys_id } = await store.findOrCreateGroup(group);
    await store.upsertNumber({ number, vendor, group: sys_id });
  }
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
  const store = options.store ?? openStore(options.database);
  if (!options.store) app.addHook('onClose', async () => store.close());
  await seed(store, options);

  const ctx: BackendContext = {
    store,
    account: options.account,
    tokens: new SessionTokens(options.sessionSecret),
    devSignIn: options.devSignIn ?? false,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    twilioDevice: options.twilioDevice ?? {},
    publicUrlFor: publicUrlResolver(options.publicUrl),
  };

  // A host app (the demo's root, hosting the emulator too) may have registered the form parser already.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody);
  if (options.corsOrigins?.length)
    await app.register(cors, {
      origin: options.corsOrigins,
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    });

  app.setErrorHandler((error, request, reply) => {
    const notifyError = toNotifyError(error);
    if (notifyError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(notifyError.statusCode).type('application/json').send(notifyError.toBody());
  });
  app.setNotFoundHandler((_request, reply) => {
    const notFound = new NotifyError('NOT_FOUND');
    return reply.code(notFound.statusCode).send(notFound.toBody());
  });

  await app.register(healthRoutes);
  await app.register(authRoutes, ctx);
  await app.register(callerIdRoutes, ctx);
  await app.register(sessionRoutes, ctx);
  await app.register(callRoutes, ctx);
  await app.register(twilioWebhookRoutes, ctx);
};

/** A Fastify app serving only the backend, at the root, not listening. `notifyStore` is for tests. */
export async function buildServer(
  options: ServerOptions,
): Promise<FastifyInstance & { notifyStore: NotifyStore }> {
  const app = Fastify({ logger: (options.logger ?? false) as FastifyServerOptions['logger'] });
  const store = options.store ?? openStore(options.database);
  if (!options.store) app.addHook('onClose', async () => store.close());
  app.decorate('notifyStore', store);
  await app.register(notifyBackend, { ...options, store });
  return app as unknown as FastifyInstance & { notifyStore: NotifyStore };
}
