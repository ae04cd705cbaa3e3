import type { VendorDriver } from '../drivers/driver.js';
import { HttpNotifyBackend, type AvailableClient, type NotifyBackend } from './backend.js';
import type { CallBook, Leg } from './calls.js';
import type { NotifyClientEvents, NotifyConfig } from './config.js';
import { DeviceState, STD_EVENTS, type Vendor, normalizeVendor } from './constants.js';
import { TypedEmitter, safeCall } from './emitter.js';
import { NotifyError, toNotifyError, type NotifyErrorCode } from './errors.js';
import type { AgentRegistration } from './agent.js';
import type { NotifyClient } from './notify-client.js';
import { DEVICE_TRANSITIONS, StateMachine } from './state.js';

/**
 * What a NotifyClient is made of behind its API (notify-client.ts, the facade): its configuration, backend,
 * events and device state, the registration and the calls once init() loaded their code, and how an error
 * is reported. Internal: the package exports the facade only.
 */
export class ClientCore {
  readonly config: NotifyConfig;
  readonly lazy: boolean;
  readonly backend: NotifyBackend;
  readonly emitter = new TypedEmitter<NotifyClientEvents>();
  readonly device: StateMachine<DeviceState>;
  /** The registration (backend row, driver, token, heartbeat) since init(); its code loads with init(). */
  registration: AgentRegistration | null = null;
  /** setClientAvailable() before the first init(), handed to the registration. */
  pendingAvailability: boolean | undefined;
  /**
   * The calls (their book, the calls' own objects, call()'s checks); no call exists before the first init(),
   * and their code loads with the registration's then.
   */
  calls: CallBook | null = null;
  readonly stateObservers = new Set<() => void>();
  /** Aborts what outlives a session (watches, parent-id look-ups, paging) on destroy(). */
  readonly life = new AbortController();

  /** The facade: a shared registration (shareTabs) runs the commands of the agent's other tabs on it. */
  readonly client: NotifyClient;

  constructor(notifyConfig: NotifyConfig, lazy: boolean, client: NotifyClient) {
    this.client = client;
    this.config = notifyConfig && typeof notifyConfig === 'object' ? notifyConfig : {};
    this.lazy = lazy === true;
    if (this.config.vendor !== undefined) normalizeVendor(this.config.vendor);
    this.backend =
      this.config.backend ??
      new HttpNotifyBackend({ backendUrl: this.config.backendUrl, authToken: this.config.authToken });
    this.device = new StateMachine('device', DeviceState.OFFLINE, DEVICE_TRANSITIONS, (to, from) => {
      this.notifyObservers();
      this.#onDeviceState(to, from);
    });
  }

  get driver(): VendorDriver | null {
    return this.registration?.driver ?? null;
  }

  get destroyed(): boolean {
    return this.device.state === DeviceState.DESTROYED;
  }

  /** False (after reporting DESTROYED) once destroyed. */
  usable(): boolean {
    if (!this.destroyed) return true;
    this.report('DESTROYED');
    return false;
  }

  /** The current call of ServiceNow's API (calls.ts): the active one, else the one ringing. */
  current(): Leg | undefined {
    return this.calls?.current();
  }

  /** The clients without this one. */
  others(clients: AvailableClient[]): AvailableClient[] {
    const ownIdentity = this.registration?.row?.identity;
    return clients.filter((client) => !ownIdentity || client.identity !== ownIdentity);
  }

  notifyObservers(): void {
    for (const fn of [...this.stateObservers]) safeCall('state observer', fn);
  }

  report(code: NotifyErrorCode, message?: string): void {
    this.reportError(new NotifyError(code, message));
  }

  /** ServiceNow's way: ERROR with `(message, code)` and `notifyConfig.onError`; never a throw. */
  reportError(error: NotifyError): void {
    // The error itself: the console shows its code, message, stack and cause.
    console.debug('[notify]', error);
    this.emitter.emit(STD_EVENTS.ERROR, error.message, error.code);
    safeCall('onError', this.config.onError, error.message, error.code);
  }

  /**
   * init(): the calls' and the registration's code load with the first (client-start.ts), then the
   * registration starts.
   */
  async start(vendor: Vendor, callerId: string): Promise<void> {
    this.device.transition(DeviceState.INITIALIZING);
    let registration: AgentRegistration;
    try {
      registration = await (await import('./client-start.js')).register(this);
    } catch (error) {
      if (this.destroyed) return;
      this.reportError(toNotifyError(error, 'BACKEND_UNREACHABLE'));
      return void this.device.transition(DeviceState.OFFLINE);
    }
    if (!this.destroyed) await registration.start(vendor, callerId);
  }

  #onDeviceState(to: DeviceState, from: DeviceState): void {
    if (to === DeviceState.ONLINE) {
      this.emitter.emit(STD_EVENTS.ONLINE);
      safeCall('onReady', this.config.onReady);
      // The registration also restores the devices chosen in this browser before (registration.ts).
      this.registration?.online();
    } else if (from === DeviceState.ONLINE) {
      this.emitter.emit(STD_EVENTS.OFFLINE);
      safeCall('onOffline', this.config.onOffline);
    }
  }
}
