import type { WebSocket } from 'ws';
import type { TwilioAccount } from '../../scripts/dev-account.js';
import { HALF_OPEN_TIMEOUT_MS } from '../limits.js';
import { verifyAccessToken, type VerifiedToken } from '../tokens.js';
import { OrderedDelay } from './ordered-delay.js';

/** A PStream message payload: a flat JSON object whose fields depend on `type`. */
export type Payload = Record<string, unknown>;

/** What the signaling layer hands to the call layer (implemented by the switchboard). */
export interface CallRouter {
  invite(connection: PStreamConnection, payload: Payload): void;
  hangup(connection: PStreamConnection, callSid: string): void;
  reject(connection: PStreamConnection, callSid: string): void;
  answer(connection: PStreamConnection, callSid: string, sdp: string): void;
  reinvite(connection: PStreamConnection, callSid: string, sdp: string): void;
  dtmf(connection: PStreamConnection, callSid: string, digits: string): void;
  closed(connection: PStreamConnection): void;
}

/** What injected faults (faults.ts) decide for a connection, asked at every frame and every `listen`. */
export interface SignalingFaults {
  /** Extra milliseconds before a frame of this identity is sent or handled (0: none). */
  delayMs(identity: string | undefined, direction: 'inbound' | 'outbound'): number;
  /** True while new signaling connections of this identity are refused. */
  refuses(identity: string | undefined): boolean;
}

export interface PStreamOptions {
  account: TwilioAccount;
  router: CallRouter;
  /** The SDK drops a socket that is silent for 15 s; Twilio-like servers send "\n" every 10 s. */
  heartbeatIntervalMs: number;
  /** Nothing received for this long: the socket is half-open and is closed (default HALF_OPEN_TIMEOUT_MS). */
  halfOpenTimeoutMs?: number;
  faults?: SignalingFaults;
}

/** Why the emulator closed a connection itself (undefined: the client closed it, or it is open). */
export type CloseReason = 'half-open' | 'fault-reset' | 'fault-close' | 'refused' | 'shutdown';

/** The payload fields Twilio sends in `connected`; the SDK derives edge, region, Insights host and TTL. */
const EDGE = { region: 'US_EAST_VIRGINIA', edge: 'ashburn', home: 'us1', gateway: 'emulator' } as const;

const HEARTBEAT = '\n';

/**
 * One SDK signaling socket (`wss://…/signal`): JSON text frames `{type, version, payload}` both ways and a bare
 * "\n" heartbeat. Authentication happens in `listen`, which may come again on the same socket with a
 * refreshed token.
 */
export class PStreamConnection {
  /** The token of the last successful `listen`; undefined until then. */
  token: VerifiedToken | undefined;
  /** True between `register {audio:true}` → `ready` and unregister, expiry or close. */
  registered = false;
  /** Set when the emulator closed the socket itself. */
  closeReason: CloseReason | undefined;
  /** True while a stall fault holds the socket: nothing read, nothing written, TCP left open. */
  stalled = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly halfOpen: NodeJS.Timeout;
  private expiryTimer: NodeJS.Timeout | undefined;
  private open = true;
  private listened = false;
  /**
   * Frames that arrived while a `listen` was being verified (an async check), handled after it in order.
   * The SDK sends what it queued during an outage (a `hangup`, a `register`) right behind `listen` on the
   * new socket; Twilio handles one socket's frames in order, so these must not meet "token not validated".
   */
  private backlog: string[] | undefined;
  private readonly inbound = new OrderedDelay();
  private readonly outbound = new OrderedDelay();

  constructor(
    private readonly socket: WebSocket,
    private readonly options: PStreamOptions,
  ) {
    this.heartbeat = setInterval(() => this.sendRaw(HEARTBEAT), options.heartbeatIntervalMs);
    // Refreshed by every frame received (the SDK echoes each heartbeat), so it fires only on silence.
    this.halfOpen = setTimeout(
      () => this.drop('half-open'),
      options.halfOpenTimeoutMs ?? HALF_OPEN_TIMEOUT_MS,
    );
    socket.on('message', (data, isBinary) => {
      if (isBinary || this.stalled) return;
      this.halfOpen.refresh();
      const frame = data.toString();
      const delay = this.options.faults?.delayMs(this.identity, 'inbound') ?? 0;
      this.inbound.run(delay, () => {
        if (this.open) this.receive(frame);
      });
    });
    socket.on('close', () => this.shutdown());
    socket.on('error', () => this.shutdown());
  }

  get identity(): string | undefined {
    return this.token?.identity;
  }

  get isOpen(): boolean {
    return this.open;
  }

  send(type: string, payload: Payload = {}): void {
    this.sendRaw(JSON.stringify({ type, version: '1.6', payload }));
  }

  sendError(code: number, message: string, extra: Payload = {}): void {
    this.send('error', { ...extra, error: { code, message } });
  }

  close(): void {
    this.closeReason ??= 'shutdown';
    this.shutdown();
    this.socket.close(1001, 'emulator shutting down');
  }

  /**
   * Ends the connection from the emulator's side. `fault-close` sends a close frame (1001, the SDK
   * reconnects with backoff); every other reason drops the TCP connection without one, as a reset or a
   * dead peer does (the SDK sees 1006 and reports 31005).
   */
  drop(reason: Exclude<CloseReason, 'shutdown'>): void {
    if (!this.open) return;
    this.closeReason = reason;
    this.shutdown();
    if (reason === 'fault-close') this.socket.close(1001, 'fault injected');
    else this.socket.terminate();
  }

  /**
   * Half-open on purpose: stops reading (the TCP socket is paused, so not even a close frame or FIN is
   * seen) and writing (frames, heartbeats included, are discarded), while the connection stays open. The
   * half-open expiry then closes it, unless {@link unstall} comes first.
   */
  stall(): void {
    if (!this.open || this.stalled) return;
    this.stalled = true;
    this.rawSocket()?.pause();
  }

  /** The network path is back: what the peer sent meanwhile is read now, and frames flow again. */
  unstall(): void {
    if (!this.stalled) return;
    this.stalled = false;
    this.rawSocket()?.resume();
  }

  /** Forgets the registration without telling the client, which still believes it is registered. */
  forgetRegistration(): boolean {
    const was = this.open && this.registered;
    this.registered = false;
    return was;
  }

  /** ws keeps the TCP socket in `_socket`; no public API pauses reading. */
  private rawSocket(): { pause(): void; resume(): void } | undefined {
    return (this.socket as unknown as { _socket?: { pause(): void; resume(): void } })._socket;
  }

  private sendRaw(frame: string): void {
    const delay = this.options.faults?.delayMs(this.identity, 'outbound') ?? 0;
    this.outbound.run(delay, () => {
      if (this.open && !this.stalled && this.socket.readyState === this.socket.OPEN) this.socket.send(frame);
    });
  }

  private receive(frame: string): void {
    if (frame.trim() === '') return; // the client's echo of our heartbeat; any frame proves liveness
    if (this.backlog) {
      this.backlog.push(frame);
      return;
    }
    let message: { type?: unknown; payload?: unknown };
    try {
      message = JSON.parse(frame) as typeof message;
    } catch {
      return;
    }
    const payload = (
      message.payload && typeof message.payload === 'object' ? message.payload : {}
    ) as Payload;
    const callSid = typeof payload.callsid === 'string' ? payload.callsid : '';
    const sdp = typeof payload.sdp === 'string' ? payload.sdp : '';
    if (message.type === 'listen') {
      this.backlog = [];
      void this.listen(payload.token).finally(() => this.drain());
      return;
    }
    if (!this.token) {
      // Twilio answers anything that arrives before the listen token was accepted with 31204.
      this.sendError(31204, 'Cannot process the request: the access token has not been validated', {
        callsid: callSid,
      });
      return;
    }
    const { router } = this.options;
    switch (message.type) {
      case 'register':
        this.register(payload);
        break;
      case 'invite':
        router.invite(this, payload);
        break;
      case 'answer':
        router.answer(this, callSid, sdp);
        break;
      case 'reinvite':
        router.reinvite(this, callSid, sdp);
        break;
      case 'hangup':
      case 'cancel':
        router.hangup(this, callSid);
        break;
      case 'reject':
        router.reject(this, callSid);
        break;
      case 'dtmf':
        router.dtmf(this, callSid, typeof payload.dtmf === 'string' ? payload.dtmf : '');
        break;
      case 'message':
        // User-defined messages are acknowledged; there is no far end that consumes them yet.
        this.send('ack', { acktype: 'message', callsid: callSid, voiceeventsid: payload.voiceeventsid });
        break;
    }
  }

  /** The `listen` was verified (or refused): the frames held behind it are handled, in order. */
  private drain(): void {
    const frames = this.backlog ?? [];
    this.backlog = undefined;
    for (const [i, frame] of frames.entries()) {
      if (!this.open) return;
      this.receive(frame);
      // Another `listen` among them: the rest wait behind it.
      if (this.backlog) return void (this.backlog as string[]).push(...frames.slice(i + 1));
    }
  }

  private async listen(jwt: unknown): Promise<void> {
    const check = await verifyAccessToken(jwt, this.options.account);
    if (!check.ok) {
      this.sendError(check.error.code, check.error.message);
      return;
    }
    if (!this.listened && this.options.faults?.refuses(check.token.identity)) {
      // A refused identity's new connection dies as soon as it says who it is, like a failed connect;
      // a token update on a connection accepted earlier is not a new connection.
      this.drop('refused');
      return;
    }
    this.listened = true;
    this.token = check.token;
    clearTimeout(this.expiryTimer);
    const ttl = check.token.exp - Math.floor(Date.now() / 1000);
    // Clamped: Node timers overflow past 2^31 ms, and Twilio caps tokens at 24 h anyway.
    this.expiryTimer = setTimeout(() => this.expire(), Math.min(2 ** 31 - 1, Math.max(0, ttl * 1000)));
    this.send('connected', { ...EDGE, token: { identity: check.token.identity, ttl } });
  }

  private register(payload: Payload): void {
    const media = payload.media as { audio?: unknown } | undefined;
    if (media?.audio !== true) {
      this.registered = false;
      this.send('offline');
      return;
    }
    if (this.token?.voice.incoming?.allow !== true) {
      this.sendError(31204, 'Cannot register: the access token does not allow incoming calls');
      return;
    }
    this.registered = true;
    this.send('ready');
  }

  /** The token ran out while connected: the client is told (31205 → AccessTokenExpired) and goes offline. */
  private expire(): void {
    this.token = undefined;
    this.registered = false;
    this.sendError(31205, 'Token is expired');
  }

  private shutdown(): void {
    if (!this.open) return;
    this.open = false;
    this.registered = false;
    clearInterval(this.heartbeat);
    clearTimeout(this.halfOpen);
    clearTimeout(this.expiryTimer);
    this.inbound.cancel();
    this.outbound.cancel();
    this.options.router.closed(this);
  }
}
