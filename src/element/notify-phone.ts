import { LitElement, html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AvailableClient, ForwardTarget } from '../client/backend.js';
import { DeviceState, E164_PATTERN, Status, Vendor, normalizeVendor } from '../client/constants.js';
import { NotifyError, toNotifyError, type NotifyErrorCode } from '../client/errors.js';
import type { CallIdentifier, NotifyConfig, ParentIdResult } from '../client/notify-client.js';
import { NotifyErrorEvent } from './events.js';
import { NotifyController } from './notify-controller.js';
import { styles } from './notify-phone.styles.js';

const DIAL_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
const KEY_LABELS: Partial<Record<string, string>> = { '*': 'Star', '#': 'Pound' };

/** Boolean attributes whose absence keeps the default and `="false"` turns them off. */
const booleanString = {
  fromAttribute: (value: string | null) => value !== null && value.trim().toLowerCase() !== 'false',
  toAttribute: (value: boolean) => (value ? '' : 'false'),
};
const BOOLEAN_ATTRIBUTES = [
  'available',
  'auto-load-script-resources',
  'force-refresh-token',
  'skip-parent-id',
  'lazy-vendor',
] as const;
const BOOLEAN_VALUES = new Set(['', 'true', 'false']);

/**
 * @summary A browser phone on the Notify client: registers with the backend, makes and takes calls.
 *
 * @fires {NotifyOnlineEvent} notify-online - The session is registered and can make and take calls.
 * @fires {NotifyOfflineEvent} notify-offline - The session is no longer registered.
 * @fires {NotifyErrorEvent} notify-error - Something failed; `detail: {message, code}` with a stable code.
 * @fires {NotifyIncomingCallEvent} notify-incoming-call - A call is coming in; `detail: {from, to, callId, parentId, sysId, isFromClient}`.
 * @fires {NotifyCallInitEvent} notify-call-init - A call object exists; `detail: {status, callId}`.
 * @fires {NotifyCallStartEvent} notify-call-start - The call is established; `detail: {callId}`.
 * @fires {NotifyCallCancelEvent} notify-call-cancel - The caller gave up before pickup; `detail: {callId}`.
 * @fires {NotifyCallDisconnectEvent} notify-call-disconnect - The call ended; `detail: {callId}`.
 * @fires {NotifyCallMuteEvent} notify-call-mute - The microphone was muted.
 * @fires {NotifyCallUnmuteEvent} notify-call-unmute - The microphone was unmuted.
 *
 * @csspart base - The wrapper of the default UI.
 * @csspart status - The status line.
 * @csspart number-label - The label of the number input.
 * @csspart number-input - The phone number input.
 * @csspart dialpad - The group of dial keys.
 * @csspart dial-key - One dial key.
 * @csspart actions - The group of call buttons.
 * @csspart call-button - Starts a call to the number.
 * @csspart pickup-button - Answers an incoming call.
 * @csspart hangup-button - Ends or declines the call.
 * @csspart mute-button - Toggles mute.
 *
 * @cssproperty --notify-phone-accent - Color of the call and pick-up buttons.
 * @cssproperty --notify-phone-danger - Color of the hang-up button.
 * @cssproperty --notify-phone-gap - Space between the parts.
 * @cssproperty --notify-phone-radius - Corner radius of buttons and input.
 * @cssproperty --notify-phone-font - Font of the element.
 */
export class NotifyPhone extends LitElement {
  static override styles = styles;

  readonly #controller = new NotifyController(this);
  #booted = false;

  /** The number typed into the default UI. */
  @state() private _number = '';

  /** The Notify number (E.164) to call from; setting it (re)starts the client. */
  @property({ attribute: 'caller-id' }) callerId = '';

  /** Base URL of the backend routes (default `/api`). */
  @property() backend = '';

  /** Vendor when `lazy-vendor` is off (default `TwilioDirect`). */
  @property() vendor = '';

  /** Whether other clients may route calls to this one (`setClientAvailable`). */
  @property({ type: Boolean }) available = false;

  /** Load the Twilio SDK chunk next to the bundle; `="false"` uses the page's `window.Twilio`. */
  @property({ attribute: 'auto-load-script-resources', converter: booleanString })
  autoLoadScriptResources = true;

  /** Refresh the token before it expires; `="false"` goes offline at expiry. */
  @property({ attribute: 'force-refresh-token', converter: booleanString }) forceRefreshToken = true;

  /** Announce incoming calls at once, without resolving the parent call. */
  @property({ attribute: 'skip-parent-id', type: Boolean }) skipParentId = false;

  /** Let the backend choose the vendor of the caller ID. */
  @property({ attribute: 'lazy-vendor', type: Boolean }) lazyVendor = false;

  /** Bearer token (or a function returning one) for the backend; property only. */
  @property({ attribute: false }) authToken: NotifyConfig['authToken'] = undefined;

  /** @internal Extra client configuration (tests inject `backend` and `driverFactory`). */
  @property({ attribute: false }) config: Partial<NotifyConfig> = {};

  /** The normalized status of the current call (read-only, reflected). */
  get status(): Status {
    return this.#controller.status;
  }

  /** Whether the session is registered (read-only, reflected). */
  get online(): boolean {
    return this.#controller.deviceState === DeviceState.ONLINE;
  }

  /** Whether the current call is muted (read-only, reflected). */
  get muted(): boolean {
    return this.#controller.muted;
  }

  /** Whether an incoming call waits for pickup (read-only, reflected). */
  get ringing(): boolean {
    return this.#controller.ringing;
  }

  /** Whether a call exists in any status but closed (read-only, reflected as `in-call`). */
  get inCall(): boolean {
    return this.#controller.status !== Status.CLOSED;
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    const isBoolean = (BOOLEAN_ATTRIBUTES as readonly string[]).includes(name);
    if (isBoolean && value !== null && value !== name && !BOOLEAN_VALUES.has(value.trim().toLowerCase())) {
      this.#fail(
        'INVALID_ARGUMENT',
        `<notify-phone> ${name}="${value}" is not a boolean ("true" or "false").`,
      );
    }
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('callerId') && this.callerId && !E164_PATTERN.test(this.callerId)) {
      this.#fail('INVALID_NUMBER', `<notify-phone> caller-id="${this.callerId}" is not an E.164 number.`);
    }
    if (changed.has('vendor') && this.vendor && !normalizeVendor(this.vendor)) {
      this.#fail('INVALID_ARGUMENT', `<notify-phone> vendor="${this.vendor}" is not a known vendor.`);
    }
  }

  override updated(changed: PropertyValues<this>): void {
    this.setAttribute('status', this.status);
    this.toggleAttribute('online', this.online);
    this.toggleAttribute('muted', this.muted);
    this.toggleAttribute('ringing', this.ringing);
    this.toggleAttribute('in-call', this.inCall);
    // Client calls change state synchronously; run them after this update, not inside it.
    const restartOn = ['callerId', 'backend', 'vendor', 'lazyVendor', 'autoLoadScriptResources'] as const;
    const restart = this.#booted && restartOn.some((key) => changed.has(key));
    const first = !this.#booted;
    const availability = changed.has('available') && (this.#booted || this.available);
    this.#booted = true;
    if (!restart && !first && !availability) return;
    queueMicrotask(() => {
      if (restart) this.#restart();
      else if (first && this.callerId) this.init();
      if (availability) this.#controller.client?.setClientAvailable(this.available);
    });
  }

  /** Builds the client configuration from the attributes; used by NotifyController. @internal */
  notifyConfig(): { config: NotifyConfig; lazy: boolean } {
    const config: NotifyConfig = {
      autoLoadScriptResources: this.autoLoadScriptResources,
      forceRefreshToken: this.forceRefreshToken,
      skipParentId: this.skipParentId,
      ...(this.backend ? { backendUrl: this.backend } : {}),
      ...(this.authToken ? { authToken: this.authToken } : {}),
      ...this.config,
    };
    if (!this.lazyVendor) config.vendor = normalizeVendor(this.vendor) ?? Vendor.TWILIO_DIRECT;
    return { config, lazy: this.lazyVendor };
  }

  #fail(code: NotifyErrorCode, message: string): void {
    this.dispatchEvent(new NotifyErrorEvent({ message, code }));
  }

  #restart(): void {
    const client = this.#controller.client;
    if (client && client.getDeviceState() !== DeviceState.DESTROYED) client.destroy();
    this.#controller.ensureClient();
    if (this.callerId && E164_PATTERN.test(this.callerId)) this.init();
  }

  #client() {
    return this.#controller.ensureClient();
  }

  /** Sets the caller ID on the client and starts it (ONLINE follows). Uses `caller-id`. */
  init(): void {
    const client = this.#client();
    if (!this.callerId) return client.init();
    if (!E164_PATTERN.test(this.callerId)) return;
    if (this.lazyVendor) {
      client.setCallerId(this.callerId, () => {
        if (this.#controller.config?.vendor) client.init();
      });
    } else {
      client.setCallerId(this.callerId);
      client.init();
    }
  }

  /** Calls a number (`'+1…'` or `{phoneNumber}`) or a client (`{userId}`). */
  call(target: CallIdentifier | string): void {
    this.#client().call(typeof target === 'string' ? { phoneNumber: target } : target);
  }

  /** Answers the incoming call. */
  pickupCall(): void {
    this.#client().pickupCall();
  }

  /** Ends the call, or declines an incoming one. */
  hangupCall(): void {
    this.#client().hangupCall();
  }

  /** Mutes (default) or unmutes the current call. */
  mute(muted: boolean | string = true): void {
    this.#client().mute(muted);
  }

  /** Sends DTMF digits on the open call. */
  sendDtmf(digits: string): void {
    this.#client().sendDtmf(digits);
  }

  /** Forwards the current call to a number or another client. */
  forwardCall(target: ForwardTarget): void {
    this.#client().forwardCall(target);
  }

  /** Lists the other available clients (callback and Promise). */
  getAvailableClients(callback?: (clients: AvailableClient[]) => void): Promise<AvailableClient[]> {
    return this.#client().getAvailableClients(callback);
  }

  /** Resolves the parent call id of `callId` (callback and Promise). */
  getParentId(callId: string, callback?: (result: ParentIdResult) => void): Promise<ParentIdResult> {
    return this.#client().getParentId(callId, callback);
  }

  /** The normalized status of the current call. */
  getStatus(): Status {
    return this.#client().getStatus();
  }

  /** Changes the caller ID on the running client (same vendor only); never throws. */
  setCallerId(value: string, callback?: () => void): void {
    try {
      this.#client().setCallerId(value, callback);
    } catch (error) {
      const notifyError = error instanceof NotifyError ? error : toNotifyError(error, 'INVALID_ARGUMENT');
      this.#fail(notifyError.code, notifyError.message);
    }
  }

  /** Sets whether other clients may route calls here (also the `available` attribute). */
  setClientAvailable(available: boolean): void {
    this.available = available === true;
  }

  /** Destroys the client: hangs up, unregisters, deletes the session. `init()` starts a new one. */
  destroy(): void {
    this.#controller.client?.destroy();
    this.#controller.refresh();
  }

  #onNumberInput(event: Event): void {
    this._number = (event.target as HTMLInputElement).value;
  }

  #onKey(key: string): void {
    if (this.status === Status.OPEN) this.sendDtmf(key);
    else this._number += key;
  }

  #onCall(): void {
    this.call({ phoneNumber: this._number.replace(/[\s()-]/g, '') });
  }

  #statusText(): string {
    const incoming = this.#controller.incoming;
    if (this.ringing && incoming) return `Incoming call from ${incoming.from}`;
    if (this.inCall) return `Call ${this.status}${this.muted ? ', muted' : ''}`;
    switch (this.#controller.deviceState) {
      case DeviceState.ONLINE:
        return 'Ready';
      case DeviceState.INITIALIZING:
        return 'Connecting…';
      case DeviceState.DESTROYED:
        return 'Stopped';
      default:
        return 'Offline';
    }
  }

  override render() {
    const online = this.online;
    const inCall = this.inCall;
    const active = inCall && this.status !== Status.PENDING;
    return html`
      <div part="base" class="base">
        <p part="status" class="status" role="status" aria-live="polite">${this.#statusText()}</p>
        <label part="number-label" for="number">Phone number</label>
        <input
          part="number-input"
          id="number"
          type="tel"
          inputmode="tel"
          autocomplete="off"
          placeholder="+15551234567"
          .value=${this._number}
          @input=${this.#onNumberInput}
        />
        <div part="dialpad" class="dialpad" role="group" aria-label="Dial pad">
          ${DIAL_KEYS.map(
            (key) =>
              html`<button
                part="dial-key"
                type="button"
                aria-label=${KEY_LABELS[key] ?? key}
                @click=${() => this.#onKey(key)}
              >
                ${key}
              </button>`,
          )}
        </div>
        <div part="actions" class="actions" role="group" aria-label="Call controls">
          <button
            part="call-button"
            class="call"
            type="button"
            ?disabled=${!online || inCall}
            @click=${this.#onCall}
          >
            Call
          </button>
          <button
            part="pickup-button"
            class="call"
            type="button"
            ?disabled=${!this.ringing}
            @click=${this.pickupCall}
          >
            Pick up
          </button>
          <button
            part="hangup-button"
            class="hangup"
            type="button"
            ?disabled=${!inCall}
            @click=${this.hangupCall}
          >
            Hang up
          </button>
          <button
            part="mute-button"
            type="button"
            aria-pressed=${this.muted ? 'true' : 'false'}
            ?disabled=${!active}
            @click=${() => this.mute(!this.muted)}
          >
            Mute
          </button>
        </div>
      </div>
    `;
  }
}
