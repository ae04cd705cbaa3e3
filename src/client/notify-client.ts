import type { DriverFactory, IncomingCallInfo, VendorDriver } from '../drivers/driver.js';
import { createDriver } from '../drivers/factory.js';
import { listAvailableClients } from './available-clients.js';
import {
  HttpNotifyBackend,
  type AuthToken,
  type AvailableClient,
  type ForwardTarget,
  type NotifyBackend,
  type NotifySession,
} from './backend.js';
import {
  DTMF_PATTERN,
  DeviceState,
  E164_PATTERN,
  STD_EVENTS,
  Status,
  Vendor,
  isStdEvent,
  normalizeVendor,
  sameVendor,
} from './constants.js';
import { TypedEmitter, safeCall } from './emitter.js';
import { NotifyError, toNotifyError, type NotifyErrorCode } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { resolveParentId, type ParentIdResult } from './parent-id.js';
import { CALL_TRANSITIONS, DEVICE_TRANSITIONS, StateMachine } from './state.js';
import { TokenRenewal } from './token-renewal.js';

export type { ParentIdResult } from './parent-id.js';

/** Listener arguments of every STD_EVENT. */
export interface NotifyClientEvents {
  [STD_EVENTS.ONLINE]: [];
  [STD_EVENTS.OFFLINE]: [];
  [STD_EVENTS.ERROR]: [message: string, code: NotifyErrorCode];
  [STD_EVENTS.INCOMING_CALL]: [
    from: string,
    to: string,
    callId: string,
    parentId: string | undefined,
    sysId: string | undefined,
    isFromClient: boolean,
  ];
  [STD_EVENTS.CALL_INIT]: [status: Status, callId: string | undefined];
  [STD_EVENTS.CALL_START]: [callId: string | undefined];
  [STD_EVENTS.CALL_CANCEL]: [callId: string | undefined];
  [STD_EVENTS.CALL_DISCONNECT]: [callId: string | undefined];
  [STD_EVENTS.CALL_MUTE]: [];
  [STD_EVENTS.CALL_UNMUTE]: [];
}

/** The configuration object; the client writes `vendor` and `callerId` back into it. */
export interface NotifyConfig {
  /** Vendor of the caller ID; set by setCallerId() in lazy mode. */
  vendor?: Vendor | string;
  /** Notify number in E.164; do not set directly, use setCallerId(). */
  callerId?: string;
  /** true: load the vendor SDK chunk; false (default): use the page's `window.Twilio`. */
  autoLoadScriptResources?: boolean;
  /** Refresh the token before it expires (default true). */
  forceRefreshToken?: boolean;
  /** true: fire INCOMING_CALL at once, without resolving the parent call. */
  skipParentId?: boolean;
  /** Base URL of the backend routes; default `'/api'`. */
  backendUrl?: string;
  /** Bearer token (or a function returning one) for the backend. */
  authToken?: AuthToken;
  /** Display name stored on the session row. */
  name?: string;
  /** Geneva-era handlers: the session is ready. */
  onReady?: () => void;
  /** Geneva-era handlers: the session is not active. */
  onOffline?: () => void;
  /** Geneva-era handlers: an error. */
  onError?: (message: string, code?: NotifyErrorCode) => void;
  /** Geneva-era handlers: a call status change of an incoming or outgoing call. */
  onConnect?: (status: Status) => void;
  /** Geneva-era handlers: the call disconnected. */
  onDisconnect?: () => void;
  /** Geneva-era handlers: a call is coming in (same arguments as INCOMING_CALL). */
  onIncoming?: (...args: NotifyClientEvents[typeof STD_EVENTS.INCOMING_CALL]) => void;
  /** @internal Replaces the HTTP backend (tests). */
  backend?: NotifyBackend;
  /** @internal Replaces the vendor driver factory (tests). */
  driverFactory?: DriverFactory;
}

/** The target of call(): `phoneNumber` wins when both are given. */
export interface CallIdentifier {
  phoneNumber?: string;
  userId?: string;
}

interface ActiveCall {
  direction: 'incoming' | 'outgoing';
  callSid: string | undefined;
  /** CALL_INIT was emitted. */
  announced: boolean;
  /** CALL_START was emitted. */
  started: boolean;
  /** INCOMING_CALL was emitted. */
  incomingAnnounced: boolean;
}

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
  readonly #callState: StateMachine<Status>;
  #driver: VendorDriver | null = null;
  #driverSubscriptions: (() => void)[] = [];
  #session: NotifySession | null = null;
  #call: ActiveCall | null = null;
  #muted = false;
  #generation = 0;
  #pendingAvailability: boolean | undefined;
  /** The current session's token renewal and heartbeat (null without a session). */
  #renewal: TokenRenewal | null = null;
  #heartbeat: Heartbeat | null = null;
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
    this.#callState = new StateMachine('call', Status.CLOSED, CALL_TRANSITIONS, (to) => {
      this.#notifyObservers();
      this.#onCallStatus(to);
    });
  }

  /**
   * Registers a listener for one of `STD_EVENTS` and returns the function that removes it.
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
    const number = typeof value === 'number' ? `+${value}` : typeof value === 'string' ? value.trim() : '';
    if (!E164_PATTERN.test(number)) {
      this.#report('INVALID_NUMBER', `setCallerId: "${String(value)}" is not an E.164 number.`);
      done();
      return;
    }
    if (!this.#lazy) {
      this.#config.callerId = number;
      return;
    }
    this.#backend
      .lookupCallerId(number)
      .then(
        (result) => {
          if (this.#destroyed) return;
          const vendor = normalizeVendor(result?.vendor);
          const configured = this.#config.vendor;
          const current = normalizeVendor(configured);
          if (!vendor) {
            this.#report('NO_VENDOR', `The number ${number} has no compatible vendor.`);
          } else if (configured && (!current || !sameVendor(current, vendor))) {
            this.#report('VENDOR_MISMATCH', `${number} belongs to ${vendor}, not ${String(configured)}.`);
          } else {
            this.#config.vendor = vendor;
            this.#config.callerId = number;
          }
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
    void this.#initialize(vendor, callerId);
  }

  /**
   * Calls a phone number (E.164, INVALID_NUMBER otherwise) or, with `userId`, another WebRTC client.
   * CALL_INIT follows once the call exists, then status changes, and CALL_START when it is open.
   * Not online: NOT_INITIALIZED. A call already active: INVALID_STATE.
   */
  call(identifier: CallIdentifier): void {
    if (!this.#usable()) return;
    if (this.#device.state !== DeviceState.ONLINE || !this.#driver) return this.#report('NOT_INITIALIZED');
    if (!identifier || typeof identifier !== 'object')
      return this.#report('INVALID_ARGUMENT', 'call: no target.');
    const { phoneNumber, userId } = identifier;
    let params: Record<string, string>;
    if (phoneNumber !== undefined && phoneNumber !== null && phoneNumber !== '') {
      if (typeof phoneNumber !== 'string' || !E164_PATTERN.test(phoneNumber)) {
        return this.#report('INVALID_NUMBER', `call: "${String(phoneNumber)}" is not an E.164 number.`);
      }
      params = { To: phoneNumber };
    } else if (typeof userId === 'string' && userId.trim()) {
      params = { To: `client:${userId.trim()}` };
    } else {
      return this.#report('INVALID_ARGUMENT', 'call: pass {phoneNumber} or {userId}.');
    }
    if (this.#callState.state !== Status.CLOSED)
      return this.#report('INVALID_STATE', 'A call is already active.');

    const call: ActiveCall = {
      direction: 'outgoing',
      callSid: undefined,
      announced: false,
      started: false,
      incomingAnnounced: false,
    };
    this.#call = call;
    this.#muted = false;
    this.#callState.transition(Status.PENDING);
    this.#driver.connect(params).then(
      () => {
        if (this.#call === call) return this.#announce(call);
        // hangupCall() (or destroy()) came while the vendor was still placing the call: the call it
        // just created is nobody's any more, so end it instead of leaving it live with the microphone.
        if (!this.#call) this.#driver?.hangup();
      },
      (error: unknown) => {
        if (this.#call !== call) return;
        this.#reportError(toNotifyError(error, 'CALL_FAILED'));
        this.#endCall('disconnect');
      },
    );
  }

  /** Answers the incoming call announced by INCOMING_CALL. No incoming call: INVALID_STATE. */
  pickupCall(): void {
    if (!this.#usable()) return;
    const call = this.#call;
    if (!call || call.direction !== 'incoming' || this.#callState.state !== Status.PENDING || !this.#driver) {
      return this.#report('INVALID_STATE', 'pickupCall: there is no incoming call to answer.');
    }
    this.#driver.accept().then(
      () => {
        if (this.#call === call) this.#announce(call);
      },
      (error: unknown) => {
        if (this.#call !== call) return;
        this.#reportError(toNotifyError(error, 'CALL_FAILED'));
        this.#driver?.reject();
        this.#endCall('disconnect');
      },
    );
  }

  /** Ends the current call, or declines a ringing incoming one. No call: INVALID_STATE. */
  hangupCall(): void {
    if (!this.#usable()) return;
    const call = this.#call;
    if (!call) return this.#report('INVALID_STATE', 'hangupCall: there is no call.');
    const declining = call.direction === 'incoming' && this.#callState.state === Status.PENDING;
    try {
      if (declining) this.#driver?.reject();
      else this.#driver?.hangup();
    } catch (error) {
      this.#reportError(toNotifyError(error));
    }
    // Drivers normally end the call synchronously; make sure it ends even if one does not.
    if (this.#call === call) this.#endCall(declining ? 'reject' : 'disconnect');
  }

  /**
   * Mutes (`true` or `"true"`) or unmutes (anything else) the current call; emits CALL_MUTE or
   * CALL_UNMUTE. No active call: INVALID_STATE.
   */
  mute(muted: boolean | string): void {
    if (!this.#usable()) return;
    if (!this.#call || !this.#driver || this.#callState.state === Status.PENDING) {
      return this.#report('INVALID_STATE', 'mute: there is no active call.');
    }
    const flag = muted === true || muted === 'true';
    this.#driver.mute(flag);
    this.#muted = flag;
    this.#notifyObservers();
    this.#emit(flag ? STD_EVENTS.CALL_MUTE : STD_EVENTS.CALL_UNMUTE);
  }

  /** Sends DTMF digits (`0-9 * # A-D w`) on the open call. Invalid: INVALID_DTMF, nothing is sent. */
  sendDtmf(digits: string): void {
    if (!this.#usable()) return;
    if (typeof digits !== 'string' || !DTMF_PATTERN.test(digits)) {
      return this.#report('INVALID_DTMF', `sendDtmf: "${String(digits)}" contains non-DTMF characters.`);
    }
    if (this.#callState.state !== Status.OPEN || !this.#driver) {
      return this.#report('INVALID_STATE', 'sendDtmf: there is no open call.');
    }
    this.#driver.sendDigits(digits);
  }

  /** The normalized status of the current call; `Status.CLOSED` when there is none. */
  getStatus(): Status {
    return this.#callState.state;
  }

  /** The registration state (`offline`, `initializing`, `online`, `destroyed`). Not in ServiceNow's API. */
  getDeviceState(): DeviceState {
    return this.#device.state;
  }

  /** Whether the current call is muted. Not in ServiceNow's API. */
  isMuted(): boolean {
    return this.#muted;
  }

  /** The session row of this client once online. Not in ServiceNow's API. */
  getSession(): Readonly<NotifySession> | null {
    return this.#session;
  }

  /**
   * Lists the clients available to take calls, without this one: `callback([{sys_id, name}])`.
   * Also returns the list as a Promise (never rejects; `[]` after an ERROR). Reads the backend's pages
   * one after the other, at most 20 (2,000 clients at the reference backend's 100 a page).
   */
  getAvailableClients(callback?: (clients: AvailableClient[]) => void): Promise<AvailableClient[]> {
    if (!this.#usable()) return Promise.resolve([]);
    return listAvailableClients(
      (cursor) => this.#backend.listAvailableClients(cursor),
      this.#life.signal,
    ).then(
      (clients) => {
        const list = this.#others(clients);
        safeCall('getAvailableClients callback', callback, list);
        return list;
      },
      (error: unknown) => {
        if (!this.#destroyed) this.#reportError(toNotifyError(error, 'BACKEND_ERROR'));
        safeCall('getAvailableClients callback', callback, []);
        return [];
      },
    );
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
    this.#life.signal.addEventListener('abort', stop, { once: true });
    this.#backend
      .watchAvailableClients((clients) => {
        if (!watch.signal.aborted)
          safeCall('watchAvailableClients callback', callback, this.#others(clients));
      }, watch.signal)
      // Only loading the stream's code can fail (the stream itself reconnects).
      .catch((error: unknown) => this.#reportError(toNotifyError(error, 'BACKEND_UNREACHABLE')));
    return () => {
      this.#life.signal.removeEventListener('abort', stop);
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
    if (typeof callId !== 'string' || !callId) {
      this.#report('INVALID_ARGUMENT', 'getParentId: callId is required.');
      const result = { parentId: null, error: 'callId is required' };
      safeCall('getParentId callback', callback, result);
      return Promise.resolve(result);
    }
    const lookup = (callSid: string) => this.#backend.getParentId(callSid);
    return resolveParentId(lookup, callId, this.#life.signal, (error) => this.#reportError(error)).then(
      (result) => {
        safeCall('getParentId callback', callback, result);
        return result;
      },
    );
  }

  /**
   * Forwards the current call to a number (`{type: 'number', id, dtmf?}`) or another client
   * (`{type: 'userId', id}`) through the backend. No open call: INVALID_STATE.
   */
  forwardCall(argument: ForwardTarget): void {
    if (!this.#usable()) return;
    if (
      !argument ||
      (argument.type !== 'number' && argument.type !== 'userId') ||
      typeof argument.id !== 'string'
    ) {
      return this.#report('INVALID_ARGUMENT', 'forwardCall: pass {type: "number"|"userId", id}.');
    }
    if (argument.type === 'number' && !E164_PATTERN.test(argument.id)) {
      return this.#report('INVALID_NUMBER', `forwardCall: "${argument.id}" is not an E.164 number.`);
    }
    if (
      argument.dtmf !== undefined &&
      (typeof argument.dtmf !== 'string' || !DTMF_PATTERN.test(argument.dtmf))
    ) {
      return this.#report('INVALID_DTMF', `forwardCall: "${String(argument.dtmf)}" is not DTMF.`);
    }
    const callSid = this.#call?.callSid ?? this.#driver?.getCallSid();
    if (this.#callState.state !== Status.OPEN || !callSid) {
      return this.#report('INVALID_STATE', 'forwardCall: there is no open call.');
    }
    const target: ForwardTarget = { type: argument.type, id: argument.id };
    if (argument.dtmf) target.dtmf = argument.dtmf;
    this.#backend
      .forwardCall(callSid, target)
      .catch((error: unknown) => this.#reportError(toNotifyError(error, 'BACKEND_ERROR')));
  }

  /**
   * Sets whether this client takes calls (`available` on its session row). `true`/`"true"` is
   * available. Before init() the value is kept and applied once online.
   */
  setClientAvailable(available: boolean | string): void {
    if (!this.#usable()) return;
    const flag = available === true || available === 'true';
    const session = this.#session;
    if (!session || this.#device.state !== DeviceState.ONLINE) {
      this.#pendingAvailability = flag;
      return;
    }
    this.#backend.setAvailability(session.sys_id, flag).then(
      () => {
        session.available = flag;
      },
      (error: unknown) => this.#reportError(toNotifyError(error, 'BACKEND_ERROR')),
    );
  }

  /**
   * Ends any call, unregisters, releases media and deletes the session row. The client is unusable
   * afterwards: every method reports DESTROYED.
   */
  destroy(): void {
    if (!this.#usable()) return;
    this.#generation += 1;
    this.#renewal?.pause();
    this.#life.abort();
    if (this.#call) this.#endCall('disconnect');
    this.#device.transition(DeviceState.DESTROYED);
    void this.#teardown();
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
    const ownIdentity = this.#session?.identity;
    return clients.filter((client) => !ownIdentity || client.identity !== ownIdentity);
  }

  #notifyObservers(): void {
    for (const fn of [...this.#stateObservers]) safeCall('state observer', fn);
  }

  get #destroyed(): boolean {
    return this.#device.state === DeviceState.DESTROYED;
  }

  #usable(): boolean {
    if (!this.#destroyed) return true;
    this.#report('DESTROYED');
    return false;
  }

  #emit<K extends keyof NotifyClientEvents>(event: K, ...args: NotifyClientEvents[K]): void {
    this.#emitter.emit(event, ...args);
  }

  #report(code: NotifyErrorCode, message?: string): void {
    this.#reportError(new NotifyError(code, message));
  }

  #reportError(error: NotifyError): void {
    console.debug(`[notify] ERROR ${error.code}: ${error.message}`, error.cause ?? '');
    this.#emit(STD_EVENTS.ERROR, error.message, error.code);
    safeCall('onError', this.#config.onError, error.message, error.code);
  }

  #onDeviceState(to: DeviceState, from: DeviceState): void {
    if (to === DeviceState.ONLINE) this.#heartbeat?.start();
    else this.#heartbeat?.stop();
    if (to === DeviceState.ONLINE) {
      this.#emit(STD_EVENTS.ONLINE);
      safeCall('onReady', this.#config.onReady);
      // A setClientAvailable() made while not online (before init(), or while the registration was
      // lost) is applied on every return to ONLINE, not only the first.
      const pending = this.#pendingAvailability;
      this.#pendingAvailability = undefined;
      if (pending !== undefined) this.setClientAvailable(pending);
    } else if (from === DeviceState.ONLINE) {
      this.#emit(STD_EVENTS.OFFLINE);
      safeCall('onOffline', this.#config.onOffline);
    }
  }

  #onCallStatus(to: Status): void {
    const call = this.#call;
    if (!call || to === Status.CLOSED) return;
    if (!call.announced) {
      // An OPEN before CALL_INIT: #announce() reports it (CALL_INIT and onConnect with `open`) once.
      if (to !== Status.OPEN) return;
      this.#announce(call);
    } else {
      safeCall('onConnect', this.#config.onConnect, to);
    }
    if (to === Status.OPEN && !call.started) {
      call.started = true;
      this.#emit(STD_EVENTS.CALL_START, this.#callSid(call));
    }
  }

  /** Emits CALL_INIT once per call, when the vendor call object exists. */
  #announce(call: ActiveCall): void {
    if (call.announced || this.#callState.state === Status.CLOSED) return;
    call.announced = true;
    this.#emit(STD_EVENTS.CALL_INIT, this.#callState.state, this.#callSid(call));
    safeCall('onConnect', this.#config.onConnect, this.#callState.state);
  }

  #callSid(call: ActiveCall): string | undefined {
    call.callSid ??= this.#driver?.getCallSid();
    return call.callSid;
  }

  #endCall(reason: 'disconnect' | 'cancel' | 'reject'): void {
    const call = this.#call;
    if (!call) return;
    const callSid = this.#callSid(call);
    this.#call = null;
    this.#muted = false;
    this.#callState.transition(Status.CLOSED);
    // A cancel that crosses pickupCall() (the vendor saw the caller give up after we accepted) ends a
    // call that CALL_INIT already announced: report it as the disconnect it is for the page.
    if (reason === 'cancel' && !call.announced) {
      if (call.incomingAnnounced) this.#emit(STD_EVENTS.CALL_CANCEL, callSid);
    } else if (call.announced || call.incomingAnnounced) {
      this.#emit(STD_EVENTS.CALL_DISCONNECT, callSid);
      safeCall('onDisconnect', this.#config.onDisconnect);
    }
  }

  async #initialize(vendor: Vendor, callerId: string): Promise<void> {
    const generation = ++this.#generation;
    const stale = () => generation !== this.#generation || this.#destroyed;
    this.#device.transition(DeviceState.INITIALIZING);
    try {
      await this.#teardown();
      const created = await this.#backend.createSession({
        callerId,
        ...(this.#config.name ? { name: this.#config.name } : {}),
      });
      if (stale()) {
        this.#backend.deleteSession(created.session.sys_id).catch(() => undefined);
        return;
      }
      const session = (this.#session = { ...created.session });
      this.#heartbeat = new Heartbeat(
        created.heartbeatSeconds,
        () => this.#backend.heartbeat(session.sys_id),
        () => this.#onSessionGone(),
      );
      const factory = this.#config.driverFactory ?? createDriver;
      const driver = await factory({
        vendor,
        autoLoadScriptResources: this.#config.autoLoadScriptResources === true,
      });
      if (stale()) {
        driver.destroy();
        return;
      }
      this.#attachDriver(driver);
      await driver.register({ token: created.token, device: created.device ?? {} });
      if (stale()) return;
      this.#renewal = new TokenRenewal({
        refresh: this.#config.forceRefreshToken !== false,
        request: () => this.#backend.refreshToken(session.sys_id),
        onToken: (token) => {
          driver.updateToken(token);
          if (this.#device.state === DeviceState.OFFLINE) this.#device.transition(DeviceState.ONLINE);
        },
        onExpired: () => this.#onTokenExpired(),
        onError: (error) => this.#reportError(toNotifyError(error, 'BACKEND_ERROR')),
      });
      this.#renewal.schedule(created);
      this.#device.transition(DeviceState.ONLINE);
    } catch (error) {
      if (stale()) return;
      this.#reportError(toNotifyError(error, 'VENDOR_ERROR'));
      await this.#teardown();
      if (!stale()) this.#device.transition(DeviceState.OFFLINE);
    }
  }

  #attachDriver(driver: VendorDriver): void {
    this.#driver = driver;
    const on = driver.events;
    this.#driverSubscriptions = [
      on.on('registered', () => {
        if (this.#device.state === DeviceState.OFFLINE && this.#renewal?.valid) {
          this.#device.transition(DeviceState.ONLINE);
        }
      }),
      on.on('unregistered', () => {
        if (this.#device.state === DeviceState.ONLINE) this.#device.transition(DeviceState.OFFLINE);
      }),
      on.on('error', (error) => {
        if (error.code === 'TOKEN_EXPIRED') this.#onTokenExpired();
        else this.#reportError(error);
      }),
      on.on('tokenWillExpire', () => {
        // The vendor's own warning is a backup for our timer, acted on once our refresh is due.
        if (this.#renewal?.due) void this.#renewal.renew();
      }),
      on.on('incoming', (info) => this.#onIncoming(info)),
      on.on('callStatus', (status) => {
        if (this.#call && status !== Status.CLOSED) this.#callState.transition(status);
      }),
      on.on('callDisconnected', () => this.#endCall('disconnect')),
      on.on('callCanceled', () => this.#endCall('cancel')),
      on.on('callRejected', () => this.#endCall('reject')),
      on.on('callError', (error) => this.#reportError(error)),
    ];
  }

  /** A heartbeat found the session expired on the backend (see Heartbeat): offline, device released. */
  #onSessionGone(): void {
    this.#generation += 1;
    this.#session = null; // the row is gone: nothing to delete
    if (this.#call) this.#endCall('disconnect');
    if (this.#device.state === DeviceState.ONLINE) this.#device.transition(DeviceState.OFFLINE);
    this.#report('SESSION_EXPIRED');
    void this.#teardown();
  }

  async #teardown(): Promise<void> {
    this.#heartbeat?.dispose();
    this.#renewal?.stop();
    this.#heartbeat = this.#renewal = null;
    for (const unsubscribe of this.#driverSubscriptions) unsubscribe();
    this.#driverSubscriptions = [];
    const driver = this.#driver;
    this.#driver = null;
    if (driver) {
      try {
        driver.destroy();
      } catch (error) {
        console.warn('[notify] driver.destroy() threw:', error);
      }
    }
    const session = this.#session;
    this.#session = null;
    if (session) {
      await this.#backend
        .deleteSession(session.sys_id)
        .catch((error: unknown) => console.warn('[notify] could not delete the session:', error));
    }
  }

  #onIncoming(info: IncomingCallInfo): void {
    if (this.#call) {
      console.warn('[notify] incoming call ignored: a call is active.');
      return;
    }
    const call: ActiveCall = {
      direction: 'incoming',
      callSid: info.callSid || undefined,
      announced: false,
      started: false,
      incomingAnnounced: false,
    };
    this.#call = call;
    this.#muted = false;
    this.#callState.transition(Status.PENDING);
    const sysId = info.params.sysId || info.params.callerSysId || undefined;
    const isFromClient = info.from.startsWith('client:') || info.params.isFromClient === 'true';
    const fire = (parentId: string | undefined) => {
      if (this.#call !== call || this.#callState.state === Status.CLOSED) return;
      call.incomingAnnounced = true;
      // The SDK's To is the leg's own address (client:<identity>); the backend passes the number called.
      const to = info.params.notifyNumber || info.to;
      const args = [info.from, to, info.callSid, parentId, sysId, isFromClient] as const;
      this.#emit(STD_EVENTS.INCOMING_CALL, ...args);
      safeCall('onIncoming', this.#config.onIncoming, ...args);
    };
    if (this.#config.skipParentId === true) return fire(undefined);
    if (info.params.parentId) return fire(info.params.parentId);
    const lookup = (callSid: string) => this.#backend.getParentId(callSid);
    void resolveParentId(lookup, info.callSid, this.#life.signal).then((result) =>
      fire(result.parentId ?? undefined),
    );
  }

  #onTokenExpired(): void {
    if (this.#device.state !== DeviceState.ONLINE) return;
    this.#renewal?.pause();
    this.#device.transition(DeviceState.OFFLINE);
    this.#report('TOKEN_EXPIRED');
  }
}
