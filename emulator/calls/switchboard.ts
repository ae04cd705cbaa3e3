import type { TwilioAccount } from '../../scripts/dev-account.js';
import { FaultBoard, type FaultTarget } from '../faults.js';
import { RECONNECT_GRACE_MS } from '../limits.js';
import { PhoneDirectory } from '../phones/virtual-phone.js';
import type { CallRouter, Payload, PStreamConnection } from '../signaling/pstream-connection.js';
import type { BrowserSession, LiveLeg, SessionDirectory } from './browser-session.js';
import { CallRegistry, isFinal } from './call-registry.js';
import { ConferenceDirectory } from './conference.js';
import { holdAudioLoader } from './hold-audio.js';
import type { DialDeps } from './dial.js';
import { IncomingPstnCall } from './incoming-call.js';
import { OutgoingCall, type CallEvent } from './outgoing-call.js';
import { RedirectedLeg } from './redirected-leg.js';
import { newSid } from '../sids.js';
import { watchStatusCallbacks } from './status-callbacks.js';
import type { DialAttempt } from './dial-attempt.js';
import type { RedirectSource } from '../twiml/interpreter.js';

export interface SwitchboardOptions {
  account: TwilioAccount;
  voiceUrl: () => string;
  notifyNumbers: () => string[];
  /** How long a call outlives its signaling socket, waiting for the SDK to reconnect. */
  reconnectGraceMs?: number;
  /** The account's status callbacks of parent legs (TwiML App and numbers); none when absent. */
  parentStatusCallbacks?: ParentStatusCallbacks;
}

/**
 * Where the status callbacks of parent legs go, as the account configures them: the TwiML App's
 * StatusCallback for calls a Voice SDK client places, the called number's StatusCallback for calls to a
 * Notify number. URLs are read when the call starts; undefined means none. They are never delayed by
 * `parentCallbackDelayMs`, which belongs to `<Dial>` child legs.
 */
export interface ParentStatusCallbacks {
  app?: () => string;
  appMethod: 'GET' | 'POST';
  number?: (number: string) => string | undefined;
  numberMethod: 'GET' | 'POST';
  /** statusCallbackEvent names; Twilio's Applications and numbers only ever send `completed`. */
  events: string[];
}

/**
 * How this emulator instance deviates from a prompt Twilio, set through `PUT /emulator/settings`.
 * `parentCallbackDelayMs`: every status callback of a `<Dial>` child leg (the requests that carry
 * `ParentCallSid`, from which the backend learns a child's parent) is sent that much later, in order, as
 * a slow Twilio would; the call itself rings at once. 0 (the default) sends them at once.
 */
export interface EmulatorSettings {
  parentCallbackDelayMs: number;
}

const decodeParams = (twilio: unknown): Record<string, string> => {
  const raw = (twilio as { params?: unknown } | undefined)?.params;
  return typeof raw === 'string' ? Object.fromEntries(new URLSearchParams(raw)) : {};
};

/**
 * Connects the pieces: signaling sockets, browser legs, TwiML-driven parent calls, the call registry and the
 * virtual phones. It is the {@link CallRouter} every PStream connection reports to.
 */
export class Switchboard implements CallRouter, SessionDirectory {
  readonly registry = new CallRegistry();
  readonly phones = new PhoneDirectory();
  readonly connections = new Set<PStreamConnection>();
  /** Browser legs by CallSid (and outgoing calls also by the SDK's temporary TJS… id). */
  private readonly sessions = new Map<string, BrowserSession>();
  /** Parent calls that run TwiML, by CallSid, for their event logs and for shutdown. */
  private readonly parents = new Map<string, OutgoingCall | IncomingPstnCall | RedirectedLeg>();
  /** Bridged `<Dial>` children, which a REST redirect can take out of their bridge. */
  private readonly bridges = new Map<string, () => DialAttempt>();
  /** This instance's settings (the inspection API changes them; new calls read them). */
  readonly settings: EmulatorSettings = { parentCallbackDelayMs: 0 };
  /** The account's conferences (`<Dial><Conference>`, REST Conferences and Participants). */
  readonly conferences: ConferenceDirectory;
  /** Injected faults (routes/faults.ts); every connection asks it about delays and refusals. */
  readonly faults = new FaultBoard(this);

  constructor(private readonly options: SwitchboardOptions) {
    this.conferences = new ConferenceDirectory(options.account, holdAudioLoader(options.account));
  }

  get account(): TwilioAccount {
    return this.options.account;
  }

  /** The voice URL (base for relative URLs in TwiML given inline through REST). */
  voiceUrl(): string {
    return this.options.voiceUrl();
  }

  /** A number of the account (routed to the voice URL) rather than a virtual PSTN phone. */
  isNotifyNumber(number: string): boolean {
    return this.options.notifyNumbers().includes(number);
  }

  eventsOf(sid: string): CallEvent[] | undefined {
    return this.parents.get(sid)?.events;
  }

  add(connection: PStreamConnection): void {
    this.connections.add(connection);
  }

  /** Live browser legs (fault injection): the one with this CallSid, or every one of an identity. */
  liveLegs(target: FaultTarget): LiveLeg[] {
    const legs: LiveLeg[] = [];
    for (const session of new Set(this.sessions.values())) {
      const leg = session.liveLeg();
      if (!leg) continue;
      if (target.callSid !== undefined ? session.sid === target.callSid : leg.identity === target.identity)
        legs.push(leg);
    }
    return legs;
  }

  /** Open signaling connections of an identity, registered or not (fault injection). */
  connectionsOf(identity: string): PStreamConnection[] {
    return [...this.connections].filter((c) => c.isOpen && c.identity === identity);
  }

  // ——— SessionDirectory ———

  registeredConnections(identity: string): PStreamConnection[] {
    return [...this.connections].filter((c) => c.isOpen && c.registered && c.identity === identity);
  }

  track(callSid: string, session: BrowserSession): void {
    this.sessions.set(callSid, session);
  }

  untrack(callSid: string, session: BrowserSession): void {
    if (this.sessions.get(callSid) === session) this.sessions.delete(callSid);
  }

  /**
   * A user-defined message from the REST API to the SDK holding browser leg `sid` (Twilio's
   * `UserDefinedMessages`): a PStream `message` frame on that leg's socket, addressed by its CallSid. Returns
   * the message's KX sid, or undefined when no SDK holds that leg live (ended, not a browser leg, not set up).
   */
  messageLeg(sid: string, content: unknown): string | undefined {
    const live = this.sessions.get(sid)?.liveLeg();
    if (!live) return undefined;
    const voiceeventsid = newSid('KX');
    live.connection.send('message', {
      callsid: sid,
      content,
      contenttype: 'application/json',
      messagetype: 'user-defined-message',
      voiceeventsid,
    });
    return voiceeventsid;
  }

  // ——— calls placed from outside a browser ———

  /** A virtual phone calls a Notify number; its voice URL decides what happens (usually `<Dial><Client>`). */
  placePhoneCall(from: string, to: string): IncomingPstnCall {
    const call = new IncomingPstnCall(from, to, { ...this.dialDeps(), voiceUrl: this.options.voiceUrl() });
    this.parents.set(call.sid, call);
    void call.start(); // creates the parent leg before its first await
    const callbacks = this.options.parentStatusCallbacks;
    const url = callbacks?.number?.(to);
    if (callbacks && url) {
      watchStatusCallbacks(this.registry, this.account, call.sid, {
        url,
        method: callbacks.numberMethod,
        events: callbacks.events,
      });
    }
    return call;
  }

  // ——— CallRouter: what the SDKs send ———

  invite(connection: PStreamConnection, payload: Payload): void {
    const callSid = typeof payload.callsid === 'string' ? payload.callsid : '';
    const sdp = typeof payload.sdp === 'string' ? payload.sdp : '';
    if (typeof payload.reconnect === 'string') {
      const session = this.sessions.get(callSid);
      if (session && session.reconnectToken === payload.reconnect) session.reconnect(connection);
      else
        connection.send('hangup', {
          callsid: callSid,
          error: { code: 31404, message: 'Not Found: no such call' },
        });
      return;
    }
    if (!callSid || !sdp) {
      connection.sendError(31100, 'Malformed invite: callsid and sdp are required', { callsid: callSid });
      return;
    }
    const applicationSid = connection.token?.voice.outgoing?.application_sid;
    if (!applicationSid) {
      // Before any `ringing` the SDK only matches its own TJS id.
      connection.send('hangup', {
        callsid: callSid,
        error: { code: 31204, message: 'The access token has no outgoing grant (application_sid)' },
      });
      return;
    }
    const call = new OutgoingCall(
      connection,
      callSid,
      sdp,
      decodeParams(payload.twilio),
      { ...this.dialDeps(), voiceUrl: this.options.voiceUrl() },
      (ended) => {
        this.untrack(ended.sid, ended);
        this.untrack(ended.tempId, ended);
      },
    );
    this.sessions.set(call.sid, call);
    this.sessions.set(callSid, call);
    this.parents.set(call.sid, call);
    void call.start(applicationSid); // creates the parent leg before its first await
    const callbacks = this.options.parentStatusCallbacks;
    const url = callbacks?.app?.();
    if (callbacks && url) {
      watchStatusCallbacks(
        this.registry,
        this.account,
        call.sid,
        { url, method: callbacks.appMethod, events: callbacks.events },
        () => 0,
        { ApplicationSid: applicationSid },
      );
    }
  }

  hangup(connection: PStreamConnection, callSid: string): void {
    this.sessions.get(callSid)?.hangupByClient(connection);
  }

  reject(connection: PStreamConnection, callSid: string): void {
    this.sessions.get(callSid)?.rejectByClient(connection);
  }

  answer(connection: PStreamConnection, callSid: string, sdp: string): void {
    const session = this.sessions.get(callSid);
    if (session) session.answerByClient(connection, sdp);
    // A leg that ended (and was forgotten) or never was: the gateway ends the SDK's call (client-leg.ts).
    else connection.send('hangup', { callsid: callSid });
  }

  reinvite(connection: PStreamConnection, callSid: string, sdp: string): void {
    this.sessions.get(callSid)?.reinvite(connection, sdp);
  }

  dtmf(connection: PStreamConnection, callSid: string, digits: string): void {
    this.sessions.get(callSid)?.dtmf(connection, digits);
  }

  closed(connection: PStreamConnection): void {
    this.connections.delete(connection);
    const grace = this.options.reconnectGraceMs ?? RECONNECT_GRACE_MS;
    for (const session of new Set(this.sessions.values())) session.connectionLost(connection, grace);
  }

  /**
   * Ends one leg as REST `Status=completed` does: a parent with everything it dialled, or one child (its
   * `<Dial>` then ends as if the far end hung up). False for an unknown or finished leg.
   */
  terminateLeg(sid: string): boolean {
    const leg = this.registry.get(sid);
    if (!leg || isFinal(leg.status)) return false;
    const parent = this.parents.get(sid);
    if (parent) {
      parent.terminate();
      return true;
    }
    const session = this.sessions.get(sid);
    if (session) {
      session.terminate();
      return true;
    }
    const phoneCall = this.phones.callBySid(sid);
    if (phoneCall?.state === 'ringing') {
      phoneCall.end('canceled');
      this.registry.setStatus(sid, 'canceled');
      return true;
    }
    return phoneCall?.hangup() ?? false;
  }

  /**
   * REST update with `Twiml`/`Url`: the leg stops what it runs and runs the new TwiML. A parent leg
   * restarts its TwiML (its bridged child is hung up); a bridged child leaves its parent's `<Dial>` (which
   * then ends as if the far end had hung up) and runs the TwiML on its own. False for a leg that is not
   * live or cannot be redirected (a child still ringing).
   */
  redirectLeg(sid: string, source: RedirectSource, baseUrl: string): boolean {
    const leg = this.registry.get(sid);
    if (!leg || isFinal(leg.status)) return false;
    const parent = this.parents.get(sid);
    if (parent) return parent.redirect(source);
    const take = this.bridges.get(sid);
    if (!take) return false;
    this.bridges.delete(sid);
    const redirected = new RedirectedLeg(leg, take(), this.dialDeps());
    this.parents.set(sid, redirected);
    void redirected.start(source, baseUrl);
    return true;
  }

  /** Ends every call and socket (server shutdown). */
  async close(): Promise<void> {
    this.faults.endAll();
    for (const session of new Set(this.sessions.values())) session.terminate();
    for (const parent of this.parents.values()) parent.terminate();
    this.conferences.endAll(); // the legs left above; this only stops conferences nobody joined by TwiML
    for (const connection of this.connections) connection.close();
    this.phones.endAll();
  }

  /** What dialling needs (also REST Participants create, which dials into a conference). */
  dialDeps(): DialDeps {
    return {
      account: this.options.account,
      registry: this.registry,
      phones: this.phones,
      sessions: this,
      bridges: this.bridges,
      settings: this.settings,
      conferences: this.conferences,
    };
  }
}
