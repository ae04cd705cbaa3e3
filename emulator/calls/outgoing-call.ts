import type { MediaEnd } from '../media/bridge.js';
import { MediaLeg } from '../media/media-leg.js';
import { RingbackFrames } from '../media/ringback.js';
import { TonePlayer } from '../media/tone-player.js';
import type { PStreamConnection } from '../signaling/pstream-connection.js';
import { newReconnectToken, newSid } from '../sids.js';
import { requestTwiml } from '../twiml/fetch.js';
import {
  TwimlFailure,
  TwimlRunner,
  type DialResult,
  type RedirectSource,
  type TwimlOutcome,
} from '../twiml/interpreter.js';
import type { DialVerb, Verb } from '../twiml/verbs.js';
import type { BrowserSession, LiveLeg } from './browser-session.js';
import { dial, type DialDeps, type DialingCall } from './dial.js';

export interface OutgoingCallDeps extends DialDeps {
  voiceUrl: string;
}

export interface CallEvent {
  at: string;
  event: string;
  detail?: Record<string, unknown>;
}

/**
 * Signaling error codes for a call that ends before the browser leg was answered (SIP 486/480/603/404), by
 * the DialCallStatus of its last `<Dial>`; a declined dial is 603 whatever its DialCallStatus (dial.ts).
 */
const DECLINE = 31603;
const UNANSWERED_DIAL: Record<string, { code: number; message: string }> = {
  busy: { code: 31486, message: 'Busy Here' },
  'no-answer': { code: 31480, message: 'Temporarily Unavailable' },
  declined: { code: DECLINE, message: 'Decline' },
  failed: { code: 31404, message: 'Not Found' },
};

/**
 * A call the SDK places (`invite` without `reconnect`): the parent leg (`inbound`, From client:<identity>),
 * its werift media leg, and the TwiML the TwiML App's voice URL returns. The SDK knows the call by the
 * parent CallSid, learned from `ringing`, and by its `TJS…` id until then.
 */
export class OutgoingCall implements DialingCall, BrowserSession {
  readonly sid = newSid('CA');
  readonly from: string;
  readonly reconnectToken = newReconnectToken();
  readonly events: CallEvent[] = [];
  readonly mediaEnd: MediaEnd;
  private readonly runner = new TwimlRunner();
  private readonly media = new MediaLeg('answer');
  private readonly localSdp: Promise<string>;
  private answered = false;
  private ended = false;
  private lastDialStatus: string | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private ringbackPlayer: TonePlayer | undefined;

  constructor(
    /** The socket the SDK is on now; a signaling reconnect swaps it. */
    private connection: PStreamConnection,
    readonly tempId: string,
    offerSdp: string,
    private readonly params: Record<string, string>,
    private readonly deps: OutgoingCallDeps,
    private readonly onEnded: (call: OutgoingCall) => void,
  ) {
    this.from = `client:${connection.identity ?? ''}`;
    this.mediaEnd = { kind: 'browser', media: this.media };
    this.localSdp = this.media.answer(offerSdp);
    this.localSdp.catch(() => undefined); // awaited (and reported) where the answer is sent
  }

  get signal(): AbortSignal {
    return this.runner.signal;
  }

  get owner(): PStreamConnection {
    return this.connection;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Rings the browser, fetches the voice URL's TwiML and runs it to the end. */
  async start(applicationSid: string): Promise<void> {
    this.deps.registry.create({
      sid: this.sid,
      from: this.from,
      to: this.params.To ?? '',
      direction: 'inbound',
      status: 'ringing',
    });
    // `ringing` carries the answer SDP, as Twilio's 183 does: media is set up before the call is answered, so
    // the caller hears early media (the ringback of a <Dial answerOnBridge>). The SDK learns the CallSid from
    // it, so it goes out before the TwiML runs (a failure's `hangup` is matched by CallSid).
    const sdp = await this.localSdp.catch(() => undefined);
    if (this.ended) return;
    this.connection.send('ringing', { callsid: this.sid, ...(sdp ? { sdp } : {}) });
    this.record('ringing', { earlyMedia: Boolean(sdp) });
    let outcome: TwimlOutcome;
    try {
      const verbs = await this.fetchTwiml(this.deps.voiceUrl, 'POST', { ApplicationSid: applicationSid });
      outcome = await this.runner.run(this, verbs, this.deps.voiceUrl);
    } catch (error) {
      const failure = error instanceof TwimlFailure ? error : new TwimlFailure(DECLINE, String(error));
      this.record('error', { code: failure.code, message: failure.message });
      const decline = { code: DECLINE, message: `Decline: ${failure.message} (${failure.code})` };
      this.finish('failed', this.answered ? undefined : decline);
      return;
    }
    if (outcome.kind === 'ended') return;
    if (outcome.kind === 'reject') {
      const busy = outcome.reason === 'busy';
      this.finish(
        busy ? 'busy' : 'no-answer',
        busy ? UNANSWERED_DIAL.busy : { code: DECLINE, message: 'Decline' },
      );
      return;
    }
    // An answerOnBridge call nobody answered ends with the SIP outcome of its last <Dial>.
    const dialStatus = this.lastDialStatus ?? '';
    const unanswered = this.answered ? undefined : UNANSWERED_DIAL[dialStatus];
    const status = dialStatus === 'failed' ? 'failed' : dialStatus === 'no-answer' ? 'no-answer' : 'busy';
    this.finish(unanswered ? status : 'completed', unanswered);
  }

  // ——— TwimlHost and DialingCall ———

  fetchTwiml(url: string, method: 'GET' | 'POST', extra: Record<string, string> = {}): Promise<Verb[]> {
    const { account } = this.deps;
    this.record('webhook', { url, method });
    return requestTwiml(account.authToken, url, method, {
      ...this.params, // custom connect() params are merged flat; a custom To becomes To
      AccountSid: account.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: this.sid,
      CallStatus: this.deps.registry.get(this.sid)?.status ?? 'ringing',
      Called: '',
      Caller: this.from,
      Direction: 'inbound',
      From: this.from,
      To: this.params.To ?? '',
      ...extra,
    });
  }

  async answer(): Promise<void> {
    if (this.answered || this.ended) return;
    this.answered = true;
    const sdp = await this.localSdp;
    if (this.ended) return;
    this.connection.send('answer', { callsid: this.sid, sdp, reconnect: this.reconnectToken });
    this.deps.registry.setStatus(this.sid, 'in-progress');
    this.record('answered');
  }

  async dial(verb: DialVerb): Promise<DialResult> {
    this.record('dial', {
      callerId: verb.callerId,
      answerOnBridge: verb.answerOnBridge,
      targets: verb.targets,
    });
    const result = await dial(this, verb, this.deps);
    this.lastDialStatus = result.declined ? 'declined' : result.status;
    return result;
  }

  /**
   * Plays the ringback to the caller as early media while a `<Dial answerOnBridge>` rings (Twilio relays the
   * network's); returns the function that stops it (the dial was answered or gave up).
   */
  ringback(): () => void {
    if (this.answered || this.ended) return () => undefined;
    const player = new TonePlayer(
      (payload, sequenceNumber, timestamp, marker) =>
        this.media.sendAudio(payload, sequenceNumber, timestamp, marker),
      () => undefined,
      new RingbackFrames(),
    );
    this.ringbackPlayer?.stop();
    this.ringbackPlayer = player;
    player.start();
    this.record('ringback');
    return () => player.stop();
  }

  record(event: string, detail?: Record<string, unknown>): void {
    this.events.push({ at: new Date().toISOString(), event, ...(detail ? { detail } : {}) });
  }

  // ——— BrowserSession: what the SDK sends ———

  /** The SDK re-sent `invite` with our reconnect token (socket reconnect or token update): same leg, same SDP. */
  reconnect(connection: PStreamConnection): void {
    clearTimeout(this.graceTimer);
    this.connection = connection;
    void this.localSdp.then((sdp) => {
      connection.send('answer', {
        callsid: this.sid,
        sdp: this.media.localSdp ?? sdp,
        reconnect: this.reconnectToken,
      });
      this.record('reconnected');
    });
  }

  /** ICE restart: answered on the same werift peer. */
  reinvite(connection: PStreamConnection, sdp: string): void {
    this.media
      .answerIceRestart(sdp)
      .then((answer) => {
        connection.send('answer', { callsid: this.sid, sdp: answer });
        this.record('ice-restart');
      })
      .catch((error: Error) => this.record('error', { message: `ICE restart failed: ${error.message}` }));
  }

  dtmf(_connection: PStreamConnection, digits: string): void {
    this.media.injectDigits(digits);
  }

  /** The SDK hung up (or canceled before the answer). Nothing is sent back. */
  hangupByClient(): void {
    this.record('hangup-by-client');
    this.finish(this.answered ? 'completed' : 'canceled', undefined, false);
  }

  rejectByClient(): void {
    this.hangupByClient(); // `reject` belongs to incoming calls; treat a stray one as a hangup
  }

  answerByClient(): void {
    // `answer` from the SDK belongs to incoming calls.
  }

  /** The socket went away: the call survives a few seconds for a signaling reconnect. */
  connectionLost(connection: PStreamConnection, graceMs: number): void {
    if (connection !== this.connection) return;
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => {
      this.record('signaling-lost');
      this.finish(this.answered ? 'completed' : 'canceled', undefined, false);
    }, graceMs);
  }

  terminate(): void {
    this.finish(this.answered ? 'completed' : 'canceled');
  }

  liveLeg(): LiveLeg | undefined {
    if (this.ended) return undefined;
    return { identity: this.connection.identity, connection: this.connection, media: this.media };
  }

  /** REST update with `Twiml`/`Url`: the current TwiML stops (a bridged leg is hung up) and this runs. */
  redirect(source: RedirectSource): boolean {
    return !this.ended && this.runner.redirect(source);
  }

  private finish(
    status: 'completed' | 'canceled' | 'failed' | 'busy' | 'no-answer',
    error?: { code: number; message: string },
    notifyClient = true,
  ): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.graceTimer);
    this.ringbackPlayer?.stop();
    this.runner.stop(); // ends a running <Dial> and its child legs
    // `ringing` went out with the CallSid at once, so the SDK matches this hangup by CallSid.
    if (notifyClient) this.connection.send('hangup', { callsid: this.sid, ...(error ? { error } : {}) });
    this.deps.registry.setStatus(this.sid, status);
    this.record('ended', { status });
    void this.media.close();
    this.onEnded(this);
  }
}
