import { DeviceState, NOTIFY_EVENTS, Status, type Vendor } from './constants.js';
import type { NotifyBackend, NotifySession } from './backend.js';
import type { NotifyClientEvents, NotifyConfig } from './config.js';
import type { NotifyClient } from './notify-client.js';
import type { TypedEmitter } from './emitter.js';
import { NotifyError, toNotifyError } from './errors.js';
import { PhoneSession } from './session.js';
import './recovery-errors.js';
import type { StateMachine } from './state.js';
import type { CallHandle, VendorDriver } from '../drivers/driver.js';

/**
 * A lost vendor registration that comes back within this long recovered silently: no ERROR, only the
 * RECONNECT events. Past it, one SIGNALING_LOST (the agent cannot be reached; it keeps reconnecting). Ours:
 * Twilio's SDK retries its socket with a backoff (about 0.2 s, then growing) and holds a call's signaling for
 * up to 30 s (emulator/limits.ts); 10 s covers its quick retries and is short enough for an agent to know.
 */
export const SIGNALING_GRACE_MS = 10_000;

/**
 * A session the backend dropped is replaced by a new one after these pauses (ms): 6 attempts over about
 * 31 s, then RECONNECT_FAILED. Bounded so that a backend that refuses for good (the user signed out) ends
 * in a clear error instead of retrying forever.
 */
export const REPLACE_BACKOFF_MS = [0, 1_000, 2_000, 4_000, 8_000, 16_000] as const;

/** While a call is reconnecting, the backend is asked this often whether the far end ended it. */
export const RECONNECTING_BEAT_MS = 2_000;

/** What a Registration tells its client. */
export interface RegistrationHooks {
  report(error: NotifyError): void;
  /** Subscribes the client to the driver's call events; returns the unsubscribe functions. */
  attach(driver: VendorDriver): (() => void)[];
  /** The registration was lost under the client (the backend dropped the session): its calls end; how many. */
  lost(): number;
  /** The client's events, for the driver's desk events (ours: call quality, a microphone lost). */
  events: TypedEmitter<NotifyClientEvents>;
  /** The client itself: a shared registration runs the commands of the agent's other tabs on it. */
  client: NotifyClient;
}

/**
 * The client's registration since init(): its PhoneSession (backend row, driver, token renewal, heartbeat),
 * the device state it moves between initializing, online and offline, and the availability asked for while
 * not online. NotifyClient is the facade and owns the device state machine; this owns the registration's life
 * (after mediasoup-client's Device/Transport split), including its recovery (docs/decisions.md §21): a lost
 * vendor registration is waited for (the driver reconnects), a session the backend dropped is replaced.
 * Loaded with the first init(), with the session's code.
 */
export class Registration {
  #phone: PhoneSession | null = null;
  #pendingAvailability: boolean | undefined;
  /** What start() was given, for a replacement session. */
  #target: [Vendor, string] | null = null;
  /** A RECONNECT 'reconnecting' of the registration was emitted; ONLINE again emits 'reconnected'. */
  #reconnecting = false;
  /** Reports SIGNALING_LOST once the grace is over. */
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #backend: NotifyBackend;
  readonly #config: NotifyConfig;
  readonly #device: StateMachine<DeviceState>;
  readonly #hooks: RegistrationHooks;

  constructor(
    backend: NotifyBackend,
    config: NotifyConfig,
    device: StateMachine<DeviceState>,
    hooks: RegistrationHooks,
    pendingAvailability?: boolean,
  ) {
    this.#pendingAvailability = pendingAvailability;
    this.#backend = backend;
    this.#config = config;
    this.#device = device;
    this.#hooks = hooks;
  }

  get driver(): VendorDriver | null {
    return this.#phone?.driver ?? null;
  }

  /** The session row once online. */
  get row(): NotifySession | null {
    return this.#phone?.row ?? null;
  }

  get #destroyed(): boolean {
    return this.#device.state === DeviceState.DESTROYED;
  }

  /** init() (the device is INITIALIZING): creates the session, registers the driver; ONLINE, or ERROR and OFFLINE. */
  async start(vendor: Vendor, callerId: string): Promise<void> {
    this.#target = [vendor, callerId];
    this.#settle();
    const failure = await this.#open(this.#phone);
    if (!failure) return;
    this.#hooks.report(failure);
    if (!this.#phone && !this.#destroyed) this.#device.transition(DeviceState.OFFLINE);
  }

  /**
   * Opens a new PhoneSession in place of `previous`: ONLINE once registered. Resolves undefined on success or
   * when superseded (destroy(), another init()), else the failure (this.#phone is null then).
   */
  async #open(previous: PhoneSession | null): Promise<NotifyError | undefined> {
    const [vendor, callerId] = this.#target!;
    const phone: PhoneSession = (this.#phone = new PhoneSession(this.#backend, this.#config, this.#device, {
      gone: () => void this.#gone(phone),
      lost: () => this.#lost(phone),
      error: (error) => this.#hooks.report(error),
      attach: (driver) => {
        const events = this.#hooks.events;
        return [
          ...this.#hooks.attach(driver),
          ...this.#watchCalls(phone, driver),
          driver.events.on('quality', (warning, call) =>
            events.emit(NOTIFY_EVENTS.CALL_QUALITY, { ...warning, callId: driver.getCallSid(call) }),
          ),
          driver.events.on('inputLost', (...args) => events.emit(NOTIFY_EVENTS.AUDIO_INPUT_LOST, ...args)),
        ];
      },
    }));
    try {
      await previous?.close();
      if (await phone.open(vendor, callerId)) this.#device.transition(DeviceState.ONLINE);
    } catch (error) {
      if (phone.closed) return undefined;
      await phone.close();
      if (this.#phone === phone) this.#phone = null;
      return toNotifyError(error, 'VENDOR_ERROR');
    }
    return undefined;
  }

  /** Sets `available` on the session row; while not online, kept and applied on the next return to ONLINE. */
  setAvailable(flag: boolean): void {
    const session = this.#phone?.row;
    if (!session || this.#device.state !== DeviceState.ONLINE) {
      this.#pendingAvailability = flag;
      return;
    }
    this.#backend.setAvailability(session.sys_id, flag).then(
      () => {
        session.available = flag;
      },
      (error: unknown) => this.#hooks.report(toNotifyError(error, 'BACKEND_ERROR')),
    );
  }

  /**
   * Back ONLINE (after the client's ONLINE event): a setClientAvailable() made while not online (before
   * init(), or while the registration was lost, or the availability of a replaced session) is applied on
   * every return, not only the first; a recovery in progress is over.
   */
  online(): void {
    const pending = this.#pendingAvailability;
    this.#pendingAvailability = undefined;
    if (pending !== undefined) this.setAvailable(pending);
    if (this.#reconnecting) {
      this.#settle();
      this.#hooks.events.emit(NOTIFY_EVENTS.RECONNECT, 'reconnected', undefined);
    }
    // Ours (issue 14): the devices chosen in this browser before.
    const driver = this.driver;
    if (driver?.audio)
      void import('./audio-devices.js').then((m) => m.restoreAudioDevices(driver)).catch(() => 0);
  }

  /** destroy(): unregisters, releases media and deletes the session row. */
  close(): void {
    this.#settle();
    const phone = this.#phone;
    this.#phone = null;
    void phone?.close();
  }

  /** The recovery of the registration is over (or never started). */
  #settle(): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    this.#reconnecting = false;
  }

  /** A recovery of the registration starts: RECONNECT 'reconnecting' once, SIGNALING_LOST after the grace. */
  #reconnect(): void {
    if (this.#reconnecting || this.#destroyed) return;
    this.#reconnecting = true;
    this.#hooks.events.emit(NOTIFY_EVENTS.RECONNECT, 'reconnecting', undefined);
    this.#graceTimer = setTimeout(
      () => this.#hooks.report(new NotifyError('SIGNALING_LOST')),
      SIGNALING_GRACE_MS,
    );
  }

  /** The vendor no longer routes calls to us (its driver reconnects by itself); ONLINE again ends it. */
  #lost(phone: PhoneSession): void {
    if (this.#phone === phone) this.#reconnect();
  }

  /**
   * The backend no longer has the session (expired: no heartbeat reached it within its TTL; deleted): its
   * calls end, and a new session is made (same user, new sys_id, the availability of the old one), with
   * bounded retries; RECONNECT_FAILED when none worked.
   */
  async #gone(phone: PhoneSession): Promise<void> {
    if (this.#phone !== phone) return;
    this.#pendingAvailability ??= phone.row?.available;
    this.#reconnect();
    // A replacement is not a signaling outage: its own bound is the retries below.
    clearTimeout(this.#graceTimer);
    if (this.#hooks.lost()) this.#hooks.report(new NotifyError('SESSION_EXPIRED'));
    if (this.#device.state === DeviceState.ONLINE) this.#device.transition(DeviceState.OFFLINE);
    void phone.close(true); // the row is gone: nothing to delete
    this.#phone = null;
    let failure: NotifyError | undefined;
    for (const pause of REPLACE_BACKOFF_MS) {
      if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
      // destroy(), or an init() of the page, took over meanwhile.
      if (this.#phone || !this.#reconnecting) return;
      failure = await this.#open(null);
      if (!failure) return;
      console.debug('[notify] a new session failed, retrying:', failure.message);
    }
    if (this.#phone || !this.#reconnecting) return;
    this.#settle();
    this.#hooks.report(new NotifyError('RECONNECT_FAILED', undefined, { cause: failure }));
  }

  /**
   * RECONNECT of each call (the vendor's RECONNECTING status, then OPEN again). While one reconnects the
   * backend is asked every RECONNECTING_BEAT_MS whether the call ended (the far end hung up during the
   * outage, or the vendor gave up on it): the vendor could only say so once its signaling is back, so the
   * page would show a dead call as reconnecting (issue 10). Such a call ends at once: CALL_LOST, and its
   * CALL_DISCONNECT says the far end ended it (`endedBy: 'remote'`).
   */
  #watchCalls(phone: PhoneSession, driver: VendorDriver): (() => void)[] {
    const reconnecting = new Set<CallHandle>();
    let timer: ReturnType<typeof setInterval> | undefined;
    const check = async () => {
      const sids = new Map([...reconnecting].map((handle) => [driver.getCallSid(handle), handle]));
      sids.delete(undefined);
      if (!sids.size) return;
      for (const sid of await phone.ended([...sids.keys()] as string[])) {
        const handle = sids.get(sid)!;
        if (!reconnecting.has(handle)) continue;
        off(handle);
        this.#hooks.report(new NotifyError('CALL_LOST'));
        driver.hangup(handle, 'remote');
      }
    };
    const pace = () => {
      if (reconnecting.size && !timer) timer = setInterval(() => void check(), RECONNECTING_BEAT_MS);
      if (!reconnecting.size) timer = void clearInterval(timer);
    };
    const off = (handle: CallHandle) => {
      reconnecting.delete(handle);
      pace();
    };
    const on = driver.events;
    return [
      on.on('callStatus', (status, handle) => {
        const callId = driver.getCallSid(handle);
        if (status === Status.RECONNECTING && !reconnecting.has(handle)) {
          reconnecting.add(handle);
          pace();
          this.#hooks.events.emit(NOTIFY_EVENTS.RECONNECT, 'reconnecting', callId);
        } else if (status === Status.OPEN && reconnecting.has(handle)) {
          off(handle);
          this.#hooks.events.emit(NOTIFY_EVENTS.RECONNECT, 'reconnected', callId);
        }
      }),
      on.on('callWarning', (warning, active, handle) =>
        this.#hooks.events.emit(NOTIFY_EVENTS.CALL_WARNING, warning, active, driver.getCallSid(handle)),
      ),
      on.on('callDisconnected', off),
      on.on('callCanceled', off),
      on.on('callRejected', off),
      () => {
        reconnecting.clear();
        pace();
      },
    ];
  }
}
