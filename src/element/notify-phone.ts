import { LitElement, type PropertyValues } from 'lit';
import type { AvailableClient, ForwardTarget } from '../client/backend.js';
import { DeviceState, Status } from '../client/constants.js';
import type { NotifyErrorCode } from '../client/errors.js';
import type { NotifyCall } from '../client/notify-call.js';
import type { CallIdentifier, NotifyClient, NotifyConfig, ParentIdResult } from '../client/notify-client.js';
import { attributeProblem, booleanString, checkSettings, jsonStrings, reflectState } from './attributes.js';
import { loadParts, type LazyParts } from './load-parts.js';
import { NotifyController } from './notify-controller.js';
import { NumberEntry } from './number-entry.js';
import { styles } from './notify-phone.styles.js';
import { renderPhone } from './notify-phone.template.js';
import { focusPart } from './refocus.js';
import type { NotifyPhoneStrings } from './strings.js';

/**
 * @summary A complete browser phone on the Notify client: registers with the backend, makes, takes and
 * forwards calls. The default UI is themable (parts, CSS properties, dark scheme) and translatable
 * (`strings`); every client event is re-dispatched as a `notify-*` DOM event.
 *
 * Keyboard: digits, `*`, `#` and `+` typed anywhere in the element dial (or send DTMF in a call, paced so
 * that fast typing loses no tone), Backspace deletes the last digit, Enter calls (or picks up a ringing
 * call), Escape hangs up (or declines). The number stays in the field after a call: Enter redials.
 *
 * A second line: with `call-waiting="ring"` a call that comes in during a call waits (Answer & hold,
 * Decline); the active call can be held and resumed, transferred blind (forward) or warm (consult, then
 * complete or cancel), and another party added; with more than one call, or a call on hold, the calls are
 * listed with their state and timer. That UI loads on first use (`notify-phone.lazy-parts.js`).
 *
 * The agent's desk (ours, issue 14; its code loads with the lazy parts once online): the settings choose the
 * microphone, speaker and ringer and turn on desktop notifications of calls while the tab is hidden; a
 * line-quality indicator shows during a call; with `click-to-dial`, `tel:` links of the page call from here.
 *
 * @attr {boolean} click-to-dial - Ours: clicks on `tel:` links anywhere on the page place the call from this phone (once online); `="false"` or absent: the links are left to the browser.
 * @attr {boolean} share-tabs - Ours: one registration for the agent's phones in all tabs of this browser (`notifyConfig.shareTabs`): the tabs elect one that registers, the others show its state and calls and act through it. Present: on (its value is not read); read when a session starts.
 *
 * @fires {NotifyOnlineEvent} notify-online - The session is registered and can make and take calls. `detail: {}`.
 * @fires {NotifyOfflineEvent} notify-offline - The session is no longer registered. `detail: {}`.
 * @fires {NotifyErrorEvent} notify-error - Something failed, or an attribute value is bad. `detail: {message: string, code: NotifyErrorCode}`.
 * @fires {NotifyIncomingCallEvent} notify-incoming-call - A call is coming in. `detail: {from: string, to: string, callId: string, parentId: string | undefined, sysId: string | undefined, isFromClient: boolean}`.
 * @fires {NotifyCallInitEvent} notify-call-init - A call object exists. `detail: {status: Status, callId: string | undefined}`.
 * @fires {NotifyCallStartEvent} notify-call-start - The call is established. `detail: {callId: string | undefined}`.
 * @fires {NotifyCallCancelEvent} notify-call-cancel - The caller gave up before pickup. `detail: {callId: string | undefined, outcome: 'canceled', endedBy: 'remote', duration: null}`.
 * @fires {NotifyCallDisconnectEvent} notify-call-disconnect - The call ended; how (our extension): `detail: {callId: string | undefined, outcome: 'completed' | 'busy' | 'no-answer' | 'declined' | 'failed' | 'canceled', endedBy: 'local' | 'remote', duration: number | null}`.
 * @fires {NotifyCallMuteEvent} notify-call-mute - The microphone was muted. `detail: {}`.
 * @fires {NotifyCallUnmuteEvent} notify-call-unmute - The microphone was unmuted. `detail: {}`.
 * @fires {NotifyCallQualityEvent} notify-call-quality - Ours: the vendor raised or cleared a call-quality warning. `detail: {name: string, value: number | null, threshold: number | null, cleared: boolean, callId: string | undefined}`.
 * @fires {NotifyAudioInputLostEvent} notify-audio-input-lost - Ours: the chosen microphone went away; the default took over. `detail: {lost: AudioDevice, fallback: AudioDevice | null}`.
 * @fires {NotifyAvailableChangeEvent} notify-available-change - The user switched the availability toggle. `detail: {available: boolean}`.
 *
 * @slot header - Content above the status line (a title, a logo).
 * @slot incoming - Replaces who-is-calling while a call rings (the pick-up and decline buttons stay).
 * @slot dial-pad - Replaces the dial pad.
 * @slot footer - Content below everything else.
 *
 * @csspart base - The wrapper of the default UI.
 * @csspart status - The status line (a polite live region): Calling… / Ringing… while a placed call rings, and how the last call ended for a few seconds after it.
 * @csspart timer - The call timer (`m:ss`), shown while a call is open.
 * @csspart announcer - The visually hidden assertive live region that announces incoming calls.
 * @csspart error - The error message (`role="alert"`).
 * @csspart error-dismiss - The button that dismisses the error message.
 * @csspart sound-notice - Says that the browser blocks sound until the page is clicked (calls would ring silently).
 * @csspart enable-sound-button - Turns sound on (one click), in the sound notice.
 * @csspart incoming - Who is calling, in the display region while a call rings (with a ringing animation).
 * @csspart caller - Who is calling.
 * @csspart transferred-by - Under the caller (and then the call's party) of a call a colleague transferred here: "Transferred by A", the name as the backend gives it.
 * @csspart pickup-button - Answers the incoming call.
 * @csspart decline-button - Declines the incoming call.
 * @csspart number-form - The number label, input and call button.
 * @csspart number-label - The label of the number input.
 * @csspart number-input - The phone number input (`aria-invalid` while its number cannot be called).
 * @csspart number-hint - Under the number input: why its number cannot be called (its `aria-describedby`).
 * @csspart remote - Who the current call is with (the number dialed or the caller; the only call on hold too), formatted once libphonenumber-js is loaded.
 * @csspart dtmf - The digits sent in the current call.
 * @csspart dial-pad - The group of dial keys (also the in-call keypad).
 * @csspart dial-key - One dial key.
 * @csspart actions - The group of call buttons.
 * @csspart call-button - Calls the number (large, round, with an icon).
 * @csspart hangup-button - Ends the call.
 * @csspart mute-button - Toggles mute (`aria-pressed`; its label and icon change while muted).
 * @csspart hold-button - Toggles hold (`aria-pressed`, round, beside Mute): Hold puts the only call on hold, Resume (pressed) takes it back.
 * @csspart forward-button - Opens the forward dialog (with the add-to-call button, once a call is open).
 * @csspart available-toggle - The availability switch (`role="switch"`): the presence pill in the header.
 * @csspart presence - The presence pill, reading Offline, Available or Unavailable (the availability switch).
 * @csspart agents - The disclosure of available agents.
 * @csspart agent-list - The list of available agents.
 * @csspart agent-list-empty - The text shown when no agent is available.
 * @csspart agent - One available agent.
 * @csspart agent-button - The button of one agent (call, or forward in the dialog).
 * @csspart refresh-agents-button - Re-reads the available agents.
 * @csspart forward-dialog - The forward dialog (`<dialog>`).
 * @csspart forward-input - The number input of the forward dialog.
 * @csspart forward-number-button - Forwards to the typed number.
 * @csspart forward-agents - The agent list in the forward dialog.
 * @csspart forward-agents-empty - The text shown in the dialog when no agent is available.
 * @csspart forward-cancel-button - Closes the forward dialog.
 * @csspart transfer-mode - The forward dialog's choice between a blind transfer (forward) and a warm one (consult first).
 * @csspart waiting - The banner of a call waiting during a call.
 * @csspart waiting-caller - Who is calling, in the waiting banner.
 * @csspart answer-hold-button - Answers the waiting call, holding the current one.
 * @csspart decline-waiting-button - Declines the waiting call.
 * @csspart call-controls - The group of add-to-call and transfer buttons of the active call (or complete / cancel a warm transfer).
 * @csspart add-button - Opens the dialog that adds a number or an agent to the call (a three-way call).
 * @csspart complete-transfer-button - Completes the warm transfer (the caller and the consulted party talk).
 * @csspart cancel-transfer-button - Cancels the warm transfer (the consultation ends, the caller is resumed).
 * @csspart call-list - The list of calls, shown with more than one call or a call on hold.
 * @csspart call-item - One call in the list (also `call-held` when on hold, `call-active` when active).
 * @csspart call-held - A call on hold in the list.
 * @csspart call-active - The active call in the list.
 * @csspart call-party - Who one call in the list is with.
 * @csspart call-state - The state of one call in the list (ringing, active, on hold, consulting).
 * @csspart call-timer - How long one call in the list has been answered (`m:ss`).
 * @csspart resume-button - Resumes one held call of the list (with several calls; a single one is resumed by the Hold toggle).
 * @csspart quality - The line-quality indicator during a call (`<notify-call-quality>`, a polite live region): good, or the vendor's warnings in force.
 * @csspart desk - The settings (`<notify-desk>`): microphone, speaker and ringer, desktop notifications of calls while the tab is hidden.
 * @csspart history - The recent calls (`<notify-call-history>`): the list with call-back buttons and the missed-call count.
 *
 * @cssproperty --notify-phone-color-scheme - `light`, `dark`, or `light dark` (default: follow `prefers-color-scheme`).
 * @cssproperty --notify-phone-background - Background of the phone.
 * @cssproperty --notify-phone-foreground - Text color.
 * @cssproperty --notify-phone-muted-foreground - Secondary text color (labels, letters, timer).
 * @cssproperty --notify-phone-border - Border color of the phone, inputs and buttons.
 * @cssproperty --notify-phone-key-background - Background of buttons and dial keys.
 * @cssproperty --notify-phone-accent - Color of the call and pick-up buttons and of the available switch.
 * @cssproperty --notify-phone-accent-foreground - Text color on the accent color.
 * @cssproperty --notify-phone-danger - Color of the hang-up and decline buttons.
 * @cssproperty --notify-phone-danger-foreground - Text color on the danger color.
 * @cssproperty --notify-phone-banner-background - Background of the incoming-call banner.
 * @cssproperty --notify-phone-error-background - Background of the error message.
 * @cssproperty --notify-phone-error-foreground - Text color of the error message.
 * @cssproperty --notify-phone-focus-ring - Color of the focus outline.
 * @cssproperty --notify-phone-gap - Space between the parts.
 * @cssproperty --notify-phone-radius - Corner radius of the phone, buttons and inputs.
 * @cssproperty --notify-phone-font - Font of the element.
 * @cssproperty --notify-phone-width - Width of the phone (default 20rem; never wider than its container, 280 to 480 px fit).
 */
export class NotifyPhone extends LitElement {
  static override styles = styles;
  // The reactive properties, declared here rather than with decorators (no decorator helpers in the bundle).
  static override properties = {
    _parts: { state: true, attribute: false },
    callerId: { attribute: 'caller-id' },
    backend: {},
    vendor: {},
    available: { converter: booleanString },
    autoLoadScriptResources: { attribute: 'auto-load-script-resources', converter: booleanString },
    forceRefreshToken: { attribute: 'force-refresh-token', converter: booleanString },
    skipParentId: { attribute: 'skip-parent-id', converter: booleanString },
    lazyVendor: { attribute: 'lazy-vendor', converter: booleanString },
    callWaiting: { attribute: 'call-waiting' },
    number: {},
    defaultCountry: { attribute: 'default-country' },
    displayName: { attribute: 'display-name' },
    strings: { converter: jsonStrings },
    authToken: { attribute: false },
  };
  /** @internal Focus goes to the first focusable part (the number field) on `focus()`. */
  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };

  readonly #controller = new NotifyController(this);
  /** The keys, the number field and the digits sent in a call (number-entry.ts). */
  readonly #entry = new NumberEntry(this);
  /** Focus was inside before this update (parts come and go with the call state). */
  #focusWasInside = false;

  /** The rarely used UI once imported (the agent list is opened, or a call is open). */
  private _parts?: LazyParts;

  /** The Notify number (E.164) to call from; setting it (re)starts the client. */
  callerId = '';

  /** Base URL of the backend routes (default `/api`). */
  backend = '';

  /** Vendor when `lazy-vendor` is off (default `TwilioDirect`). */
  vendor = '';

  /** Whether calls may be routed to this phone (incoming calls, forwards); applied with `setClientAvailable`. */
  available = false;

  /** Load the Twilio SDK chunk next to the bundle; `="false"` uses the page's `window.Twilio`. */
  autoLoadScriptResources = true;

  /** Refresh the token before it expires; `="false"` goes offline at expiry. Changing it restarts the client. */
  forceRefreshToken = true;

  /** Announce incoming calls at once, without resolving the parent call; read at every incoming call. */
  skipParentId = false;

  /** Let the backend choose the vendor of the caller ID (the client's lazy mode). */
  lazyVendor = false;

  /** The number in the number field (what the Call button and Enter dial). */
  number = '';

  /**
   * The country (ISO 3166 code, like `US` or `GB`) of numbers typed without `+`: they are formatted as you
   * type and called in E.164 (`(555) 123-4567` with `US` calls +15551234567). Without it, numbers need `+`.
   */
  defaultCountry = '';

  /** Display name stored on the session row; changing it restarts the client. */
  displayName = '';

  /**
   * A call that comes in during a call: `ring` (it waits; answering it holds the current one) or `busy`
   * (the default: the backend offers it to the free agents). Passed as `notifyConfig.callWaiting`;
   * changing it restarts the client (the backend keeps it on the session).
   */
  callWaiting: 'ring' | 'busy' = 'busy';

  /** Overrides of the visible strings (i18n); any subset of `NotifyPhoneStrings`. Attribute: JSON. */
  strings: Partial<NotifyPhoneStrings> = {};

  /** Bearer token (or a function returning one) for the backend; property only; a new value applies at once. */
  authToken: NotifyConfig['authToken'] = undefined;

  /**
   * @internal Extra client configuration (tests inject `backend` and `driverFactory`); read when a client
   * starts, so not reactive.
   */
  config: Partial<NotifyConfig> = {};

  /** The normalized status of the current call (read-only, reflected as `status`). */
  get status(): Status {
    return this.#controller.status;
  }

  /** Whether the session is registered (read-only, reflected as `online`). */
  get online(): boolean {
    return this.#controller.deviceState === DeviceState.ONLINE;
  }

  /** Whether the current call is muted (read-only, reflected as `muted`). */
  get muted(): boolean {
    return this.#controller.muted;
  }

  /** Whether an incoming call waits for pickup (read-only, reflected as `ringing`). */
  get ringing(): boolean {
    return this.#controller.ringing;
  }

  /**
   * Whether there is a current call (active, or ringing) in any status but closed (read-only, reflected as
   * `in-call`); calls on hold are `held` (reflected as `held`) and listed in `calls`.
   */
  get inCall(): boolean {
    return this.#controller.status !== Status.CLOSED;
  }

  /** Whether a call is on hold (read-only, reflected as `held`). */
  get held(): boolean {
    return this.#controller.calls.some((call) => call.held);
  }

  /** The last error shown by the UI, `null` after it was dismissed (read-only). */
  get error(): { message: string; code: NotifyErrorCode } | null {
    return this.#controller.lastError;
  }

  /** The available agents as last read, `null` before the first read (read-only). */
  get agents(): readonly AvailableClient[] | null {
    return this.#controller.agents;
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    // A bad value is reported and ignored: the property keeps its previous value.
    const problem = attributeProblem(name, value);
    if (problem) return this.#controller.report('INVALID_ARGUMENT', problem);
    super.attributeChangedCallback(name, old, value);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    checkSettings(this, changed, this.#controller);
    if (!this.inCall) this.#entry.sentDigits = '';
    this.#focusWasInside = this.matches(':focus-within');
  }

  override updated(changed: PropertyValues<this>): void {
    reflectState(this);
    // The forward dialog goes with the call (closing a closed dialog does nothing).
    if (!this.inCall) this.renderRoot.querySelector<HTMLDialogElement>('dialog.forward')?.close();
    // The lazy parts may be wanted now (the forward dialog): have them ready before its button is pressed.
    // Also once online: the recent calls (parts/call-history-panel.ts) read the history, count missed calls.
    if (!this._parts && (this.online || this.status === Status.OPEN))
      void loadParts(this).then((parts) => (this._parts = parts));
    // Keeps keyboard users inside the phone when the focused part disappears with a state change.
    if (this.#focusWasInside && !this.matches(':focus-within')) focusPart(this.renderRoot);
    this.#controller.updated(changed);
  }

  /** Focus goes to what the state is about: the pick-up or hang-up button, else the number field. */
  override focus(options?: FocusOptions): void {
    if (!focusPart(this.renderRoot, options)) super.focus(options);
  }

  /** Runs `use` on the client (at once, or once its code has loaded: notify-controller.ts). */
  #client(use: (client: NotifyClient) => void): void {
    this.#controller.withClient(use);
  }

  /**
   * Sets the caller ID on the client and starts it (`notify-online` follows). Uses `caller-id`, and
   * applies `available` once online: without it the session is not offered incoming calls.
   */
  init(): void {
    this.#controller.start();
  }

  /** Calls a number (`'+1…'` or `{phoneNumber}`) or a client (`{userId}`). */
  call(target: CallIdentifier | string): void {
    this.#client((client) => client.call(typeof target === 'string' ? { phoneNumber: target } : target));
  }

  /** Answers the incoming call. */
  pickupCall(): void {
    this.#client((client) => client.pickupCall());
  }

  /** Ends the call, or declines an incoming one. */
  hangupCall(): void {
    this.#client((client) => client.hangupCall());
  }

  /** Mutes (default) or unmutes the current call. */
  mute(muted: boolean | string = true): void {
    this.#client((client) => client.mute(muted));
  }

  /** Sends DTMF digits on the open call. */
  sendDtmf(digits: string): void {
    this.#client((client) => client.sendDtmf(digits));
  }

  /**
   * Puts the active call on hold: the other party hears hold audio, the microphone is sent nowhere. Resolves
   * true once the server confirmed it; false (and `notify-error`) without an active call or on failure.
   */
  holdCall(): Promise<boolean> {
    return this.#controller.hold(true);
  }

  /**
   * Resumes a held call (`call`, else the first held one); a call active at the time is held first. Resolves
   * true once audio is back; false (and `notify-error`) without a held call or on failure.
   */
  resumeCall(call?: NotifyCall): Promise<boolean> {
    return this.#controller.hold(false, call);
  }

  /**
   * Starts a warm transfer of the active call to a number or an agent (`{type, id}` as `forwardCall`): the
   * call goes on hold and a consultation call is placed (resolved; null after `notify-error`). Then
   * `completeTransfer()` or `cancelTransfer()`.
   */
  transferCall(target: ForwardTarget): Promise<NotifyCall | null> {
    return this.#controller.askClient((client) => client.transferCall(target), null);
  }

  /** Completes the warm transfer: the caller and the consulted party talk, this phone leaves. */
  completeTransfer(): Promise<boolean> {
    return this.#controller.askClient((client) => client.completeTransfer(), false);
  }

  /** Cancels the warm transfer: the consultation call ends and the caller is resumed. */
  cancelTransfer(): Promise<boolean> {
    return this.#controller.askClient((client) => client.cancelTransfer(), false);
  }

  /** Adds a number or an agent (`{type, id}`) to the active call: a three-way call. */
  addToCall(target: ForwardTarget): Promise<boolean> {
    return this.#controller.askClient((client) => client.addToCall(target), false);
  }

  /** Forwards the open call to a number (`{type: 'number', id, dtmf?}`) or a client (`{type: 'userId', id}`). */
  forwardCall(target: ForwardTarget): void {
    this.#client((client) => client.forwardCall(target));
  }

  /** Lists the other available clients (callback and Promise); also refreshes the agent list. */
  getAvailableClients(callback?: (clients: AvailableClient[]) => void): Promise<AvailableClient[]> {
    return this.#controller.refreshAgents().then((clients) => {
      callback?.(clients);
      return clients;
    });
  }

  /** Resolves the parent call id of `callId` (callback and Promise). */
  getParentId(callId: string, callback?: (result: ParentIdResult) => void): Promise<ParentIdResult> {
    const failed: ParentIdResult = { parentId: null, error: "The phone's client could not be loaded." };
    return this.#controller
      .askClient((client) => client.getParentId(callId, callback), failed)
      .then((result) => (result === failed && callback?.(result), result));
  }

  /** The normalized status of the current call. */
  getStatus(): Status {
    // A read: no client is made for it (none has a call).
    return this.#controller.client?.getStatus() ?? Status.CLOSED;
  }

  /** Changes the caller ID on the running client (same vendor only); errors become `notify-error`. */
  setCallerId(value: string, callback?: () => void): void {
    const report = this.#controller.report.bind(this.#controller);
    this.#controller.withClient((client, link) => link.setCallerIdOf(client, value, callback, report));
  }

  /** Sets whether other clients may route calls here (the same as setting `available`). */
  setClientAvailable(available: boolean | string): void {
    this.available = available === true || available === 'true';
  }

  /** Destroys the client: hangs up, unregisters, deletes the session. `init()` starts a new one. */
  destroy(): void {
    this.#controller.destroy();
  }

  override render() {
    return renderPhone(this, this.#controller, this.#entry, this._parts);
  }
}
