import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { DeviceState, STD_EVENTS, Status } from '../client/constants.js';
import type { NotifyErrorCode } from '../client/errors.js';
import { NotifyClient, type NotifyConfig } from '../client/notify-client.js';
import {
  NotifyCallCancelEvent,
  NotifyCallDisconnectEvent,
  NotifyCallInitEvent,
  NotifyCallMuteEvent,
  NotifyCallStartEvent,
  NotifyCallUnmuteEvent,
  NotifyErrorEvent,
  NotifyIncomingCallEvent,
  NotifyOfflineEvent,
  NotifyOnlineEvent,
  type NotifyIncomingCallDetail,
} from './events.js';

/** What the controller needs from its host element. */
export interface NotifyControllerHost extends ReactiveControllerHost, EventTarget {
  /** Builds the configuration for a new client. */
  notifyConfig(): { config: NotifyConfig; lazy: boolean };
}

/**
 * Owns the NotifyClient of an element: creates it on connect, destroys it on disconnect, mirrors
 * its state for rendering and re-dispatches every STD_EVENT as a `notify-*` DOM event.
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
  readonly #host: NotifyControllerHost;

  constructor(host: NotifyControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.ensureClient();
  }

  hostDisconnected(): void {
    this.client?.destroy();
    this.client = null;
    this.config = null;
    this.#sync();
  }

  /** The current client, created when there is none (or the previous one was destroyed). */
  ensureClient(): NotifyClient {
    if (this.client && this.client.getDeviceState() !== DeviceState.DESTROYED) return this.client;
    const { config, lazy } = this.#host.notifyConfig();
    const client = new NotifyClient(config, lazy);
    this.client = client;
    this.config = config;
    const host = this.#host;
    client.onStateChange(() => this.#sync());
    const on = client.addEventListener.bind(client);
    on(STD_EVENTS.ONLINE, () => this.#after(new NotifyOnlineEvent()));
    on(STD_EVENTS.OFFLINE, () => this.#after(new NotifyOfflineEvent()));
    on(STD_EVENTS.ERROR, (message, code) => {
      this.lastError = { message, code };
      this.#after(new NotifyErrorEvent({ message, code }));
    });
    on(STD_EVENTS.INCOMING_CALL, (from, to, callId, parentId, sysId, isFromClient) => {
      this.incoming = { from, to, callId, parentId, sysId, isFromClient };
      this.ringing = true;
      this.#after(new NotifyIncomingCallEvent(this.incoming));
    });
    on(STD_EVENTS.CALL_INIT, (status, callId) => this.#after(new NotifyCallInitEvent({ status, callId })));
    on(STD_EVENTS.CALL_START, (callId) => this.#after(new NotifyCallStartEvent({ callId })));
    on(STD_EVENTS.CALL_CANCEL, (callId) => this.#after(new NotifyCallCancelEvent({ callId })));
    on(STD_EVENTS.CALL_DISCONNECT, (callId) => this.#after(new NotifyCallDisconnectEvent({ callId })));
    on(STD_EVENTS.CALL_MUTE, () => this.#after(new NotifyCallMuteEvent()));
    on(STD_EVENTS.CALL_UNMUTE, () => this.#after(new NotifyCallUnmuteEvent()));
    host.requestUpdate();
    return client;
  }

  /** Re-reads the client's state (status changes without an event of their own). */
  #sync(): void {
    const client = this.client;
    this.status = client?.getStatus() ?? Status.CLOSED;
    this.deviceState = client?.getDeviceState() ?? DeviceState.OFFLINE;
    this.muted = client?.isMuted() ?? false;
    if (this.status !== Status.PENDING) this.ringing = false;
    if (this.status === Status.CLOSED) this.incoming = null;
    this.#host.requestUpdate();
  }

  #after(event: Event): void {
    this.#sync();
    this.#host.dispatchEvent(event);
  }

  /** Call after a client method that may change the status without an event. */
  refresh(): void {
    this.#sync();
  }
}
