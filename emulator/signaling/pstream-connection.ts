import type { WebSocket } from 'ws';
import type { TwilioAccount } from '../../scripts/dev-account.js';
import { verifyAccessToken, type VerifiedToken } from '../tokens.js';

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

export interface PStreamOptions {
  account: TwilioAccount;
  router: CallRouter;
  /** The SDK drops a socket that is silent for 15 s; Twilio-like servers send "\n" every 10 s. */
  heartbeatIntervalMs: number;
}

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
  private readonly heartbeat: NodeJS.Timeout;
  private expiryTimer: NodeJS.Timeout | undefined;
  private open = true;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: PStreamOptions,
  ) {
    this.heartbeat = setInterval(() => this.sendRaw(HEARTBEAT), options.heartbeatIntervalMs);
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.receive(data.toString());
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
    this.shutdown();
    this.socket.close(1001, 'emulator shutting down');
  }

  private sendRaw(frame: string): void {
    if (this.open && this.socket.readyState === this.socket.OPEN) this.socket.send(frame);
  }

  private receive(frame: string): void {
    if (frame.trim() === '') return; // the client's echo of our heartbeat; any frame proves liveness
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
      void this.listen(payload.token);
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

  private async listen(jwt: unknown): Promise<void> {
    const check = await verifyAccessToken(jwt, this.options.account);
    if (!check.ok) {
      this.sendError(check.error.code, check.error.message);
      return;
    }
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
    clearTimeout(this.expiryTimer);
    this.options.router.closed(this);
  }
}
