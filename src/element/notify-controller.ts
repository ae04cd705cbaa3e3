import type { PropertyValues, ReactiveController, ReactiveControllerHost } from 'lit';
import type { AvailableClient } from '../client/backend.js';
import { DeviceState, E164_PATTERN, Status } from '../client/constants.js';
import type { NotifyErrorCode } from '../client/errors.js';
import type { NotifyClient, NotifyConfig } from '../client/notify-client.js';
import type { NotifyCall } from '../client/notify-call.js';
import { RESTART_ON } from './attributes.js';
import type { ClientSettings } from './client-config.js';
import { NotifyErrorEvent, type NotifyIncomingCallDetail } from './events.js';

/** The client's code as the element uses it (client-link.ts), imported the first time a client is needed. */
export type ClientLink = typeof import('./client-link.js');

/** One import for all the elements of the page; forgotten after a failure (withClient()). */
let clientLink: Promise<ClientLink> | undefined;
/** The import's result once it has arrived: from then on, the element's methods reach the client at once. */
let linked: ClientLink | undefined;

/** One call of the client as last rendered: the call and what changes on it (read-only for the element). */
export interface CallSnapshot {
  readonly call: NotifyCall;
  readonly status: Status;
  readonly held: boolean;
}

/** What the controller needs from its host element: the settings of a client, and events to dispatch. */
export interface NotifyControllerHost extends ReactiveControllerHost, ClientSettings {
  readonly isConnected: boolean;
  readonly callerId: string;
  readonly available: boolean;
}

/**
 * Owns the NotifyClient of an element: creates it when first needed (init(), a method of the element), not
 * on connect, so that the first render does only the idle UI's work, and imports the client's code then
 * (client-link.ts, decision 30), so that the first load carries only the element; starts it after the first
 * update and starts a new one when a setting of its session changes (updated()); destroys it on disconnect;
 * mirrors its state for rendering (status, registration, mute, the incoming call, the last error, the active
 * call's start time, every call (`calls`), the available agents) and re-dispatches every STD_EVENT as a
 * `notify-*` DOM event.
 * @internal
 */
export class NotifyController implements ReactiveController {
  client: NotifyClient | null = null;
  config: NotifyConfig | null = null;
  status: Status = Status.CLOSED;
  deviceState: DeviceState = DeviceState.OFFLINE;
  muted = false;
  /** An incoming call waits for pickupCall(). */
  ringing = false;
  lastError: { message: string; code: NotifyErrorCode } | null = null;
  /** The incoming call being announced or answered. */
  incoming: NotifyIncomingCallDetail | null = null;
  /** The call that ended last (the status line shows its outcome for a few seconds); null before any. */
  lastEnded: NotifyCall | null = null;
  /** When the active call was answered (`Date.now()`); null without an active call. */
  callStartedAt: number | null = null;
  /** Every call of the client (held, waiting, consulting…), oldest first, as of the last state change. */
  calls: readonly CallSnapshot[] = [];
  /** The other available clients, as last read; null before the first read. */
  agents: AvailableClient[] | null = null;
  readonly #host: NotifyControllerHost;
  #tick: ReturnType<typeof setInterval> | undefined;
  /** Whether the agent list is shown (followed live), and how to stop following it. */
  #watchingAgents = false;
  #unwatchAgents: (() => void) | undefined;
  /** The first update since the element was connected is done. */
  #booted = false;
  /** Uses of the client waiting for its code (withClient()): later uses wait behind them, in order. */
  #waiting = 0;
  /** The import the waiting uses wait for, and the one whose failure this element reported. */
  #loading: Promise<ClientLink> | undefined;
  #failedLoad: Promise<ClientLink> | undefined;

  constructor(host: NotifyControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    // Back in the page after a removal (a move in the DOM), hostDisconnected() destroyed the client: the next
    // update starts the new one as the first update did.
    this.#booted = false;
  }

  hostDisconnected(): void {
    // After a start still waiting for the client's code, which would otherwise make a client no one stops.
    this.#afterWaiting(() => {
      // Followed again by the next client if the element comes back while the list is open.
      this.#unwatchAgents?.();
      this.#unwatchAgents = undefined;
      this.client?.destroy();
      this.client = null;
      this.config = null;
      this.#sync();
    });
  }

  /**
   * Runs `use` on the current client (made when there is none, or the previous one was destroyed): at once
   * when the client's code is loaded, else once it is, in the order of the calls. Reports CLIENT_LOAD_FAILED
   * when it cannot be loaded (`use` is not run). The failed import is forgotten and the next use imports
   * again: Chromium fetches again after a network failure, though it keeps a module whose server answered
   * with an error status until the page reloads.
   */
  withClient(use: (client: NotifyClient, link: ClientLink) => void): void {
    if (linked && !this.#waiting) return use(this.#ensureClient(linked), linked);
    this.#waiting++;
    const loading =
      (this.#loading =
      clientLink ??=
        import('./client-link.js').then((link) => (linked = link)));
    loading.then(
      (link) => {
        this.#waiting--;
        use(this.#ensureClient(link), link);
      },
      (error: unknown) => {
        this.#waiting--;
        if (clientLink === loading) clientLink = undefined;
        // Once per failed import, however many of the element's uses waited for it.
        if (this.#failedLoad === loading) return;
        this.#failedLoad = loading;
        this.report('CLIENT_LOAD_FAILED', `The phone's client could not be loaded. ${String(error)}`);
      },
    );
  }

  /**
   * What `use` resolves to on the current client (see withClient()), for the element's methods that return
   * a promise; `otherwise` when the client's code could not be loaded (reported as CLIENT_LOAD_FAILED).
   */
  askClient<T>(use: (client: NotifyClient) => Promise<T>, otherwise: T): Promise<T> {
    return new Promise((resolve) => {
      this.withClient((client) => resolve(use(client)));
      clientLink?.catch(() => resolve(otherwise));
    });
  }

  /**
   * Runs `fn` now when no use of the client waits for its code, else after those uses: destroy() after
   * init() on a page that has not loaded the client yet must destroy the client init() makes.
   */
  #afterWaiting(fn: () => void): void {
    if (this.#waiting) void this.#loading!.then(fn, fn);
    else fn();
  }

  /** The current client, made and linked to the element when there is none (or it was destroyed). */
  #ensureClient(link: ClientLink): NotifyClient {
    if (this.client && this.client.getDeviceState() !== DeviceState.DESTROYED) return this.client;
    const after = (event: Event) => {
      this.#sync();
      this.#host.dispatchEvent(event);
    };
    const { client, config } = link.linkClient(this.#host, this, after, () => this.#sync());
    this.client = client;
    this.config = config;
    if (this.#watchingAgents) this.#followAgents(client);
    this.#host.requestUpdate();
    return client;
  }

  /**
   * After every update of the element (its updated()): the first starts the client (with a caller ID), a
   * change of a setting read when a session starts (RESTART_ON) starts a new client, a change of `available`
   * goes to the running one.
   */
  updated(changed: PropertyValues): void {
    const first = !this.#booted;
    this.#booted = true;
    const restart = !first && RESTART_ON.some((key) => changed.has(key));
    // start() applies `available` to a new client; later changes go to the running one.
    const availability = !first && !restart && changed.has('available');
    // Client calls change state synchronously; run them after this update, not inside it.
    if (first || restart || availability)
      queueMicrotask(() => {
        // Removed in the meantime: the update after hostConnected() starts the phone if it comes back.
        if (!this.#host.isConnected) return;
        if (restart) this.#restart();
        else if (first && this.#host.callerId) this.start();
        // After a start still waiting for the client's code (it reads `available` when it runs).
        if (availability) this.#afterWaiting(() => this.client?.setClientAvailable(this.#host.available));
      });
  }

  /** The element's init(): sets the caller ID on the client (created if needed) and starts it. */
  start(): void {
    this.withClient((client) => this.#start(client));
  }

  #start(client: NotifyClient): void {
    const { callerId, available, lazyVendor } = this.#host;
    client.setClientAvailable(available);
    if (!callerId) return client.init();
    if (!E164_PATTERN.test(callerId)) return;
    if (lazyVendor) {
      client.setCallerId(callerId, () => {
        // The caller ID may have changed (a new client) or the element left the page meanwhile.
        if (this.client === client && this.config?.vendor) client.init();
      });
    } else {
      client.setCallerId(callerId);
      client.init();
    }
  }

  #restart(): void {
    this.withClient((client, link) => {
      client.destroy();
      const next = this.#ensureClient(link);
      if (E164_PATTERN.test(this.#host.callerId)) this.#start(next);
    });
  }

  /** Re-reads the available agents (never rejects; `[]` after an error). */
  async refreshAgents(): Promise<AvailableClient[]> {
    const agents = await this.askClient((client) => client.getAvailableClients(), []);
    this.agents = agents;
    this.#host.requestUpdate();
    return agents;
  }

  /** Follows the available agents live while the list is shown (the backend pushes every change). */
  watchAgents(on: boolean): void {
    this.#watchingAgents = on;
    this.#unwatchAgents?.();
    this.#unwatchAgents = undefined;
    if (on) this.withClient((client) => this.#watchingAgents && this.#followAgents(client));
  }

  #followAgents(client: NotifyClient): void {
    this.#unwatchAgents?.();
    this.#unwatchAgents = client.watchAvailableClients((agents) => {
      this.agents = agents;
      this.#host.requestUpdate();
    });
  }

  /**
   * The element's holdCall() (`held`) and resumeCall(): holds the active call, or resumes `call` (else the
   * first held one); without such a call, reports it and resolves false.
   */
  hold(held: boolean, call?: NotifyCall | null): Promise<boolean> {
    return this.askClient((client) => {
      call ??= held ? client.activeCall : client.calls.find((other) => other.held);
      if (call) return held ? call.hold() : call.resume();
      this.report('INVALID_STATE', `No call to ${held ? 'hold' : 'resume'}.`);
      return Promise.resolve(false);
    }, false);
  }

  /** Shows and dispatches an error found by the element itself (a bad attribute value). */
  report(code: NotifyErrorCode, message: string): void {
    this.lastError = { message, code };
    this.#host.requestUpdate();
    this.#host.dispatchEvent(new NotifyErrorEvent({ message, code }));
  }

  /** Forgets the last error (the UI's dismiss button). */
  clearError(): void {
    this.lastError = null;
    this.#host.requestUpdate();
  }

  /** The element's destroy(): of the current client, or of the one a waiting init() makes. */
  destroy(): void {
    this.#afterWaiting(() => {
      this.client?.destroy();
      this.#sync();
    });
  }

  /** Re-reads the client's state (status changes without an event of their own). */
  #sync(): void {
    const client = this.client;
    this.status = client?.getStatus() ?? Status.CLOSED;
    this.deviceState = client?.getDeviceState() ?? DeviceState.OFFLINE;
    this.muted = client?.isMuted() ?? false;
    if (this.status !== Status.PENDING) this.ringing = false;
    if (this.status === Status.CLOSED) this.incoming = null;
    // Hold and resume change the active call without a ServiceNow event: read it at every change.
    this.calls = client?.calls.map((call) => ({ call, status: call.status, held: call.held })) ?? [];
    this.callStartedAt = client?.activeCall?.answeredAt ?? null;
    // The call timers re-render once a second while there is a call.
    const open = this.calls.length > 0;
    if (open && this.#tick === undefined) this.#tick = setInterval(() => this.#host.requestUpdate(), 1000);
    if (!open && this.#tick !== undefined) {
      clearInterval(this.#tick);
      this.#tick = undefined;
    }
    this.#host.requestUpdate();
  }
}
