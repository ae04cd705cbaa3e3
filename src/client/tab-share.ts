import { DeviceState, NOTIFY_EVENTS, STD_EVENTS, Status, type Vendor } from './constants.js';
import type { NotifyBackend, NotifySession } from './backend.js';
import type { NotifyConfig } from './config.js';
import { safeCall } from './emitter.js';
import { NotifyError } from './errors.js';
import { Registration, type RegistrationHooks } from './registration.js';
import type { StateMachine } from './state.js';
import { TabElection, type TabMessage } from './tab-leader.js';
import { TabDriver, commandError, type CallView, type TabCommand } from './tab-driver.js';
import { RELAYED, TabPublisher } from './tab-publisher.js';
import type { IncomingCallInfo, VendorDriver } from '../drivers/driver.js';

/** The signed-in user: the backend's own `me()`, else `GET /me` of the HTTP backend the config describes. */
async function whoAmI(backend: NotifyBackend, config: NotifyConfig): Promise<{ user: { sys_id: string } }> {
  if (backend.me) return backend.me();
  let token = config.authToken;
  while (typeof token === 'function') token = await token();
  const url = `${(config.backendUrl ?? '/api').replace(/\/+$/, '')}/me`;
  const response = await fetch(url, {
    credentials: 'include',
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) throw new NotifyError('UNAUTHENTICATED');
  return (await response.json()) as { user: { sys_id: string } };
}

/**
 * One registration per agent across the tabs of a browser (`notifyConfig.shareTabs`, issue 10, docs/decisions.md
 * §27). In place of the client's Registration: the tabs elect a leader (tab-leader.ts); the leader runs the
 * ordinary Registration (backend session, vendor driver, heartbeat, token) and tells the others every change
 * of its device and calls; a follower registers nothing and drives its own CallBook through a TabDriver, so its
 * page gets the same events, and what it does to a call runs in the leader, whose tab owns the media. When the
 * leader goes (tab closed, or frozen), another tab registers in its place.
 */
export class TabShare {
  #inner: Registration | null = null;
  #follower: TabDriver | null = null;
  #followerSubscriptions: (() => void)[] = [];
  /** Leader: tells the followers its device and calls, runs their commands. */
  #publisher: TabPublisher | null = null;
  #election: TabElection | null = null;
  #target: [Vendor, string] | null = null;
  /** The leader's session row, as it last said. */
  #row: NotifySession | null = null;
  #pendingAvailability: boolean | undefined;
  /** Follower: the leader's registration is being recovered ('reconnecting' told, no 'reconnected' yet). */
  #recovering = false;
  /** Follower: commands waiting for the leader's answer. */
  readonly #waiting = new Map<string, { resolve(value: unknown): void; reject(error: NotifyError): void }>();

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
    this.#backend = backend;
    this.#config = config;
    this.#device = device;
    this.#hooks = hooks;
    this.#pendingAvailability = pendingAvailability;
  }

  get driver(): VendorDriver | null {
    return this.#inner?.driver ?? this.#follower;
  }

  get row(): NotifySession | null {
    return this.#inner ? this.#inner.row : this.#row;
  }

  /** Whether this tab registers for the agent. */
  get leading(): boolean {
    return !!this.#inner;
  }

  /** init(): joins the agent's tabs (the first registers, the others follow), or registers alone without Web Locks. */
  async start(vendor: Vendor, callerId: string): Promise<void> {
    this.#target = [vendor, callerId];
    if (this.#inner) return this.#inner.start(vendor, callerId);
    if (this.#election) return this.#election.post({ t: 'sync' });
    if (!globalThis.navigator?.locks || typeof BroadcastChannel !== 'function') return this.#lead();
    // The lock is the agent's: the same user with the same number, on the same backend.
    const me = await whoAmI(this.#backend, this.#config).catch(() => undefined);
    if (this.#device.state === DeviceState.DESTROYED) return;
    const name = `notify-phone|${this.#config.backendUrl ?? '/api'}|${me?.user.sys_id ?? ''}|${callerId}`;
    const election = (this.#election = new TabElection(name, {
      lead: () => void this.#lead(),
      follow: () => this.#follow(),
      message: (message) => this.#receive(message),
    }));
    this.#follow();
    election.start();
  }

  setAvailable(flag: boolean): void {
    if (this.#inner) return this.#inner.setAvailable(flag);
    this.#pendingAvailability = flag;
    if (this.#row)
      void this.#send('available', undefined, [flag]).catch((e: NotifyError) => this.#hooks.report(e));
  }

  online(): void {
    this.#inner?.online();
  }

  /** destroy(): leaves the tabs (the next one takes over) and closes the registration if this tab led. */
  close(): void {
    this.#election?.close();
    this.#unfollow();
    this.#unpublish();
    this.#inner?.close();
    this.#inner = null;
  }

  // ---- leader ----

  /**
   * This tab registers for the agent: the registration is told lost, the mirrored calls end here, then the
   * ordinary Registration starts. A leader tab that closes often says so first ('reconnecting', OFFLINE);
   * told here otherwise, in the same order either way.
   */
  async #lead(): Promise<void> {
    const reconnecting = this.#recovering || this.#device.state === DeviceState.ONLINE;
    if (!this.#recovering && reconnecting)
      this.#hooks.events.emit(NOTIFY_EVENTS.RECONNECT, 'reconnecting', undefined);
    this.#recovering = false;
    if (this.#device.state === DeviceState.ONLINE) this.#device.transition(DeviceState.OFFLINE);
    this.#unfollow();
    const hooks = this.#hooks;
    const inner = (this.#inner = new Registration(
      this.#backend,
      this.#config,
      this.#device,
      hooks,
      this.#pendingAvailability ?? this.#row?.available,
    ));
    this.#pendingAvailability = undefined;
    this.#publisher = new TabPublisher(hooks, this.#device, inner, this.#election);
    const [vendor, callerId] = this.#target!;
    await inner.start(vendor, callerId);
    if (reconnecting && this.#device.state === DeviceState.ONLINE)
      hooks.events.emit(NOTIFY_EVENTS.RECONNECT, 'reconnected', undefined);
  }

  #unpublish(): void {
    this.#publisher?.close();
    this.#publisher = null;
  }

  // ---- follower ----

  /** This tab mirrors the leader (at start, and after it lost the lead): a TabDriver under its CallBook. */
  #follow(): void {
    const inner = this.#inner;
    if (inner) {
      this.#inner = null;
      this.#unpublish();
      inner.close();
      this.#hooks.lost();
      if (this.#device.state === DeviceState.ONLINE) this.#device.transition(DeviceState.OFFLINE);
    }
    if (this.#follower) return;
    const driver = (this.#follower = new TabDriver((name, key, args) => this.#send(name, key, args)));
    this.#followerSubscriptions = this.#hooks.attach(driver);
  }

  #unfollow(): void {
    const driver = this.#follower;
    if (!driver) return;
    this.#follower = null;
    for (const pending of this.#waiting.values()) pending.reject(new NotifyError('INVALID_STATE'));
    this.#waiting.clear();
    driver.destroy();
    for (const off of this.#followerSubscriptions) off();
    this.#followerSubscriptions = [];
  }

  /** Sends a command to the leader; settles with its answer. */
  #send(name: TabCommand | 'available', key: string | undefined, args: unknown[]): Promise<unknown> {
    const election = this.#election;
    if (!election || !this.#row) return Promise.reject(new NotifyError('NOT_INITIALIZED'));
    const id = Math.random().toString(36).slice(2);
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      election.post({ t: 'cmd', id, name, key, args });
    });
  }

  #receive(message: TabMessage): void {
    if (this.#inner) return this.#publisher?.receive(message);
    const driver = this.#follower;
    if (!driver || !message.lead) return;
    if (message.t === 'device')
      this.#mirrorDevice(message.state as DeviceState, message.row as NotifySession);
    else if (message.t === 'incoming')
      driver.incoming(message.key as string, message.info as IncomingCallInfo, message.view as CallView);
    else if (message.t === 'call') this.#mirrorCall(driver, message);
    else if (message.t === 'event') {
      const name = message.name as (typeof RELAYED)[number];
      const args = message.args as [never, never];
      if (name === NOTIFY_EVENTS.RECONNECT && args[1] === undefined)
        this.#recovering = (args[0] as string) === 'reconnecting';
      this.#hooks.events.emit(name, ...args);
      if (name === STD_EVENTS.ERROR) safeCall('onError', this.#config.onError, ...args);
    } else if (message.t === 'ack') {
      const pending = this.#waiting.get(message.id as string);
      this.#waiting.delete(message.id as string);
      const error = message.error as { code: string; message: string } | undefined;
      if (error) pending?.reject(commandError(error));
      else pending?.resolve(undefined);
    }
  }

  #mirrorDevice(state: DeviceState, row: NotifySession | null): void {
    this.#row = row;
    const device = this.#device;
    if (state === DeviceState.ONLINE) device.transition(DeviceState.ONLINE);
    else if (state === DeviceState.OFFLINE && device.state !== DeviceState.OFFLINE)
      device.transition(DeviceState.OFFLINE);
  }

  #mirrorCall(driver: TabDriver, message: TabMessage): void {
    const key = message.key as string;
    const view = message.view as CallView;
    const placedHere = message.placedBy === this.#election?.id;
    // A call the leader's page (or another tab) placed: this tab's page sees it as if it had placed it.
    if (!placedHere && view.direction === 'outgoing' && view.status !== Status.CLOSED && !driver.has(key))
      return driver.adopt(key, view, this.#hooks.client);
    driver.changed(key, view, placedHere);
    // A mute made in another tab: this tab's call shows it and its page hears CALL_MUTE / CALL_UNMUTE.
    const call = this.#hooks.client.calls.find((c) => c.callId && c.callId === view.callId);
    if (call && view.status !== Status.CLOSED && call.muted !== view.muted && call.status !== Status.PENDING)
      driver.quietly(() => this.#hooks.client.mute(view.muted));
  }
}
