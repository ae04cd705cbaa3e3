import { DeviceState, type Vendor } from './constants.js';
import type { StateMachine } from './state.js';
import type { NotifyConfig } from './config.js';
import type { NotifyBackend, NotifySession } from './backend.js';
import { NotifyError, toNotifyError } from './errors.js';
import type { Heartbeat } from './heartbeat.js';
import type { TokenRenewal } from './token-renewal.js';
import type { VendorDriver } from '../drivers/driver.js';
import { createDriver } from '../drivers/factory.js';

/** What a PhoneSession tells its client (it moves the client's device state between online and offline itself). */
export interface PhoneSessionHooks {
  /** The backend no longer has the session (a heartbeat was answered NOT_FOUND or 401). */
  gone(): void;
  /** The vendor's registration was lost (its signaling is down, or it dropped us); ONLINE again ends it. */
  lost(): void;
  error(error: NotifyError): void;
  /** Subscribes the client to the driver's call events; returns the unsubscribe functions. */
  attach(driver: VendorDriver): (() => void)[];
}

/**
 * One registration of a NotifyClient, after mediasoup's Device → Transport delegation: the backend's
 * session row, the vendor driver registered with its token, the token renewal and the heartbeat. init()
 * opens one; close() (destroy(), a failure, a new init(), an expired session) releases the driver, stops
 * the units and deletes the row. A closed session's late answers change nothing.
 */
export class PhoneSession {
  /** The backend's session row, once created. */
  row: NotifySession | null = null;
  driver: VendorDriver | null = null;
  renewal: TokenRenewal | null = null;
  #heartbeat: Heartbeat | null = null;
  #subscriptions: (() => void)[] = [];
  /** The vendor says it routes calls to us (its last word was `registered`). */
  #registered = false;
  readonly #life = new AbortController();

  readonly #backend: NotifyBackend;
  readonly #config: NotifyConfig;
  /** The client's device state, moved between online and offline by the session. */
  readonly #device: StateMachine<DeviceState>;
  readonly #hooks: PhoneSessionHooks;

  constructor(
    backend: NotifyBackend,
    config: NotifyConfig,
    device: StateMachine<DeviceState>,
    hooks: PhoneSessionHooks,
  ) {
    this.#backend = backend;
    this.#config = config;
    this.#device = device;
    this.#hooks = hooks;
  }

  /** Registered with a valid token: ONLINE again (a token renewed during a signaling outage is not enough). */
  #online(): void {
    if (this.#registered && this.renewal?.valid && this.#device.state === DeviceState.OFFLINE)
      this.#device.transition(DeviceState.ONLINE);
  }

  get closed(): boolean {
    return this.#life.signal.aborted;
  }

  /**
   * Creates the row, loads the driver and registers it. Resolves true once registered, false when closed
   * meanwhile; rejects with the failure (the caller closes the session then).
   */
  async open(vendor: Vendor, callerId: string): Promise<boolean> {
    const backend = this.#backend;
    const config = this.#config;
    const hooks = this.#hooks;
    const created = await backend.createSession({
      callerId,
      ...(config.name ? { name: config.name } : {}),
      ...(config.callWaiting === 'ring' ? { callWaiting: 'ring' } : {}),
    });
    if (this.closed) {
      backend.deleteSession(created.session.sys_id).catch(() => undefined);
      return false;
    }
    const row = (this.row = { ...created.session });
    const factory = config.driverFactory ?? createDriver;
    // The units are needed from here on only: their code loads with the driver's, after the first render.
    const [driver, { Heartbeat }, { TokenRenewal }] = await Promise.all([
      factory({ vendor, autoLoadScriptResources: config.autoLoadScriptResources === true }),
      import('./heartbeat.js'),
      import('./token-renewal.js'),
    ]);
    this.#heartbeat = new Heartbeat(
      created.heartbeatSeconds,
      () => backend.heartbeat(row.sys_id),
      hooks.gone,
    );
    if (!this.closed) this.#heartbeat.start();
    if (this.closed) {
      driver.destroy();
      return false;
    }
    this.driver = driver;
    const on = driver.events;
    this.#subscriptions = [
      on.on('registered', () => {
        this.#registered = true;
        this.#online();
      }),
      on.on('unregistered', () => {
        this.#registered = false;
        hooks.lost();
        if (this.#device.state === DeviceState.ONLINE) this.#device.transition(DeviceState.OFFLINE);
      }),
      on.on('error', (error) => (error.code === 'TOKEN_EXPIRED' ? this.#expired() : hooks.error(error))),
      // The vendor's own warning is a backup for our timer, acted on once our refresh is due.
      on.on('tokenWillExpire', () => void (this.renewal?.due && this.renewal.renew())),
      ...hooks.attach(driver),
    ];
    await driver.register({ token: created.token, device: created.device ?? {} });
    if (this.closed) return false;
    this.#registered = true;
    this.renewal = new TokenRenewal({
      refresh: config.forceRefreshToken !== false,
      request: () => backend.refreshToken(row.sys_id),
      onToken: (token) => {
        driver.updateToken(token);
        this.#online();
      },
      onExpired: () => this.#expired(),
      onError: (error) => hooks.error(toNotifyError(error, 'BACKEND_ERROR')),
    });
    this.renewal.schedule(created);
    // A tab shown again, or a network back: beat and renew at once rather than at the next timer, which a
    // hidden tab may have run late (docs/decisions.md §21).
    const wake = () => {
      if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
      this.#heartbeat?.start();
      if (this.renewal?.due) void this.renewal.renew();
    };
    const signal = this.#life.signal;
    globalThis.document?.addEventListener('visibilitychange', wake, { signal });
    globalThis.addEventListener?.('online', wake, { signal });
    return true;
  }

  /** The token expired (our timer or the vendor's TOKEN_EXPIRED): OFFLINE until a new token or init(). */
  #expired(): void {
    if (this.#device.state !== DeviceState.ONLINE) return;
    this.renewal?.pause();
    this.#device.transition(DeviceState.OFFLINE);
    this.#hooks.error(new NotifyError('TOKEN_EXPIRED'));
  }

  /** Which of these calls (CallSids) the backend knows ended; none when it cannot say. */
  async ended(calls: string[]): Promise<string[]> {
    const row = this.row;
    const answer = row && (await this.#backend.heartbeat(row.sys_id, calls).catch(() => undefined));
    return (!this.closed && answer?.ended) || [];
  }

  /** Releases everything and deletes the row, unless `rowGone` (the backend already dropped it). Final. */
  async close(rowGone?: boolean): Promise<void> {
    this.#life.abort();
    this.#heartbeat?.dispose();
    this.renewal?.stop();
    for (const unsubscribe of this.#subscriptions) unsubscribe();
    this.#subscriptions = [];
    try {
      this.driver?.destroy();
    } catch (error) {
      console.warn('[notify] driver.destroy() threw:', error);
    }
    this.driver = null;
    const row = this.row;
    this.row = null;
    if (row && !rowGone) {
      await this.#backend
        .deleteSession(row.sys_id)
        .catch((error: unknown) => console.warn('[notify] could not delete the session:', error));
    }
  }
}
