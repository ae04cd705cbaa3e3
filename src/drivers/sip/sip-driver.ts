import { UA, WebSocketInterface } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession.js';
import type { RTCSessionEvent } from 'jssip/lib/UA.js';
import { Status } from '../../client/constants.js';
import type { TypedEmitter } from '../../client/emitter.js';
import type { NotifyError, NotifyErrorCode } from '../../client/errors.js';
import type { CallEnd, CallEndOutcome } from '../../client/notify-call.js';
import type { CallHandle, RegisterOptions, VendorDriver, VendorDriverEvents } from '../driver.js';
import { CallRecovery } from './call-recovery.js';
import { parseSipToken, readSipDevice, type SipCredentials, type SipDeviceConfig } from './credentials.js';
import { releaseRinging } from './release.js';
import { SipTransfers } from './transfer.js';

const REGISTER_TIMEOUT_MS = 20_000;
/** JsSIP's causes of an unanswered outgoing call, as the call's outcome (docs/decisions.md §16). */
const REFUSALS: Record<string, CallEndOutcome> = {
  Busy: 'busy', // 486, 600
  Rejected: 'declined', // 403, 603
  'No Answer': 'no-answer', // 408 or the ring timeout
  Unavailable: 'no-answer', // 480, 410, 408 from a proxy
  'Not Found': 'failed', // 404, 604
};
/**
 * Call set-up never waits for ICE gathering to finish: the offer or answer goes out this long after the
 * first candidate (the media relay answers with its own candidates; a late host candidate adds nothing).
 */
const ICE_GATHERING_MS = 300;
/** RFC 4733 tone length and gap, as the Twilio SDK plays them. */
const DTMF_OPTIONS = { transportType: 'RFC2833', duration: 100, interToneGap: 70 } as const;
/** What `w` waits in a digit string, as on Twilio. */
const DTMF_PAUSE_MS = 500;
const MEDIA = { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } };

/** One call the driver carries: the JsSIP session and what the driver learnt about it. */
interface SipCall {
  session: RTCSession;
  callId: string;
  incoming: boolean;
  ended: boolean;
  /** Released by hangup(call, 'remote'): the far end had already ended it. */
  endedThere?: boolean;
  /** Digit runs waiting behind a `w` pause. */
  dtmfTimer?: ReturnType<typeof setTimeout>;
  /** Plays the far end (JsSIP leaves that to the page; the Twilio SDK does it itself). */
  audio?: HTMLAudioElement;
  /** Its signaling is being recovered after a lost WebSocket (call-recovery.ts). */
  recovering?: boolean;
  /** This client hung it up (an end while recovering that it did not ask for is CALL_LOST). */
  hungUpHere?: boolean;
  /** The far end asked to replace this call's dialog (INVITE with Replaces): its new session takes over. */
  replacing?: boolean;
  /** The call was answered (a session replacing it is not announced again). */
  open?: boolean;
  /** The page muted the call: every session that carries it (a transfer's new one too) sends silence. */
  muted?: boolean;
}

/**
 * The SIP driver (our extension, issue 15): VendorDriver over JsSIP, registered over a (secure) WebSocket to
 * any SIP proxy or PBX that offers one, with the short-lived digest credentials the backend mints. A call's
 * handle is a SipCall. Several calls may live at once (SIP holds many dialogs): hold is a re-INVITE here, not a
 * conference on the server.
 */
export class SipDriver implements VendorDriver {
  readonly name = 'sip';
  readonly dtmfPattern = /^[0-9*#A-Dw]+$/;
  readonly events: TypedEmitter<VendorDriverEvents>;
  readonly #error: (code: NotifyErrorCode, message?: string) => NotifyError;
  #ua: UA | null = null;
  #device: SipDeviceConfig | null = null;
  #credentials: SipCredentials | null = null;
  readonly #calls = new Set<SipCall>();
  #destroyed = false;
  #recovery: CallRecovery<SipCall> | null = null;
  readonly #transfers = new SipTransfers<SipCall>({
    adopt: (call, session) => {
      call.session = session;
      this.#bind(call, session);
    },
    hangup: (call) => this.hangup(call),
    error: (code, message) => this.#error(code, message),
    media: MEDIA,
  });
  /** While register() waits, its rejection reports registration failures (no duplicate `error` event). */
  #registering = false;

  /**
   * This module and JsSIP are one file of their own (`dist/sip-driver.js`, imported on first use by both
   * bundles, like the Twilio SDK's chunk), so the client's classes come from the bundle that loads it: an error
   * made with a copy of NotifyError would not be `instanceof` the client's, and would lose its code.
   * Positional, because the IIFE bundle pays for every byte of the call (decision 18).
   */
  constructor(Errors: typeof NotifyError, Emitter: typeof TypedEmitter) {
    this.events = new Emitter<VendorDriverEvents>();
    this.#error = (code, message) => new Errors(code, message);
  }

  async register({ token, device }: RegisterOptions): Promise<void> {
    const config = readSipDevice(device, this.#error);
    const credentials = parseSipToken(token, this.#error);
    if (this.#destroyed) throw this.#error('DESTROYED');
    this.#device = config;
    this.#credentials = credentials;
    const ua = new UA({
      sockets: [new WebSocketInterface(config.wsUrl)],
      uri: `sip:${config.user}@${config.domain}`,
      authorization_user: credentials.username,
      password: credentials.password,
      register: true,
      register_expires: 300,
      // Session timers add re-INVITEs no PBX needs from a browser; RFC 4028 is optional.
      session_timers: false,
      user_agent: 'notify-phone',
      connection_recovery_min_interval: 1,
      connection_recovery_max_interval: 10,
    });
    this.#ua = ua;
    this.#recoverCalls(ua);
    ua.on('registered', () => this.events.emit('registered'));
    ua.on('unregistered', () => this.events.emit('unregistered'));
    ua.on('registrationFailed', (event: { cause?: string }) => {
      if (!this.#registering) this.events.emit('error', this.#registrationError(event.cause));
    });
    ua.on('newRTCSession', (event: RTCSessionEvent) => {
      if (event.originator !== 'remote') return;
      const replaced = event.request.hasHeader('Replaces') && [...this.#calls].find((call) => call.replacing);
      if (replaced) this.#transfers.replace(replaced, event.session);
      else this.#onIncoming(event.session, event.request.getHeader('Call-ID'));
    });
    this.#registering = true;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(this.#error('VENDOR_ERROR', 'SIP registration timed out.')),
          REGISTER_TIMEOUT_MS,
        );
        ua.once('registered', () => {
          clearTimeout(timer);
          resolve();
        });
        ua.once('registrationFailed', (event: { cause?: string }) => {
          clearTimeout(timer);
          reject(this.#registrationError(event.cause));
        });
        ua.start();
      });
    } finally {
      this.#registering = false;
    }
  }

  /** A refused REGISTER: credentials past their expiry are TOKEN_EXPIRED, other refusals TOKEN_INVALID. */
  #registrationError(cause: string | undefined): NotifyError {
    if (cause === 'Authentication Error' || cause === 'Rejected') {
      const expired = (this.#credentials?.expiresAt ?? 0) <= Date.now();
      return this.#error(expired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID', `SIP registration refused: ${cause}.`);
    }
    return this.#error('VENDOR_ERROR', `SIP registration failed: ${cause ?? 'unknown cause'}.`);
  }

  /** Calls survive a lost WebSocket: RECONNECTING until their dialog is refreshed over the new one. */
  #recoverCalls(ua: UA): void {
    this.#recovery = new CallRecovery<SipCall>(ua, {
      calls: () => this.#calls,
      changed: (call, recovering) =>
        this.events.emit('callStatus', recovering ? Status.RECONNECTING : Status.OPEN, call),
    });
  }

  async unregister(): Promise<void> {
    this.#ua?.unregister();
  }

  /** New credentials: used from the next request on, and the registration is renewed with them now. */
  updateToken(token: string): void {
    const ua = this.#ua;
    if (!ua) return;
    const credentials = parseSipToken(token, this.#error);
    this.#credentials = credentials;
    ua.set('authorization_user', credentials.username);
    ua.set('password', credentials.password);
    ua.register();
  }

  async connect(params: Record<string, string>): Promise<CallHandle> {
    const ua = this.#ua;
    const device = this.#device;
    if (!ua || !device) throw this.#error('NOT_INITIALIZED');
    const to = params.To ?? '';
    // A number or a colleague's user (`client:<sys_id>`) at the proxy's domain.
    const user = to.startsWith('client:') ? to.slice('client:'.length) : to;
    if (!user) throw this.#error('INVALID_ARGUMENT', 'A SIP call needs a number or a user to call.');
    let call: SipCall | undefined;
    ua.once('newRTCSession', (event: RTCSessionEvent) => {
      if (event.originator === 'local') call = this.#watch(event.session, event.request.call_id, false);
    });
    try {
      ua.call(`sip:${user}@${device.domain}`, { ...MEDIA });
    } catch (error) {
      throw this.#error('CALL_FAILED', `The SIP call could not be placed: ${String(error)}`);
    }
    if (!call) throw this.#error('CALL_FAILED', 'JsSIP created no session for the call.');
    this.events.emit('callStatus', Status.CONNECTING, call);
    return call;
  }

  async accept(handle: CallHandle): Promise<void> {
    const call = this.#live(handle);
    if (!call?.incoming) throw this.#error('INVALID_STATE', 'There is no incoming call to accept.');
    await new Promise<void>((resolve, reject) => {
      call.session.once('accepted', () => resolve());
      call.session.once('failed', (event: { cause?: string }) =>
        reject(this.#error('CALL_FAILED', `The SIP call could not be answered: ${event.cause ?? ''}`)),
      );
      call.session.answer({ ...MEDIA });
    });
  }

  /** Busy Here (486), not a 6xx: a proxy ringing several agents goes on ringing the others. */
  reject(handle: CallHandle): void {
    const call = this.#live(handle);
    if (call && !call.session.isEnded()) call.session.terminate({ status_code: 486 });
  }

  /** The tab closes while another takes over (§27): ringing invites get 480, not 486 (release.ts). */
  releaseRinging(): void {
    releaseRinging(this.#calls, (call) => this.#end(call, 'callCanceled'));
  }

  hangup(handle: CallHandle, endedBy: 'local' | 'remote' = 'local'): void {
    const call = this.#live(handle);
    if (!call) return;
    if (endedBy === 'remote') call.endedThere = true;
    else call.hungUpHere = true;
    if (call.recovering && this.#recovery) {
      this.#recovery.hangUpOnceBack(call);
      this.#end(call, 'callDisconnected', { outcome: 'completed', endedBy });
      return;
    }
    if (!call.session.isEnded()) call.session.terminate();
  }

  /** RFC 4733 events on the media path (not SIP INFO); `w` pauses 500 ms between runs of digits. */
  sendDigits(digits: string, handle: CallHandle): void {
    const call = this.#live(handle);
    if (!call) return;
    const [run = '', ...rest] = digits.split('w');
    if (run) call.session.sendDTMF(run, { ...DTMF_OPTIONS } as never);
    if (rest.length === 0) return;
    // The pause starts once this run has played, as on Twilio.
    const playMs = run.length * (DTMF_OPTIONS.duration + DTMF_OPTIONS.interToneGap);
    call.dtmfTimer = setTimeout(() => this.sendDigits(rest.join('w'), call), playMs + DTMF_PAUSE_MS);
  }

  mute(muted: boolean, handle: CallHandle): void {
    const call = this.#live(handle);
    if (!call) return;
    call.muted = muted;
    if (muted) call.session.mute({ audio: true });
    else call.session.unmute({ audio: true });
  }

  isMuted(handle: CallHandle): boolean {
    return this.#live(handle)?.muted ?? false;
  }

  /** A re-INVITE with `sendonly` (held) or `sendrecv`; resolves once the far end answered it. */
  hold(held: boolean, handle: CallHandle): Promise<void> {
    const call = this.#live(handle);
    if (!call) return Promise.reject(this.#error('INVALID_STATE', 'There is no such call.'));
    const current = call.session.isOnHold().local;
    if (current === held) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = () => resolve();
      const started = held ? call.session.hold({}, done) : call.session.unhold({}, done);
      if (!started) reject(this.#error('INVALID_STATE', 'The SIP call cannot be re-negotiated now.'));
    });
  }

  /** REFER of the call to `target`, with Replaces of `replaces`'s dialog (transfer.ts). */
  transfer(target: string, handle: CallHandle, replaces?: CallHandle): Promise<void> {
    const call = this.#live(handle);
    const consult = replaces && this.#live(replaces);
    if (!call || (replaces && !consult)) {
      return Promise.reject(this.#error('INVALID_STATE', 'There is no such call.'));
    }
    return this.#transfers.refer(call, target, consult || undefined);
  }

  getCallSid(handle: CallHandle): string | undefined {
    return this.#live(handle)?.callId;
  }

  destroy(): void {
    this.#destroyed = true;
    for (const call of [...this.#calls]) {
      this.#forget(call);
      if (!call.session.isEnded()) call.session.terminate();
    }
    this.#ua?.stop();
    this.#ua = null;
  }

  #live(handle: CallHandle): SipCall | null {
    return this.#calls.has(handle as SipCall) ? (handle as SipCall) : null;
  }

  #onIncoming(session: RTCSession, callId: string): void {
    const call = this.#watch(session, callId, true);
    const remote = session.remote_identity.uri;
    const request = (session as unknown as { _request?: { getHeader(name: string): string | undefined } })
      ._request;
    // What a routing proxy tells the browser about the call, as Twilio's <Parameter>s do.
    const params: Record<string, string> = {};
    for (const [header, name] of [
      ['X-Notify-Number', 'notifyNumber'],
      ['X-Notify-Parent-Id', 'parentId'],
      ['X-Notify-Sys-Id', 'sysId'],
      ['X-Notify-From-Client', 'isFromClient'],
    ] as const) {
      const value = request?.getHeader(header);
      if (value) params[name] = value;
    }
    this.events.emit(
      'incoming',
      { callSid: callId, from: remote.user ?? '', to: session.local_identity.uri.user ?? '', params },
      call,
    );
  }

  #watch(session: RTCSession, callId: string, incoming: boolean): SipCall {
    const call: SipCall = { session, callId, incoming, ended: false };
    this.#calls.add(call);
    this.#bind(call, session);
    return call;
  }

  /** Reports `session`'s events as `call`'s, while the session is the call's. */
  #bind(call: SipCall, session: RTCSession): void {
    const { incoming } = call;
    const current = () => this.#calls.has(call) && call.session === session;
    this.#transfers.follow(call, session, current);
    const play = (peerconnection: RTCPeerConnection) =>
      peerconnection.addEventListener('track', ({ track, streams: [stream] }) => {
        if (!current()) return;
        call.audio ??= new Audio();
        // A plain-SIP far end sends no a=msid, so the track may come without a stream.
        call.audio.srcObject = stream ?? new MediaStream([track]);
        call.audio.play().catch(() => undefined); // autoplay refused: the page's own policy, not an error
      });
    // An outgoing session has its connection already (JsSIP made it before announcing the session).
    if (session.connection) play(session.connection);
    else
      session.on('peerconnection', ({ peerconnection }: { peerconnection: RTCPeerConnection }) =>
        play(peerconnection),
      );
    // A session that takes the call over (REFER, Replaces) starts unmuted with a new microphone track: mute it
    // once the track is on its connection, before its offer or answer goes out (JsSIP mutes only the tracks it has).
    session.on('sdp', (event: { originator: string }) => {
      if (event.originator === 'local' && call.muted && current()) session.mute({ audio: true });
    });
    session.on('icecandidate', (event: { ready: () => void }) => {
      // Bounded: see ICE_GATHERING_MS.
      setTimeout(event.ready, ICE_GATHERING_MS);
    });
    session.on('progress', () => {
      // 180 or 183 (early media): ringing, never answered.
      if (current() && !incoming && !call.open) this.events.emit('callStatus', Status.RINGING, call);
    });
    session.on('accepted', () => {
      // A replacing session is the same call, already open.
      if (!current() || call.open) return;
      call.open = true;
      this.events.emit('callAccepted', call);
      this.events.emit('callStatus', Status.OPEN, call);
    });
    session.on('ended', (event: { originator: string; cause?: string }) => {
      if (!current()) return;
      // Lost while recovering: the far end had ended it meanwhile (481), or the dialog could not be refreshed.
      if (call.recovering && !call.hungUpHere) {
        const message = `The SIP call could not be recovered: ${event.cause ?? 'unknown cause'}.`;
        this.events.emit('callError', this.#error('CALL_LOST', message), call);
      }
      this.#end(call, 'callDisconnected', {
        outcome: 'completed',
        endedBy: event.originator === 'local' ? 'local' : 'remote',
      });
    });
    session.on('failed', (event: { originator: string; cause?: string }) => {
      if (!current()) return;
      if (incoming) {
        this.#end(
          call,
          event.originator === 'local' && event.cause === 'Rejected' ? 'callRejected' : 'callCanceled',
        );
        return;
      }
      // The far end's refusal is the call's outcome (as Twilio relays it), not an error of the phone.
      const here = event.originator === 'local';
      const refusal = Object.hasOwn(REFUSALS, event.cause ?? '') ? REFUSALS[event.cause!] : undefined;
      const outcome = here ? 'canceled' : (refusal ?? 'failed');
      if (current() && !here && !refusal) {
        this.events.emit(
          'callError',
          this.#error('CALL_FAILED', `The SIP call failed: ${event.cause}`),
          call,
        );
      }
      this.#end(call, 'callDisconnected', { outcome, endedBy: here ? 'local' : 'remote' });
    });
  }

  #end(call: SipCall, event: 'callDisconnected' | 'callCanceled' | 'callRejected', end?: CallEnd): void {
    if (call.ended || !this.#calls.has(call)) return;
    this.#forget(call);
    if (event !== 'callDisconnected') return this.events.emit(event, call);
    this.events.emit(event, call, end && call.endedThere ? { ...end, endedBy: 'remote' } : end);
  }

  #forget(call: SipCall): void {
    call.ended = true;
    clearTimeout(call.dtmfTimer);
    if (call.audio) call.audio.srcObject = null;
    this.#calls.delete(call);
  }
}
