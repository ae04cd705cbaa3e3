import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { TwilioAccount } from '../scripts/dev-account.js';
import { Switchboard } from './calls/switchboard.js';
import { SERVER_HEARTBEAT_INTERVAL_MS } from './limits.js';
import { allowOrigins } from './routes/cors.js';
import { faultRoutes } from './routes/faults.js';
import { inspectConferenceRoutes } from './routes/inspect-conferences.js';
import { inspectRoutes } from './routes/inspect.js';
import { restCallRoutes } from './routes/rest-calls.js';
import { restConferenceRoutes } from './routes/rest-conferences.js';
import { soundRoutes } from './routes/sounds.js';
import { PStreamConnection } from './signaling/pstream-connection.js';

export interface EmulatorOptions {
  account: TwilioAccount;
  /** The TwiML App's voice URL (the backend's POST /twilio/voice); a function when it is known only later. */
  voiceUrl: string | (() => string);
  /** Numbers that belong to the account; every other E.164 number is a virtual PSTN phone. */
  notifyNumbers?: string[] | (() => string[]);
  /**
   * The TwiML App's StatusCallback (Application `statusCallback`): status callbacks of the parent leg of
   * every call a Voice SDK client places (`From=client:…`, no `ParentCallSid`). Read when the call starts.
   * Unset: none, as an Application without a StatusCallback.
   */
  statusCallbackUrl?: string | (() => string);
  /** The TwiML App's `statusCallbackMethod` (default POST). */
  statusCallbackMethod?: 'GET' | 'POST';
  /**
   * The StatusCallback of the account's numbers (IncomingPhoneNumber `statusCallback`): status callbacks of
   * the parent leg of every call to a Notify number. A string (or a function of nothing) applies to every
   * Notify number; a function of the called number configures each number (undefined: that number has
   * none). Read when the call starts.
   */
  numberStatusCallbackUrl?: string | ((number: string) => string | undefined);
  /** The numbers' `statusCallbackMethod` (default POST). */
  numberStatusCallbackMethod?: 'GET' | 'POST';
  /**
   * Emulator-only (Applications and IncomingPhoneNumbers have no event list: Twilio sends their callback
   * once, when the parent leg ends): the events of the two settings above, default `['completed']`. Add
   * `ringing` and `answered` (CallStatus `in-progress`) to follow the parent's progress too; a parent leg
   * enters the emulator at `ringing`, so `initiated` never fires for it.
   */
  parentStatusCallbackEvents?: Array<'initiated' | 'ringing' | 'answered' | 'completed'>;
  /**
   * Pages (origins) besides the emulator's own that may use its sounds and inspection API from a browser,
   * e.g. a test runner's page `http://localhost:8000`. Every other origin is refused (403). Default none.
   */
  corsOrigins?: string[] | (() => string[]);
  logger?: boolean | object;
  /** @internal Heartbeat period (default SERVER_HEARTBEAT_INTERVAL_MS, limits.ts); tests shorten it. */
  heartbeatIntervalMs?: number;
  /** @internal Silence after which a signaling socket is half-open and closed (default HALF_OPEN_TIMEOUT_MS). */
  halfOpenTimeoutMs?: number;
  /** @internal How long a call waits for its SDK to come back after the socket drops (default 5 s). */
  reconnectGraceMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The emulator's state (calls, phones, sockets); for tests and the lead's integration. */
    emulator: Switchboard;
  }
}

const getter = <T>(value: T | (() => T)): (() => T) =>
  typeof value === 'function' ? (value as () => T) : () => value;

/**
 * The local Twilio Voice emulator: PStream signaling on /signal, werift media legs, TwiML from the voice
 * URL, virtual PSTN phones, sounds, the inspection API (/emulator/…) and the REST Calls resource
 * (/2010-04-01/…). Routes are absolute, so register it without a prefix; it must run on HTTPS because the
 * SDK only speaks wss://. Closing the Fastify app ends every call, media peer and socket.
 */
export const emulatorPlugin: FastifyPluginAsync<EmulatorOptions> = async (app, opts) => {
  const switchboard = new Switchboard({
    account: opts.account,
    voiceUrl: getter(opts.voiceUrl),
    notifyNumbers: getter(opts.notifyNumbers ?? []),
    parentStatusCallbacks: {
      app: opts.statusCallbackUrl === undefined ? undefined : getter(opts.statusCallbackUrl),
      appMethod: opts.statusCallbackMethod ?? 'POST',
      number:
        typeof opts.numberStatusCallbackUrl === 'string'
          ? getter(opts.numberStatusCallbackUrl)
          : opts.numberStatusCallbackUrl,
      numberMethod: opts.numberStatusCallbackMethod ?? 'POST',
      events: opts.parentStatusCallbackEvents ?? ['completed'],
    },
    reconnectGraceMs: opts.reconnectGraceMs,
  });
  app.decorate('emulator', switchboard);
  app.addHook('onClose', async () => switchboard.close());

  await app.register(websocket);
  allowOrigins(app, ['/emulator/', '/sounds/', '/js/client/sounds/'], getter(opts.corsOrigins ?? []));

  const signal = {
    websocket: true,
    // A refuse fault for everyone answers the upgrade with 503, before any WebSocket exists.
    preValidation: async (_request: FastifyRequest, reply: FastifyReply) => {
      if (switchboard.faults.refuses(undefined)) {
        return reply.code(503).send({ error: { code: 'SIGNALING_REFUSED', message: 'fault injected' } });
      }
    },
  } as const;
  app.get('/signal', signal, (socket) => {
    switchboard.add(
      new PStreamConnection(socket, {
        account: opts.account,
        router: switchboard,
        heartbeatIntervalMs: opts.heartbeatIntervalMs ?? SERVER_HEARTBEAT_INTERVAL_MS,
        halfOpenTimeoutMs: opts.halfOpenTimeoutMs,
        faults: switchboard.faults,
      }),
    );
  });
  await app.register(soundRoutes);
  await app.register(inspectRoutes, { switchboard });
  await app.register(inspectConferenceRoutes, { switchboard });
  await app.register(faultRoutes, { faults: switchboard.faults });
  await app.register(async (rest) => {
    // The REST API takes form bodies; skip the parser when the host app already registered one globally.
    if (!rest.hasContentTypeParser('application/x-www-form-urlencoded')) await rest.register(formbody);
    await rest.register(restCallRoutes, { switchboard });
    await rest.register(restConferenceRoutes, { switchboard });
  });
};

/** A standalone emulator app (not listening yet). */
export async function buildEmulator(
  opts: EmulatorOptions & { https?: { key: string; cert: string } },
): Promise<FastifyInstance> {
  const { https, logger, ...pluginOptions } = opts;
  const app = (https
    ? Fastify({ https, logger: logger ?? false })
    : Fastify({ logger: logger ?? false })) as unknown as FastifyInstance;
  await app.register(emulatorPlugin, pluginOptions);
  return app;
}
