import { DeviceState, EXT_EVENTS, type Vendor } from './constants.js';
import type { NotifyBackend, NotifySession } from './backend.js';
import type { NotifyClientEvents, NotifyConfig } from './config.js';
import type { TypedEmitter } from './emitter.js';
import { NotifyError, toNotifyError } from './errors.js';
import { PhoneSession } from './session.js';
import type { StateMachine } from './state.js';
import type { VendorDriver } from '../drivers/driver.js';

/** What a Registration tells its client. */
export interface RegistrationHooks {
  report(error: NotifyError): void;
  /** Subscribes the client to the driver's call events; returns the unsubscribe functions. */
  attach(driver: VendorDriver): (() => void)[];
  /** The registration was lost under the client (the backend expired the session): its calls end. */
  lost(): void;
  /** The client's events, for the driver's desk events (ours: call quality, a microphone lost). */
  events: TypedEmitter<NotifyClientEvents>;
}

/**
 * The client's registration since init(): its PhoneSession (backend row, driver, token renewal, heartbeat),
 * the device state it moves between initializing, online and offline, and the availability asked for while
 * not online. NotifyClient is the facade and owns the device state machine; this owns the registration's life
 * (after mediasoup-client's Device/Transport split). Loaded with the first init(), with the session's code.
 */
export class Registration {
  #phone: PhoneSession | null = null;
  #pendingAvailability: boolean | undefined;
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
    const device = this.#device;
    const previous = this.#phone;
    const phone = (this.#phone = new PhoneSession(this.#backend, this.#config, device, {
      gone: () => this.#gone(phone),
      error: (error) => this.#hooks.report(error),
      attach: (driver) => {
        const events = this.#hooks.events;
        return [
          ...this.#hooks.attach(driver),
          driver.events.on('quality', (warning, call) =>
            events.emit(EXT_EVENTS.CALL_QUALITY, { ...warning, callId: driver.getCallSid(call) }),
          ),
          driver.events.on('inputLost', (...args) => events.emit(EXT_EVENTS.AUDIO_INPUT_LOST, ...args)),
        ];
      },
    }));
    try {
      await previous?.close();
      if (await phone.open(vendor, callerId)) device.transition(DeviceState.ONLINE);
    } catch (error) {
      if (phone.closed) return;
      this.#hooks.report(toNotifyError(error, 'VENDOR_ERROR'));
      await phone.close();
      if (this.#phone === phone && !this.#destroyed) device.transition(DeviceState.OFFLINE);
    }
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

  /** The device state changed: the heartbeat runs only while online. */
  deviceChanged(to: DeviceState): void {
    this.#phone?.beat(to === DeviceState.ONLINE);
  }

  /**
   * Back ONLINE (after the client's ONLINE event): a setClientAvailable() made while not online (before
   * init(), or while the registration was lost) is applied on every return, not only the first.
   */
  online(): void {
    const pending = this.#pendingAvailability;
    this.#pendingAvailability = undefined;
    if (pending !== undefined) this.setAvailable(pending);
    // Ours (issue 14): the devices chosen in this browser before.
    const driver = this.driver;
    if (driver?.audio)
      void import('./audio-devices.js').then((m) => m.restoreAudioDevices(driver)).catch(() => 0);
  }

  /** destroy(): unregisters, releases media and deletes the session row. */
  close(): void {
    const phone = this.#phone;
    this.#phone = null;
    void phone?.close();
  }

  /** A heartbeat found the session expired on the backend (see Heartbeat): offline, device released. */
  #gone(phone: PhoneSession): void {
    if (this.#phone !== phone) return;
    this.#phone = null;
    this.#hooks.lost();
    if (this.#device.state === DeviceState.ONLINE) this.#device.transition(DeviceState.OFFLINE);
    this.#hooks.report(new NotifyError('SESSION_EXPIRED'));
    void phone.close(true); // the row is gone: nothing to delete
  }
}
