import { DeviceState, NOTIFY_EVENTS, STD_EVENTS, Status, type Vendor } from './constants.js';
import type { NotifyBackend, NotifySession } from './backend.js';
import type { NotifyConfig } from './config.js';
import { safeCall } from './emitter.js';
import { NotifyError, toNotifyError } from './errors.js';
import type { NotifyCall } from './notify-call.js';
import { Registration, type RegistrationHooks } from './registration.js';
import type { StateMachine } from './state.js';
import { TabElection, type TabMessage } from './tab-leader.js';
import { TabDriver, commandError, type CallView, type TabCommand } from './tab-driver.js';
import type { IncomingCallInfo, VendorDriver } from '../drivers/driver.js';

/** The leader's events the followers repeat as they are (ours, and its errors); the calls' own come as calls. */
const RELAYED = [STD_EVENTS.ERROR, ...Object.values(NOTIFY_EVENTS)] as const;

/** A call of the leader, as last sent to the followers. */
interface Sent {
  key: string;
  view: CallView | undefined;
  /** An incoming call's invite, as its INCOMING_CALL told it. */
  info?: IncomingCallInfo;
}

/** A placed call's id is read from its leg, which may not exist yet while CallBook.dial() creates the call. */
const idOf = (call: NotifyCall): string | undefined => {
  try {
    return call.callId;
  } catch {
    return undefined;
  }
};

const viewOf = (call: NotifyCall): CallView => ({
  callId: idOf(call),
  direction: call.direction,
  to: call.to,
  status: call.status,
  muted: call.muted,
  held: call.held,
  outcome: call.outcome,
  endedBy: call.endedBy,
  transferredBy: call.transferredBy,
});

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

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

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
  #publishing: (() => void)[] = [];
  #election: TabElection | null = null;
  #target: [Vendor, string] | null = null;
  /** The leader's session row, as it last said. */
  #row: NotifySession | null = null;
  #pendingAvailability: boolean | undefined;
  /** Follower: the leader's registration is being recovered ('reconnecting' told, no 'reconnected' yet). */
  #recovering = false;
  /** Leader: its calls as last sent. */
  readonly #sent = new Map<NotifyCall, Sent>();
  #sentDevice: unknown;
  /** Leader: the follower whose call() is being placed. */
  #placingFor: string | undefined;
  /** Follower: commands waiting for the leader's answer. */
  readonly #waiting = new Map<string, { resolve(value: unknown): void; reject(error: NotifyError): void }>();
  /** Leader: a follower's command is running; its errors are answered to that tab only. */
  #commandErrors: NotifyError[] | undefined;

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
    this.#publish();
    const [vendor, callerId] = this.#target!;
    await inner.start(vendor, callerId);
    if (reconnecting && this.#device.state === DeviceState.ONLINE)
      hooks.events.emit(NOTIFY_EVENTS.RECONNECT, 'reconnected', undefined);
  }

  /** The leader tells the followers each change of its device and calls, and repeats its own events. */
  #publish(): void {
    const { client, events } = this.#hooks;
    this.#publishing = [
      client.onStateChange(() => this.#changed()),
      events.on(STD_EVENTS.INCOMING_CALL, (from, to, callId, parentId, sysId, isFromClient) => {
        const call = client.calls.find((c) => c.callId === callId);
        const sent = call && this.#sent.get(call);
        if (!call || !sent) return;
        const info: IncomingCallInfo = {
          callSid: callId,
          from,
          to,
          params: {
            notifyNumber: to,
            ...(parentId && { parentId }),
            ...(sysId && { sysId }),
            isFromClient: String(isFromClient),
          },
        };
        sent.view = viewOf(call);
        sent.info = info;
        this.#post({ t: 'incoming', key: sent.key, info, view: sent.view });
      }),
      this.#releaseOnPageHide(),
      ...RELAYED.map((name) =>
        events.on(name, (...args: unknown[]) => {
          if (name === STD_EVENTS.ERROR && this.#commandErrors)
            return void this.#commandErrors.push(new NotifyError(args[1] as never, args[0] as string));
          this.#post({ t: 'event', name, args });
        }),
      ),
    ];
    this.#changed();
  }

  /**
   * The leader's page goes while a call rings: its invites are let go, not declined (the vendor's unload handler
   * would decline them), so the backend rings the call again to the tab taking over. A capture listener on
   * window runs before the vendor's own. Only with followers: a lone tab's decline stays the vendor's.
   */
  #releaseOnPageHide(): () => void {
    const release = () => {
      if (this.#election?.followed) this.#inner?.driver?.releaseRinging?.();
    };
    addEventListener('pagehide', release, true);
    return () => removeEventListener('pagehide', release, true);
  }

  #unpublish(): void {
    for (const off of this.#publishing) off();
    this.#publishing = [];
    this.#sent.clear();
    this.#sentDevice = undefined;
  }

  #post(message: TabMessage): void {
    this.#election?.post(message);
  }

  /** After each change of the leader's device or calls: what changed goes to the followers. */
  #changed(): void {
    const { client } = this.#hooks;
    const device = { state: this.#device.state, row: this.#inner?.row ?? null };
    if (!same(device, this.#sentDevice)) {
      this.#sentDevice = JSON.parse(JSON.stringify(device));
      this.#post({ t: 'device', ...device });
    }
    const calls = client.calls;
    for (const call of calls) {
      let sent = this.#sent.get(call);
      if (!sent) {
        sent = { key: Math.random().toString(36).slice(2), view: undefined };
        this.#sent.set(call, sent);
        // An incoming call is told once announced (INCOMING_CALL, with its parent id); a placed one at once.
        if (call.direction === 'incoming') continue;
      }
      if (!sent.view) {
        if (call.direction === 'incoming') continue;
        sent.view = viewOf(call);
        this.#post({ t: 'call', key: sent.key, view: sent.view, placedBy: this.#placingFor });
        continue;
      }
      const view = viewOf(call);
      if (!same(view, sent.view)) this.#post({ t: 'call', key: sent.key, view: (sent.view = view) });
    }
    for (const [call, sent] of this.#sent) {
      if (calls.includes(call)) continue;
      this.#sent.delete(call);
      if (sent.view) this.#post({ t: 'call', key: sent.key, view: viewOf(call) });
    }
    if (this.#election) this.#election.busy = calls.some((call) => call.status !== Status.PENDING);
  }

  /** A follower's command, run here as if this tab's page did it; its answer goes to that tab only. */
  async #run(message: TabMessage): Promise<void> {
    const { client } = this.#hooks;
    const name = message.name as TabCommand | 'available';
    const args = (message.args ?? []) as unknown[];
    const call = [...this.#sent].find(([, sent]) => sent.key === message.key)?.[0];
    const errors: NotifyError[] = (this.#commandErrors = []);
    let result: unknown;
    try {
      if (message.key !== undefined && !call) throw new NotifyError('INVALID_STATE', 'The call has ended.');
      if (name === 'answer') result = await call!.answer();
      else if (name === 'hangup') call!.hangup();
      else if (name === 'hold') result = await (args[0] ? call!.hold() : call!.resume());
      else if (name === 'mute') client.mute(args[0] as boolean);
      else if (name === 'digits') client.sendDtmf(args[0] as string);
      else if (name === 'available') client.setClientAvailable(args[0] as boolean);
      else if (name === 'connect') {
        const to = String(args[0]);
        this.#placingFor = message.from;
        client.call(to.startsWith('client:') ? { userId: to.slice(7) } : { phoneNumber: to });
      }
    } catch (error) {
      errors.push(toNotifyError(error));
    } finally {
      this.#placingFor = undefined;
      this.#commandErrors = undefined;
    }
    const failure = errors[0] ?? (result === false ? new NotifyError('INVALID_STATE') : undefined);
    this.#post({
      t: 'ack',
      to: message.from,
      id: message.id,
      ...(failure && { error: { code: failure.code, message: failure.message } }),
    });
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
    if (this.#inner) {
      if (message.t === 'cmd') void this.#run(message);
      else if (message.t === 'sync') this.#resend();
      return;
    }
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

  /** A follower joined (or asked again): everything it must know, as if it had been there all along. */
  #resend(): void {
    this.#sentDevice = undefined;
    this.#changed();
    for (const sent of this.#sent.values()) {
      if (sent.info) this.#post({ t: 'incoming', key: sent.key, info: sent.info, view: sent.view });
      else if (sent.view) this.#post({ t: 'call', key: sent.key, view: sent.view });
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
