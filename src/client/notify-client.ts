import type { AudioDevices, PreflightReport, VendorDriver } from '../drivers/driver.js';
import {
  HttpNotifyBackend,
  type AvailableClient,
  type ForwardTarget,
  type NotifyBackend,
  type NotifySession,
} from './backend.js';
import type { CallHistoryOptions, CallHistoryPage } from './call-history.js';
import type { CallIdentifier, NotifyClientEvents, NotifyConfig } from './config.js';
import {
  DTMF_PATTERN,
  DeviceState,
  STD_EVENTS,
  Status,
  type Vendor,
  isStdEvent,
  normalizeVendor,
} from './constants.js';
import { TypedEmitter, answer, safeCall } from './emitter.js';
import { NotifyError, toNotifyError, type NotifyErrorCode } from './errors.js';
import { CallBook, findParent } from './calls.js';
import type { NotifyCall } from './notify-call.js';
import type { CallCommands } from './call-control.js';
import type { ParentIdResult } from './parent-id.js';
import { DEVICE_TRANSITIONS, StateMachine } from './state.js';
import { callParams, callerIdNumber, forwardTarget } from './targets.js';
import type { AgentRegistration as Registration } from './agent.js';

export type { CallIdentifier, CallQualityWarning, NotifyClientEvents, NotifyConfig } from './config.js';
import type { AudioDeviceKind } from './audio-devices.js';
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
  readonly #config: NotifyConfig;
  readonly #lazy: boolean;
  readonly #backend: NotifyBackend;
  readonly #emitter = new TypedEmitter<NotifyClientEvents>();
  readonly #device: StateMachine<DeviceState>;
  /** The registration (backend row, driver, token, heartbeat) since init(); its code loads with init(). */
  #registration: Registration | null = null;
  /** setClientAvailable() before the first init(), handed to the registration. */
  #pendingAvailability: boolean | undefined;
  readonly #calls: CallBook;
  readonly #stateObservers = new Set<() => void>();
  /** Aborts what outlives a session (watches, parent-id look-ups, paging) on destroy(). */
  readonly #life = new AbortController();

  /**
   * @param notifyConfig the configuration; kept by reference, `vendor` and `callerId` are written back.
   * @param initializeVendorClientLazily true: the vendor is chosen by setCallerId(value, callback).
   */
  constructor(notifyConfig: NotifyConfig = {}, initializeVendorClientLazily = false) {
    this.#config = notifyConfig && typeof notifyConfig === 'object' ? notifyConfig : {};
    this.#lazy = initializeVendorClientLazily === true;
    if (this.#config.vendor !== undefined) normalizeVendor(this.#config.vendor);
    this.#backend =
      this.#config.backend ??
      new HttpNotifyBackend({ backendUrl: this.#config.backendUrl, authToken: this.#config.authToken });
    this.#device = new StateMachine('device', DeviceState.OFFLINE, DEVICE_TRANSITIONS, (to, from) => {
      this.#notifyObservers();
      this.#onDeviceState(to, from);
    });
    this.#calls = new CallBook(this.#emitter, this.#config, {
      backend: this.#backend,
      changed: () => this.#notifyObservers(),
      report: (error) => this.#reportError(error),
      driver: () => this.#driver,
    });
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
      this.#report('INVALID_ARGUMENT', `addEventListener: unknown event "${String(event)}" or no function.`);
      return () => undefined;
    }
    return this.#emitter.on(event, fn);
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
    if (autoSelectVendorCallback !== undefined && !this.#lazy) {
      throw new NotifyError('LAZY_CALLBACK_REQUIRES_LAZY_MODE');
    }
    const done = () => safeCall('autoSelectVendorCallback', autoSelectVendorCallback);
    if (!this.#usable()) return;
    const number = callerIdNumber(value);
    if (number instanceof NotifyError) {
      this.#reportError(number);
      return done();
    }
    if (!this.#lazy) {
      this.#config.callerId = number;
      return;
    }
    Promise.all([this.#backend.lookupCallerId(number), import('./lazy-vendor.js')])
      .then(
        ([result, { lazyVendor }]) => {
          if (this.#destroyed) return;
          const vendor = lazyVendor(result?.vendor, number, this.#config.vendor);
          if (vendor instanceof NotifyError) return this.#reportError(vendor);
          this.#config.vendor = vendor;
          this.#config.callerId = number;
        },
        (error: unknown) => {
          if (!this.#destroyed) this.#reportError(toNotifyError(error, 'BACKEND_ERROR'));
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
    if (!this.#usable()) return;
    if (this.#device.state !== DeviceState.OFFLINE) {
      return this.#report('INVALID_STATE', `init: the client is already ${this.#device.state}.`);
    }
    const vendor = normalizeVendor(this.#config.vendor);
    if (!vendor) return this.#report('NO_VENDOR');
    const callerId = this.#config.callerId;
    if (!callerId) return this.#report('MISSING_CALLER_ID');
    void this.#start(vendor, callerId);
  }

  /**
   * Calls a phone number (E.164, INVALID_NUMBER otherwise) or, with `userId`, another WebRTC client.
   * CALL_INIT follows once the call exists, then status changes, and CALL_START when it is open.
   * Not online: NOT_INITIALIZED. A call already active: INVALID_STATE.
   */
  call(identifier: CallIdentifier): void {
    if (!this.#usable()) return;
    if (this.#device.state !== DeviceState.ONLINE || !this.#driver) return this.#report('NOT_INITIALIZED');
    const params = callParams(identifier);
    if (params instanceof NotifyError) return this.#reportError(params);
    if (this.#calls.current()) return this.#report('INVALID_STATE', 'A call is already active.');
    this.#calls.dial(params, this.#config.callerId ?? '');
  }

  /**
   * Answers the incoming call announced by INCOMING_CALL; during a call (call waiting) that call is put on
   * hold first. No incoming call: INVALID_STATE.
   */
  pickupCall(): void {
    if (!this.#usable()) return;
    const leg = this.#calls.ringing();
    if (!leg || !this.#driver) {
      return this.#report('INVALID_STATE', 'pickupCall: no incoming call.');
    }
    this.#calls.answer(leg);
  }

  /** Ends the current call, or declines a ringing incoming one. No call: INVALID_STATE. */
  hangupCall(): void {
    if (!this.#usable()) return;
    const leg = this.#calls.current();
    if (!leg) return this.#report('INVALID_STATE', 'hangupCall: no call.');
    this.#calls.hangup(leg);
  }

  /**
   * Mutes (`true` or `"true"`) or unmutes (anything else) the current call; emits CALL_MUTE or
   * CALL_UNMUTE. No active call: INVALID_STATE.
   */
  mute(muted: boolean | string): void {
    if (!this.#usable()) return;
    const leg = this.#calls.current();
    if (!leg || !this.#driver || leg.call.status === Status.PENDING) {
      return this.#report('INVALID_STATE', 'mute: no active call.');
    }
    this.#calls.mute(leg, muted === true || muted === 'true');
  }

  /** Sends DTMF digits (`0-9 * # A-D w`) on the open call. Invalid: INVALID_DTMF, nothing is sent. */
  sendDtmf(digits: string): void {
    if (!this.#usable()) return;
    if (typeof digits !== 'string' || !DTMF_PATTERN.test(digits)) {
      return this.#report('INVALID_DTMF', `sendDtmf: "${String(digits)}" contains non-DTMF characters.`);
    }
    const leg = this.#calls.current();
    if (leg?.call.status !== Status.OPEN || !this.#driver) {
      return this.#report('INVALID_STATE', 'sendDtmf: no open call.');
    }
    this.#calls.sendDigits(leg, digits);
  }

  /** The normalized status of the current call; `Status.CLOSED` when there is none. */
  getStatus(): Status {
    return this.#calls.current()?.call.status ?? Status.CLOSED;
  }

  /**
   * The calls of this client, oldest first: an extension beyond ServiceNow's API. ServiceNow's methods
   * (getStatus(), mute(), hangupCall()…) act on the "current call": the active one, or the ringing one
   * when none is active. Several calls at once: a held call, a waiting call (`callWaiting: 'ring'`), a
   * consultation call; each NotifyCall has its own answer(), hangup(), hold() and resume().
   */
  get calls(): readonly NotifyCall[] {
    return this.#calls.calls;
  }

  /** The active call (neither held nor ringing unanswered), or null. An extension beyond ServiceNow's API. */
  get activeCall(): NotifyCall | null {
    return this.#calls.active;
  }

  /** The registration state (`offline`, `initializing`, `online`, `destroyed`). Not in ServiceNow's API. */
  getDeviceState(): DeviceState {
    return this.#device.state;
  }

  /** Whether the current call is muted. Not in ServiceNow's API. */
  isMuted(): boolean {
    return this.#calls.current()?.call.muted ?? false;
  }

  /** The session row of this client once online. Not in ServiceNow's API. */
  getSession(): Readonly<NotifySession> | null {
    return this.#registration?.row ?? null;
  }

  /**
   * Lists the clients available to take calls, without this one: `callback([{sys_id, name}])`.
   * Also returns the list as a Promise (never rejects; `[]` after an ERROR). Reads the backend's pages
   * one after the other, at most 20 (2,000 clients at the reference backend's 100 a page).
   */
  getAvailableClients(callback?: (clients: AvailableClient[]) => void): Promise<AvailableClient[]> {
    if (!this.#usable()) return Promise.resolve([]);
    // The paging loop (list-clients.ts) loads on first use: the element watches instead.
    const list = import('./list-clients.js')
      .then((m) =>
        m.listAvailableClients((cursor) => this.#backend.listAvailableClients(cursor), this.#life.signal),
      )
      .then((clients) => this.#others(clients))
      .catch((error: unknown) => {
        if (!this.#destroyed) this.#reportError(toNotifyError(error, 'BACKEND_ERROR'));
        return [];
      });
    return answer(list, 'getAvailableClients callback', callback);
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
    const backend = this.#usable() && this.#backend;
    return import('./desk.js').then((m) =>
      m.getCallHistory(backend, this.#life.signal, (e) => this.#reportError(e), options, callback),
    );
  }

  /**
   * Ours (issue 14): the microphones and speakers, and which are chosen (`{inputs, outputs, input, speaker,
   * ringer, outputSelection}`; labels once the microphone was allowed). Not online: NOT_INITIALIZED; a vendor
   * without device selection: NOT_SUPPORTED; each emitted as ERROR, and the Promise resolves null.
   */
  getAudioDevices(): Promise<AudioDevices | null> {
    return this.#desk(null, 'listAudioDevices');
  }

  /**
   * Ours (issue 14): chooses the microphone (`'input'`), the call's speaker (`'speaker'`) or the ringtone's
   * output (`'ringer'`) by `deviceId`, remembered in this browser for the next sessions. Resolves true once
   * in use (a live call switches at once); false after an ERROR: INVALID_ARGUMENT (bad kind, unknown device),
   * NOT_INITIALIZED, NOT_SUPPORTED (no setSinkId for an output, or the vendor), MEDIA_PERMISSION_DENIED
   * (call it again to ask again).
   */
  setAudioDevice(kind: AudioDeviceKind, deviceId: string): Promise<boolean> {
    return this.#desk(false, 'selectAudioDevice', kind, deviceId);
  }

  /**
   * Ours (issue 14): runs the vendor's own pre-call test (Twilio's PreflightTest) on a test call of its own
   * (about 20 s) and resolves its report (signaling, ICE and DTLS times; RTT, jitter and MOS ranges; packet
   * loss; the vendor's verdict). Resolves null after an ERROR: NOT_INITIALIZED (not online), INVALID_STATE
   * (during a call, or a test already running), NOT_SUPPORTED (vendor or backend without one), or the test's
   * own failure.
   */
  preflight(): Promise<PreflightReport | null> {
    return this.#desk(null, 'runPreflight', this.#backend, this.getSession(), this.getStatus());
  }

  /** Runs one of the desk's steps (desk.ts, loaded on first use); its error is reported. */
  #desk<T>(
    failed: T,
    name: 'listAudioDevices' | 'selectAudioDevice' | 'runPreflight',
    ...args: unknown[]
  ): Promise<T> {
    if (!this.#usable()) return Promise.resolve(failed);
    return import('./desk.js')
      .then((m) => (m[name] as (...a: unknown[]) => Promise<T>)(this.#driver, ...args))
      .catch((error: unknown) => {
        if (!this.#destroyed) this.#reportError(toNotifyError(error));
        return failed;
      });
  }

  /**
   * Follows the clients available to take calls, without this one: `callback(clients)` once the list is
   * known and after every change, until the returned function is called or the client is destroyed.
   * Not in ServiceNow's API (an extension): the backend pushes the changes (`GET /presence`, Server-Sent
   * Events), so nothing polls; it reconnects by itself.
   */
  watchAvailableClients(callback: (clients: AvailableClient[]) => void): () => void {
    if (!this.#usable()) return () => undefined;
    const watch = new AbortController();
    const stop = () => watch.abort();
    const life = this.#life.signal;
    life.addEventListener('abort', stop, { once: true });
    // Its code (available-clients.ts, then the stream's) loads on first use.
    import('./available-clients.js')
      .then((m) =>
        m.watchAvailableClients(this.#backend, watch.signal, (clients) =>
          safeCall('watchAvailableClients callback', callback, this.#others(clients)),
        ),
      )
      .catch((error: unknown) => this.#reportError(toNotifyError(error, 'BACKEND_UNREACHABLE')));
    return () => {
      life.removeEventListener('abort', stop);
      stop();
    };
  }

  /**
   * Resolves the parent call of `callId`, retrying while the backend does not know it yet (bounded, with
   * backoff: 5 attempts over about 3.75 s): `callback({parentId})`, or `callback({parentId: null, error})`
   * after the retries. A refusal of the backend (FORBIDDEN for another user's call) also emits ERROR.
   * Also returns the result as a Promise (never rejects).
   */
  getParentId(callId: string, callback?: (result: ParentIdResult) => void): Promise<ParentIdResult> {
    if (!this.#usable()) return Promise.resolve({ parentId: null, error: 'destroyed' });
    let result: Promise<ParentIdResult>;
    if (typeof callId !== 'string' || !callId) {
      this.#report('INVALID_ARGUMENT', 'getParentId: callId is required.');
      result = Promise.resolve({ parentId: null, error: 'callId is required' });
    } else {
      const lookup = (callSid: string) => this.#backend.getParentId(callSid);
      result = findParent(lookup, callId, this.#life.signal, (error) => this.#reportError(error));
    }
    return answer(result, 'getParentId callback', callback);
  }

  /**
   * Forwards the current call to a number (`{type: 'number', id, dtmf?}`) or another client
   * (`{type: 'userId', id}`) through the backend. No open call: INVALID_STATE.
   */
  forwardCall(argument: ForwardTarget): void {
    if (!this.#usable()) return;
    const target = forwardTarget(argument);
    if (target instanceof NotifyError) return this.#reportError(target);
    const callSid = this.#calls.current()?.call.callId;
    if (this.getStatus() !== Status.OPEN || !callSid) {
      return this.#report('INVALID_STATE', 'forwardCall: no open call.');
    }
    this.#backend
      .forwardCall(callSid, target)
      .catch((error: unknown) => this.#reportError(toNotifyError(error, 'BACKEND_ERROR')));
  }

  /**
   * Ours: starts a warm transfer of the active call to a number or a colleague (`{type, id}` as forwardCall):
   * the call goes on hold and a consultation call is placed, resolved as a NotifyCall (null after an ERROR).
   * Then completeTransfer() or cancelTransfer(). A blind transfer stays forwardCall().
   */
  transferCall(target: ForwardTarget): Promise<NotifyCall | null> {
    return this.#control('transfer', target);
  }

  /** Ours: the consulted party joins the held call, which goes on without us. True once done. */
  completeTransfer(): Promise<boolean> {
    return this.#control('completeTransfer');
  }

  /** Ours: ends the consultation call and resumes the held call. True once the held call is back. */
  cancelTransfer(): Promise<boolean> {
    return this.#control('cancelTransfer');
  }

  /** Ours: adds a number or a colleague (`{type, id}`) to the active call: a three-way call. */
  addToCall(target: ForwardTarget): Promise<boolean> {
    return this.#control('add', target);
  }

  /** Runs a call-control command (call-control.ts, loaded on first use); its error is reported. */
  #control<K extends keyof CallCommands>(name: K, target?: ForwardTarget): Promise<CallCommands[K]> {
    const failed = (name === 'transfer' ? null : false) as CallCommands[K];
    if (!this.#usable()) return Promise.resolve(failed);
    return this.#calls.run(
      (control) =>
        control.command(name, target, this.#device.state === DeviceState.ONLINE, this.#config.callerId),
      failed,
    );
  }

  /**
   * Sets whether this client takes calls (`available` on its session row). `true`/`"true"` is
   * available. Before init() the value is kept and applied once online.
   */
  setClientAvailable(available: boolean | string): void {
    if (!this.#usable()) return;
    const flag = available === true || available === 'true';
    if (this.#registration) this.#registration.setAvailable(flag);
    else this.#pendingAvailability = flag;
  }

  /**
   * Ends any call, unregisters, releases media and deletes the session row. The client is unusable
   * afterwards: every method reports DESTROYED.
   */
  destroy(): void {
    if (!this.#usable()) return;
    this.#life.abort();
    this.#calls.endAll();
    this.#device.transition(DeviceState.DESTROYED);
    this.#registration?.close();
  }

  /**
   * Calls `fn` after every device-state or call-status change (before the STD_EVENT it causes).
   * For bindings such as NotifyController; returns the unsubscribe function.
   * @internal
   */
  onStateChange(fn: () => void): () => void {
    this.#stateObservers.add(fn);
    return () => this.#stateObservers.delete(fn);
  }

  // ---- internals ----

  #others(clients: AvailableClient[]): AvailableClient[] {
    const ownIdentity = this.#registration?.row?.identity;
    return clients.filter((client) => !ownIdentity || client.identity !== ownIdentity);
  }

  #notifyObservers(): void {
    for (const fn of [...this.#stateObservers]) safeCall('state observer', fn);
  }

  get #driver(): VendorDriver | null {
    return this.#registration?.driver ?? null;
  }

  get #destroyed(): boolean {
    return this.#device.state === DeviceState.DESTROYED;
  }

  #usable(): boolean {
    if (!this.#destroyed) return true;
    this.#report('DESTROYED');
    return false;
  }

  #report(code: NotifyErrorCode, message?: string): void {
    this.#reportError(new NotifyError(code, message));
  }

  #reportError(error: NotifyError): void {
    // The error itself: the console shows its code, message, stack and cause.
    console.debug('[notify]', error);
    this.#emitter.emit(STD_EVENTS.ERROR, error.message, error.code);
    safeCall('onError', this.#config.onError, error.message, error.code);
  }

  /** init(): the registration's code (session, driver factory, token renewal, heartbeat) loads with the first. */
  async #start(vendor: Vendor, callerId: string): Promise<void> {
    this.#device.transition(DeviceState.INITIALIZING);
    try {
      // With shareTabs, one registration for the agent's tabs of this browser (tab-share.ts).
      const { registrationFor } = await import('./agent.js');
      this.#registration ??= await registrationFor(
        this.#backend,
        this.#config,
        this.#device,
        {
          report: (error) => this.#reportError(error),
          attach: (driver) => this.#calls.attach(driver),
          events: this.#emitter,
          lost: () => this.#calls.endAll(),
          client: this,
        },
        this.#pendingAvailability,
      );
    } catch (error) {
      if (this.#destroyed) return;
      this.#reportError(toNotifyError(error, 'BACKEND_UNREACHABLE'));
      return void this.#device.transition(DeviceState.OFFLINE);
    }
    if (!this.#destroyed) await this.#registration.start(vendor, callerId);
  }

  #onDeviceState(to: DeviceState, from: DeviceState): void {
    if (to === DeviceState.ONLINE) {
      this.#emitter.emit(STD_EVENTS.ONLINE);
      safeCall('onReady', this.#config.onReady);
      this.#registration?.online();
      const driver = this.#driver;
      if (driver?.audio)
        void import('./audio-devices.js').then((m) => m.restoreAudioDevices(driver)).catch(() => 0);
    } else if (from === DeviceState.ONLINE) {
      this.#emitter.emit(STD_EVENTS.OFFLINE);
      safeCall('onOffline', this.#config.onOffline);
    }
  }
}
