import type { TwilioAccount } from '../../scripts/dev-account.js';
import type { MediaEnd } from '../media/bridge.js';
import { MediaLeg } from '../media/media-leg.js';
import type { RingOutcome } from '../phones/virtual-phone.js';
import type { PStreamConnection } from '../signaling/pstream-connection.js';
import { newReconnectToken } from '../sids.js';
import type { BrowserSession, LiveLeg, SessionDirectory } from './browser-session.js';
import type { DialAttempt } from './dial-attempt.js';

export interface ClientLegSpec {
  sid: string;
  from: string;
  to: string;
  identity: string;
  /** `<Parameter>` children of `<Client>`, which reach the SDK as `call.customParameters`. */
  parameters: [string, string][];
}

type State = 'new' | 'ringing' | 'answered' | 'ended';

/**
 * `<Dial><Client>`: one child leg offered to every registered socket of the identity (the forks share the
 * CallSid). Each fork gets its own werift offer; the first `answer` wins and the others get `cancel`, as
 * Twilio does for several devices registered under one identity.
 */
export class IncomingClientLeg implements DialAttempt, BrowserSession {
  readonly reconnectToken = newReconnectToken();
  readonly farEndHangup: Promise<void>;
  private readonly forks = new Map<PStreamConnection, MediaLeg>();
  private winner: { connection: PStreamConnection; media: MediaLeg } | undefined;
  private state: State = 'new';
  private settleRing: ((outcome: RingOutcome) => void) | undefined;
  private farEndHungUp!: () => void;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly spec: ClientLegSpec,
    private readonly account: TwilioAccount,
    private readonly sessions: SessionDirectory,
  ) {
    this.farEndHangup = new Promise((resolve) => (this.farEndHungUp = resolve));
  }

  get sid(): string {
    return this.spec.sid;
  }

  get callSid(): string {
    return this.spec.sid;
  }

  get mediaEnd(): MediaEnd {
    if (!this.winner) throw new Error('the client leg has not been answered');
    return { kind: 'browser', media: this.winner.media };
  }

  ring(): Promise<RingOutcome> {
    const connections = this.sessions.registeredConnections(this.spec.identity);
    if (!connections.length) return Promise.resolve('unavailable');
    this.state = 'ringing';
    this.sessions.track(this.sid, this);
    return new Promise((resolve) => {
      this.settleRing = resolve;
      for (const connection of connections) void this.invite(connection);
    });
  }

  cancel(): void {
    if (this.state !== 'ringing') return;
    for (const connection of this.forks.keys()) connection.send('cancel', { callsid: this.sid });
    this.end();
  }

  hangup(): void {
    if (this.state === 'answered') this.winner?.connection.send('hangup', { callsid: this.sid });
    if (this.state === 'ringing') this.cancel();
    else this.end();
  }

  playDigits(): void {
    // sendDigits belongs to <Number>; a browser has nobody to hear them.
  }

  // ——— BrowserSession: what the SDKs send ———

  answerByClient(connection: PStreamConnection, sdp: string): void {
    const media = this.forks.get(connection);
    if (this.state !== 'ringing' || !media) {
      // Answered too late: canceled, rang out or answered elsewhere while the SDK's accept() was on its way.
      // Twilio ends such a call; ignored, the SDK would show it open without media until ICE gave up.
      if (this.winner?.connection !== connection) connection.send('hangup', { callsid: this.sid });
      return;
    }
    this.state = 'answered';
    this.winner = { connection, media };
    media.acceptAnswer(sdp).catch(() => this.hangupByClient(connection));
    for (const [other, otherMedia] of this.forks) {
      if (other === connection) continue;
      other.send('cancel', { callsid: this.sid }); // answered elsewhere
      void otherMedia.close();
      this.forks.delete(other);
    }
    this.settleRing?.('answered');
  }

  rejectByClient(connection: PStreamConnection): void {
    if (this.state !== 'ringing') return;
    this.dropFork(connection);
    if (!this.forks.size) {
      this.end();
      this.settleRing?.('rejected');
    }
  }

  hangupByClient(connection: PStreamConnection): void {
    if (this.state === 'ringing') return this.rejectByClient(connection);
    if (this.state !== 'answered' || this.winner?.connection !== connection) return;
    this.end();
    this.farEndHungUp();
  }

  reinvite(connection: PStreamConnection, sdp: string): void {
    if (this.winner?.connection !== connection) return;
    this.winner.media
      .answerIceRestart(sdp)
      .then((answer) => connection.send('answer', { callsid: this.sid, sdp: answer }))
      .catch(() => undefined);
  }

  dtmf(connection: PStreamConnection, digits: string): void {
    if (this.winner?.connection === connection) this.winner.media.injectDigits(digits);
  }

  reconnect(connection: PStreamConnection): void {
    if (this.state !== 'answered' || !this.winner) return;
    clearTimeout(this.graceTimer);
    this.winner.connection = connection;
    connection.send('answer', {
      callsid: this.sid,
      sdp: this.winner.media.localSdp,
      reconnect: this.reconnectToken,
    });
  }

  connectionLost(connection: PStreamConnection, graceMs: number): void {
    if (this.state === 'ringing' && this.forks.has(connection)) {
      this.dropFork(connection);
      if (!this.forks.size) {
        this.end();
        this.settleRing?.('unavailable');
      }
    }
    if (this.state === 'answered' && this.winner?.connection === connection) {
      clearTimeout(this.graceTimer);
      this.graceTimer = setTimeout(() => this.hangupByClient(connection), graceMs);
    }
  }

  liveLeg(): LiveLeg | undefined {
    if (this.state !== 'answered' || !this.winner) return undefined;
    return { identity: this.spec.identity, ...this.winner };
  }

  /** Twilio ends this child leg on its own (REST update): the Dial sees the far end gone. */
  terminate(): void {
    this.hangup();
    this.farEndHungUp();
  }

  private async invite(connection: PStreamConnection): Promise<void> {
    const media = new MediaLeg('offer');
    this.forks.set(connection, media);
    let sdp: string;
    try {
      sdp = await media.offer();
    } catch {
      return this.rejectByClient(connection);
    }
    if (this.state !== 'ringing' || this.forks.get(connection) !== media) return;
    const params = new URLSearchParams(this.spec.parameters).toString();
    connection.send('invite', {
      callsid: this.sid,
      sdp,
      reconnect: this.reconnectToken,
      parameters: {
        CallSid: this.sid,
        AccountSid: this.account.accountSid,
        ApiVersion: '2010-04-01',
        From: this.spec.from,
        To: this.spec.to,
        ...(params ? { Params: params } : {}),
      },
    });
  }

  private dropFork(connection: PStreamConnection): void {
    void this.forks.get(connection)?.close();
    this.forks.delete(connection);
  }

  private end(): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    clearTimeout(this.graceTimer);
    for (const media of this.forks.values()) void media.close();
    this.forks.clear();
    this.sessions.untrack(this.sid, this);
  }
}
