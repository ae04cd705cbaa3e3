import type { AudioDevices, PreflightReport } from '../drivers/driver.js';
import type { AvailableClient, ForwardTarget, NotifySession } from './backend.js';
import type { CallHistoryOptions, CallHistoryPage } from './call-history.js';
import { ClientCore } from './client-core.js';
import {
  callCommand,
  callHistory,
  deskStep,
  listAvailableClients,
  parentIdOf,
  watchAvailableClients,
} from './client-extras.js';
import type { CallIdentifier, NotifyClientEvents, NotifyConfig } from './config.js';
import { DTMF_PATTERN, DeviceState, Status, isStdEvent, normalizeVendor } from './constants.js';
import { NotifyError, toNotifyError } from './errors.js';
import type { NotifyCall } from './notify-call.js';
import type { ParentIdResult } from './parent-id.js';
import { callerIdNumber, forwardTarget } from './targets.js';
import { safeCall } from './emitter.js';

export type { CallIdentifier, CallQualityWarning, NotifyClientEvents, NotifyConfig } from './config.js';
import type { AudioDeviceKind } from './audio-devices.js';
import { noteTransferredTo } from './transfer-notes.js';
export type { AudioDeviceKind } from './audio-devices.js';
export type { AudioDevice, AudioDevices, PreflightRange, PreflightReport } from '../drivers/driver.js';
export type { ParentIdResult } from './parent-id.js';
export type { CallHistoryEntry, CallHistoryOptions, CallHistoryPage } from './call-history.js';

/**
 * `SNC.Notify.Client`: the browser phone client, re-implemented on a vendor driver.
 *
 * Errors: like ServiceNow's, every method returns nothing useful and never throws. A wrong call
 * (bad DTMF, call() before init(), anything after destroy()) emits `STD_EVENTS.ERROR` with
 * `(message, code)` and calls `notifyConfig.onError`, and leaves the client's state as it was.
 * The only exception is documented by ServiceNow: setCallerId() with a callback on a client that
 * is not in lazy vendor mode throws a NotifyError (LAZY_CALLBACK_REQUIRES_LAZY_MODE).
 * After destroy(), every method reports DESTROYED.
 */
export class NotifyClient {
  /** Its state and how it reports errors (client-core.ts); this class is ServiceNow's API over it. */
  readonly #core: ClientCore;

  /**
   * @param notifyConfig the configuration; kept by reference, `vendor` and `callerId` are written back.
   * @param initializeVendorClientLazily true: the vendor is chosen by setCallerId(value, callback).
   */
  constructor(notifyConfig: NotifyConfig = {}, initializeVendorClientLazily = false) {
    this.#core = new ClientCore(notifyConfig, initializeVendorClientLazily, this);
  }

  /**
   * Registers a listener for one of `STD_EVENTS` (or of our `NOTIFY_EVENTS`) and returns the function that
   * removes it.
   * A listener that throws is reported on the console and affects nothing else.
   * An unknown event name reports INVALID_ARGUMENT and returns a no-op.
   */
  addEventListener<K extends keyof NotifyClientEvents>(
    event: K,
    fn: (...args: NotifyClientEvents[K]) => void,
  ): () => void {
    if (!isStdEvent(event) || typeof fn !== 'function') {
      this.#core.report(
        'INVALID_ARGUMENT',
        `addEventListener: unknown event "${String(event)}" or no function.`,
      );
      return () => undefined;
    }
    return this.#core.emitter.on(event, fn);
  }

  /**
   * Sets the Notify number to call from. Without lazy mode the number is stored at once (the vendor
   * must be in notifyConfig); in lazy mode the backend resolves the vendor, which is written to
   * `notifyConfig.vendor`, and then the callback runs. When the number is not allowed or has no
   * vendor, `notifyConfig.vendor` is left as it was, ERROR is emitted and the callback still runs.
   * A later change must stay with the same vendor (VENDOR_MISMATCH otherwise); it takes effect at
   * the next init().
   * @throws NotifyError LAZY_CALLBACK_REQUIRES_LAZY_MODE when a callback is given without lazy mode.
   */
  setCallerId(value: string | number, autoSelectVendorCallback?: () => void): void {
    if (autoSelectVendorCallback !== undefined && !this.#core.lazy) {
      throw new NotifyError('LAZY_CALLBACK_REQUIRES_LAZY_MODE');
    }
    const done = () => safeCall('autoSelectVendorCallback', autoSelectVendorCallback);
    if (!this.#core.usable()) return;
    const number = callerIdNumber(value);
    if (number instanceof NotifyError) {
      this.#core.reportError(number);
      return done();
    }
    if (!this.#core.lazy) {
      this.#core.config.callerId = number;
      return;
    }
    Promise.all([this.#core.backend.lookupCallerId(number), import('./lazy-vendor.js')])
      .then(
        ([result, m]) => m.applyLazyVendor(this.#core, result?.vendor, number),
        (error: unknown) => {
          if (!this.#core.destroyed) this.#core.reportError(toNotifyError(error, 'BACKEND_ERROR'));
        },
      )
      .finally(done);
  }

  /**
   * Creates the session on the backend, loads and registers the vendor driver; emits ONLINE (and
   * calls onReady) when ready. On failure emits ERROR and stays offline. Needs a vendor (NO_VENDOR)
   * and a caller ID (MISSING_CALLER_ID). While initializing or online: INVALID_STATE, nothing changes.
   */
  init(): void {
    if (!this.#core.usable()) return;
    if (this.#core.device.state !== DeviceState.OFFLINE) {
      return this.#core.report('INVALID_STATE', `init: the client is already ${this.#core.device.state}.`);
    }
    const vendor = normalizeVendor(this.#core.config.vendor);
    if (!vendor) return this.#core.report('NO_VENDOR');
    const callerId = this.#core.config.callerId;
    if (!callerId) return this.#core.report('MISSING_CALLER_ID');
    void this.#core.start(vendor, callerId);
  }

  /**
   * Calls a phone number (E.164, INVALID_NUMBER otherwise) or, with `userId`, another WebRTC client.
   * CALL_INIT follows once the call exists, then status changes, and CALL_START when it is open.
   * Not online: NOT_INITIALIZED. A call already active: INVALID_STATE.
   */
  call(identifier: CallIdentifier): void {
    if (!this.#core.usable()) return;
    const calls = this.#core.calls;
    if (this.#core.device.state !== DeviceState.ONLINE || !this.#core.driver || !calls) {
      return this.#core.report('NOT_INITIALIZED');
    }
    const refused = calls.place(identifier, this.#core.config.callerId ?? '');
    if (refused) this.#core.reportError(refused);
  }

  /**
   * Answers the incoming call announced by INCOMING_CALL; during a call (call waiting) that call is put on
   * hold first. No incoming call: INVALID_STATE.
   */
  pickupCall(): void {
    if (!this.#core.usable()) return;
    const leg = this.#core.calls?.ringing();
    if (!leg || !this.#core.driver) {
      return this.#core.report('INVALID_STATE', 'pickupCall: no incoming call.');
    }
    this.#core.calls!.answer(leg);
  }

  /** Ends the current call, or declines a ringing incoming one. No call: INVALID_STATE. */
  hangupCall(): void {
    if (!this.#core.usable()) return;
    const leg = this.#core.current();
    if (!leg) return this.#core.report('INVALID_STATE', 'hangupCall: no call.');
    this.#core.calls!.hangup(leg);
  }

  /**
   * Mutes (`true` or `"true"`) or unmutes (anything else) the current call; emits CALL_MUTE or
   * CALL_UNMUTE. No active call: INVALID_STATE.
   */
  mute(muted: boolean | string): void {
    if (!this.#core.usable()) return;
    const leg = this.#core.current();
    if (!leg || !this.#core.driver || leg.call.status === Status.PENDING) {
      return this.#core.report('INVALID_STATE', 'mute: no active call.');
    }
    this.#core.calls!.mute(leg, muted === true || muted === 'true');
  }

  /** Sends DTMF digits (`0-9 * # A-D w`) on the open call. Invalid: INVALID_DTMF, nothing is sent. */
  sendDtmf(digits: string): void {
    if (!this.#core.usable()) return;
    if (typeof digits !== 'string' || !DTMF_PATTERN.test(digits)) {
      return this.#core.report('INVALID_DTMF', `sendDtmf: "${String(digits)}" contains non-DTMF characters.`);
    }
    const leg = this.#core.current();
    if (leg?.call.status !== Status.OPEN || !this.#core.driver) {
      return this.#core.report('INVALID_STATE', 'sendDtmf: no open call.');
    }
    this.#core.calls!.sendDigits(leg, digits);
  }

  /** The normalized status of the current call; `Status.CLOSED` when there is none. */
  getStatus(): Status {
    return this.#core.current()?.call.status ?? Status.CLOSED;
  }

  /**
   * The calls of this client, oldest first: an extension beyond ServiceNow's API. ServiceNow's methods
   * (getStatus(), mute(), hangupCall()…) act on the "current call": the active one, or the ringing one
   * when none is active. Several calls at once: a held call, a waiting call (`callWaiting: 'ring'`), a
   * consultation call; each NotifyCall has its own answer(), hangup(), hold() and resume().
   */
  get calls(): readonly NotifyCall[] {
    return this.#core.calls?.calls ?? [];
  }

  /** The active call (neither held nor ringing unanswered), or null. An extension beyond ServiceNow's API. */
  get activeCall(): NotifyCall | null {
    return this.#core.calls?.active ?? null;
  }

  /** The registration state (`offline`, `initializing`, `online`, `destroyed`). Not in ServiceNow's API. */
  getDeviceState(): DeviceState {
    return this.#core.device.state;
  }

  /** Whether the current call is muted. Not in ServiceNow's API. */
  isMuted(): boolean {
    return this.#core.current()?.call.muted ?? false;
  }

  /** The session row of this client once online. Not in ServiceNow's API. */
  getSession(): Readonly<NotifySession> | null {
    return this.#core.registration?.row ?? null;
  }

  /**
   * Lists the clients available to take calls, without this one: `callback([{sys_id, name}])`.
   * Also returns the list as a Promise (never rejects; `[]` after an ERROR). Reads the backend's pages
   * one after the other, at most 20 (2,000 clients at the reference backend's 100 a page).
   */
  getAvailableClients(callback?: (clients: AvailableClient[]) => void): Promise<AvailableClient[]> {
    return listAvailableClients(this.#core, callback);
  }

  /**
   * The signed-in user's calls, newest first, one page (`options` `{limit?, cursor?}`; pass `next` as
   * `cursor` for the following one): `callback(page)` and a Promise of it. Bad options (INVALID_ARGUMENT),
   * a failed read or a destroyed client (DESTROYED) are emitted as ERROR and resolve an empty page with
   * `error` set. Not in ServiceNow's API (an extension); needs no session. Its code (call-history.ts, in the desk's chunk) is
   * loaded on first use.
   */
  getCallHistory(
    options?: CallHistoryOptions | ((page: CallHistoryPage) => void),
    callback?: (page: CallHistoryPage) => void,
  ): Promise<CallHistoryPage> {
    return callHistory(this.#core, options, callback);
  }

  /**
   * Ours (issue 14): the microphones and speakers, and which are chosen (`{inputs, outputs, input, speaker,
   * ringer, outputSelection}`; labels once the microphone was allowed). Not online: NOT_INITIALIZED; a vendor
   * without device selection: NOT_SUPPORTED; each emitted as ERROR, and the Promise resolves null.
   */
  getAudioDevices(): Promise<AudioDevices | null> {
    return deskStep(this.#core, null, 'listAudioDevices');
  }

  /**
   * Ours (issue 14): chooses the microphone (`'input'`), the call's speaker (`'speaker'`) or the ringtone's
   * output (`'ringer'`) by `deviceId`, remembered in this browser for the next sessions. Resolves true once
   * in use (a live call switches at once); false after an ERROR: INVALID_ARGUMENT (bad kind, unknown device),
   * NOT_INITIALIZED, NOT_SUPPORTED (no setSinkId for an output, or the vendor), MEDIA_PERMISSION_DENIED
   * (call it again to ask again).
   */
  setAudioDevice(kind: AudioDeviceKind, deviceId: string): Promise<boolean> {
    return deskStep(this.#core, false, 'selectAudioDevice', kind, deviceId);
  }

  /**
   * Ours (issue 14): runs the vendor's own pre-call test (Twilio's PreflightTest) on a test call of its own
   * (about 20 s) and resolves its report (signaling, ICE and DTLS times; RTT, jitter and MOS ranges; packet
   * loss; the vendor's verdict). Resolves null after an ERROR: NOT_INITIALIZED (not online), INVALID_STATE
   * (during a call, or a test already running), NOT_SUPPORTED (vendor or backend without one), or the test's
   * own failure.
   */
  preflight(): Promise<PreflightReport | null> {
    const core = this.#core;
    return deskStep(core, null, 'runPreflight', core.backend, this.getSession(), this.getStatus());
  }

  /**
   * Follows the clients available to take calls, without this one: `callback(clients)` once the list is
   * known and after every change, until the returned function is called or the client is destroyed.
   * Not in ServiceNow's API (an extension): the backend pushes the changes (`GET /presence`, Server-Sent
   * Events), so nothing polls; it reconnects by itself.
   */
  watchAvailableClients(callback: (clients: AvailableClient[]) => void): () => void {
    return watchAvailableClients(this.#core, callback);
  }

  /**
   * Resolves the parent call of `callId`, retrying while the backend does not know it yet (bounded, with
   * backoff: 5 attempts over about 3.75 s): `callback({parentId})`, or `callback({parentId: null, error})`
   * after the retries. A refusal of the backend (FORBIDDEN for another user's call) also emits ERROR.
   * Also returns the result as a Promise (never rejects).
   */
  getParentId(callId: string, callback?: (result: ParentIdResult) => void): Promise<ParentIdResult> {
    return parentIdOf(this.#core, callId, callback);
  }

  /**
   * Forwards the current call to a number (`{type: 'number', id, dtmf?}`) or another client
   * (`{type: 'userId', id}`) through the backend (on SIP: a REFER the backend authorizes; `dtmf` is
   * NOT_SUPPORTED there). No open call: INVALID_STATE.
   */
  forwardCall(argument: ForwardTarget): void {
    if (!this.#core.usable()) return;
    const target = forwardTarget(argument);
    if (target instanceof NotifyError) return this.#core.reportError(target);
    const call = this.#core.current()?.call;
    const callSid = call?.callId;
    if (this.getStatus() !== Status.OPEN || !callSid) {
      return this.#core.report('INVALID_STATE', 'forwardCall: no open call.');
    }
    // Ours: where the call went, for its end (the backend may end it before it answers); taken back if refused.
    noteTransferredTo(call!, target.id);
    void callCommand(this.#core, 'forward', target).then((forwarded) => {
      if (!forwarded) noteTransferredTo(call!, undefined);
    });
  }

  /**
   * Ours: starts a warm transfer of the active call to a number or a colleague (`{type, id}` as forwardCall):
   * the call goes on hold and a consultation call is placed, resolved as a NotifyCall (null after an ERROR).
   * Then completeTransfer() or cancelTransfer(). A blind transfer stays forwardCall().
   */
  transferCall(target: ForwardTarget): Promise<NotifyCall | null> {
    return callCommand(this.#core, 'transfer', target);
  }

  /** Ours: the consulted party joins the held call, which goes on without us. True once done. */
  completeTransfer(): Promise<boolean> {
    return callCommand(this.#core, 'completeTransfer');
  }

  /** Ours: ends the consultation call and resumes the held call. True once the held call is back. */
  cancelTransfer(): Promise<boolean> {
    return callCommand(this.#core, 'cancelTransfer');
  }

  /** Ours: adds a number or a colleague (`{type, id}`) to the active call: a three-way call. */
  addToCall(target: ForwardTarget): Promise<boolean> {
    return callCommand(this.#core, 'add', target);
  }

  /**
   * Sets whether this client takes calls (`available` on its session row). `true`/`"true"` is
   * available. Before init() the value is kept and applied once online.
   */
  setClientAvailable(available: boolean | string): void {
    if (!this.#core.usable()) return;
    const flag = available === true || available === 'true';
    if (this.#core.registration) this.#core.registration.setAvailable(flag);
    else this.#core.pendingAvailability = flag;
  }

  /**
   * Ends any call, unregisters, releases media and deletes the session row. The client is unusable
   * afterwards: every method reports DESTROYED.
   */
  destroy(): void {
    if (!this.#core.usable()) return;
    this.#core.life.abort();
    this.#core.calls?.endAll();
    this.#core.device.transition(DeviceState.DESTROYED);
    this.#core.registration?.close();
  }

  /**
   * Calls `fn` after every device-state or call-status change (before the STD_EVENT it causes).
   * For bindings such as NotifyController; returns the unsubscribe function.
   * @internal
   */
  onStateChange(fn: () => void): () => void {
    this.#core.stateObservers.add(fn);
    return () => this.#core.stateObservers.delete(fn);
  }
}
