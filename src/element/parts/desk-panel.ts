import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { NOTIFY_EVENTS } from '../../client/constants.js';
import type {
  AudioDeviceKind,
  AudioDevices,
  NotifyClient,
  PreflightReport,
} from '../../client/notify-client.js';
import { NotifyAudioInputLostEvent, NotifyCallQualityEvent } from '../desk-events.js';
import type { NotifyPhone } from '../notify-phone.js';
import { clickToDial } from './click-to-dial.js';
import {
  DESKTOP_NOTIFICATIONS_KEY,
  desktopNotificationsOn,
  watchIncoming,
  type NoticeStrings,
} from './incoming-notice.js';

/**
 * The agent's desk in `<notify-phone>` (issue 14): `<notify-desk>`, defined by the lazy parts and rendered
 * by the phone once online. It shows the settings (microphone, speaker and ringer; desktop notifications
 * for calls while the tab is hidden) and, without UI of its own, re-dispatches the client's desk events on
 * the phone (`notify-call-quality`, `notify-audio-input-lost`), shows the desktop notification of a call
 * to a hidden page (incoming-notice.ts) and, with the phone's `click-to-dial` attribute, dials `tel:` links
 * of the page (click-to-dial.ts).
 * @internal
 */

export interface DeskStrings extends NoticeStrings {
  settings: string;
  microphone: string;
  speaker: string;
  ringer: string;
  /** Shown instead of the device lists until the microphone is allowed (labels are hidden before). */
  allowMicrophone: string;
  /** Why the output lists are disabled. */
  outputsUnsupported: string;
  desktopNotifications: string;
  /** The browser (or the agent, earlier) blocked notifications. */
  notificationsBlocked: string;
  /** Announced when the microphone went away mid-call: `{fallback}`. */
  inputLost: string;
  /** A device without a label (before the permission): `{n}`. */
  unnamedDevice: string;
  /** The button that runs the pre-call test. */
  testLine: string;
  /** Announced while it runs. */
  testingLine: string;
  /** Announced when it is done: `{quality}`. */
  lineTested: string;
  lineTestFailed: string;
  reportSignaling: string;
  reportIce: string;
  reportRtt: string;
  reportJitter: string;
  reportMos: string;
  reportLoss: string;
  /** `{value}` in milliseconds. */
  ms: string;
}

export const deskStrings: DeskStrings = {
  settings: 'Settings',
  microphone: 'Microphone',
  speaker: 'Speaker',
  ringer: 'Ringer',
  allowMicrophone: 'Allow microphone',
  outputsUnsupported: 'This browser cannot choose the speaker or ringer.',
  desktopNotifications: 'Notify me of calls while this tab is hidden',
  notificationsBlocked: 'Notifications are blocked for this site.',
  inputLost: 'Microphone disconnected; now using {fallback}.',
  unnamedDevice: 'Device {n}',
  testLine: 'Test the line',
  testingLine: 'Testing the line (about 20 seconds)…',
  lineTested: 'Line test done: {quality}.',
  lineTestFailed: 'The line test failed.',
  reportSignaling: 'Call setup',
  reportIce: 'Network path (ICE)',
  reportRtt: 'Round trip',
  reportJitter: 'Jitter',
  reportMos: 'Quality score (MOS, 1–5)',
  reportLoss: 'Packets lost',
  ms: '{value} ms',
  noticeTitle: 'Incoming call',
  noticeBody: '{caller} is calling',
};

export class NotifyDesk extends LitElement {
  static override properties = {
    client: { attribute: false },
    _devices: { state: true },
    _notice: { state: true },
    _notifications: { state: true },
    _testing: { state: true },
    preflightReport: { attribute: false },
  };

  static override styles = css`
    :host {
      display: block;
    }
    summary {
      padding: 0.25rem 0;
      cursor: pointer;
    }
    :focus-visible {
      outline: 2px solid var(--_focus);
      outline-offset: 2px;
    }
    .fields {
      display: grid;
      gap: var(--_gap);
    }
    label {
      display: grid;
      gap: 0.2rem;
    }
    label.check {
      display: flex;
      gap: 0.4rem;
      align-items: center;
    }
    select,
    button {
      padding: 0.25rem 0.5rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_key-bg);
      color: var(--_fg);
      font: inherit;
    }
    dl {
      display: grid;
      grid-template-columns: auto auto;
      gap: 0.1rem 0.6rem;
      margin: 0;
      font-size: 0.85em;
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
    }
    .note {
      margin: 0;
      color: var(--_muted-fg);
      font-size: 0.85em;
    }
  `;

  /** The phone's client (set by the phone). */
  client: NotifyClient | null = null;
  /** The devices as last read; null until the settings are opened. */
  private _devices: AudioDevices | null = null;
  /** The last thing to announce (a device lost, notifications blocked). */
  private _notice = '';
  private _notifications = desktopNotificationsOn();
  private _testing = false;
  /** The last pre-call test's report (null before one succeeded). */
  preflightReport: PreflightReport | null = null;
  #phone: NotifyPhone | null = null;
  #stops: (() => void)[] = [];
  #stopDialing: (() => void) | null = null;
  #attributes: MutationObserver | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#phone = ((this.getRootNode() as ShadowRoot).host as NotifyPhone | undefined) ?? null;
    const phone = this.#phone;
    if (!phone) return;
    // The attribute is read here, not by the phone: the phone's first load stays without this code.
    this.#attributes = new MutationObserver(() => this.#followClickToDial());
    this.#attributes.observe(phone, { attributes: true, attributeFilter: ['click-to-dial'] });
    this.#followClickToDial();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#attributes?.disconnect();
    this.#stopDialing?.();
    this.#stopDialing = null;
    this.#unsubscribe();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.#subscribe();
  }

  #followClickToDial(): void {
    const on =
      this.#phone?.hasAttribute('click-to-dial') && this.#phone.getAttribute('click-to-dial') !== 'false';
    if (on && !this.#stopDialing) this.#stopDialing = clickToDial(this.#phone!);
    if (!on && this.#stopDialing) {
      this.#stopDialing();
      this.#stopDialing = null;
    }
  }

  #unsubscribe(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
  }

  #subscribe(): void {
    this.#unsubscribe();
    const client = this.client;
    const phone = this.#phone;
    if (!client || !phone) return;
    this.#stops = [
      client.addEventListener(NOTIFY_EVENTS.CALL_QUALITY, (warning) =>
        phone.dispatchEvent(new NotifyCallQualityEvent(warning)),
      ),
      client.addEventListener(NOTIFY_EVENTS.AUDIO_INPUT_LOST, (lost, fallback) => {
        phone.dispatchEvent(new NotifyAudioInputLostEvent({ lost, fallback }));
        const t = this.#strings();
        this._notice = t.inputLost.replace(
          '{fallback}',
          fallback?.label || t.unnamedDevice.replace('{n}', '1'),
        );
        if (this._devices) void this.refresh();
      }),
      watchIncoming(client, phone, () => this.#strings()),
    ];
  }

  #strings(): DeskStrings {
    return { ...deskStrings, ...((this.#phone?.strings ?? {}) as Partial<DeskStrings>) };
  }

  /** Re-reads the devices (errors are the phone's: it shows them). */
  async refresh(): Promise<void> {
    const devices = await this.client?.getAudioDevices();
    if (devices) this._devices = devices;
  }

  async #choose(kind: AudioDeviceKind, deviceId: string): Promise<void> {
    await this.client?.setAudioDevice(kind, deviceId);
    // Both ways: the lists show what is in use (the old choice again after a refusal).
    await this.refresh();
  }

  async #onNotifications(event: Event): Promise<void> {
    const box = event.target as HTMLInputElement;
    let on = box.checked;
    // Asked here, on the agent's click: a permission prompt is never shown on load.
    if (on && typeof Notification === 'function' && Notification.permission !== 'granted') {
      on = (await Notification.requestPermission()) === 'granted';
    }
    if (box.checked && !on) this._notice = this.#strings().notificationsBlocked;
    try {
      localStorage.setItem(DESKTOP_NOTIFICATIONS_KEY, on ? 'on' : 'off');
    } catch {
      // not remembered across reloads
    }
    this._notifications = on;
    box.checked = on;
  }

  async #testLine(): Promise<void> {
    const t = this.#strings();
    this._testing = true;
    this._notice = t.testingLine;
    const report = (await this.client?.preflight()) ?? null;
    this._testing = false;
    if (report) this.preflightReport = report;
    this._notice = report ? t.lineTested.replace('{quality}', report.quality ?? '–') : t.lineTestFailed;
  }

  #renderReport(t: DeskStrings) {
    const r = this.preflightReport;
    if (!r) return nothing;
    const ms = (value: number | null | undefined) =>
      value === null || value === undefined ? '–' : t.ms.replace('{value}', String(Math.round(value)));
    const rows: [string, string][] = [
      [t.reportSignaling, ms(r.signalingMs)],
      [t.reportIce, ms(r.iceMs)],
      [t.reportRtt, ms(r.rtt?.average)],
      [t.reportJitter, ms(r.jitter?.average)],
      [t.reportMos, r.mos ? r.mos.average.toFixed(2) : '–'],
      [t.reportLoss, r.packetLoss === null ? '–' : `${r.packetLoss.toFixed(1)} %`],
    ];
    return html`<dl part="preflight-report">
      ${rows.map(
        ([name, value]) =>
          html`<dt>${name}</dt>
            <dd>${value}</dd>`,
      )}
    </dl>`;
  }

  #select(
    t: DeskStrings,
    kind: AudioDeviceKind,
    list: AudioDevices['inputs'],
    chosen: string | undefined,
    disabled = false,
  ) {
    const label = t[kind === 'input' ? 'microphone' : kind];
    return html`<label part="${kind}-device"
      >${label}
      <select
        part="device-select"
        ?disabled=${disabled}
        @change=${(e: Event) => void this.#choose(kind, (e.target as HTMLSelectElement).value)}
      >
        ${list.map(
          (d, i) =>
            html`<option value=${d.deviceId} ?selected=${d.deviceId === chosen}>
              ${d.label || t.unnamedDevice.replace('{n}', String(i + 1))}
            </option>`,
        )}
      </select></label
    >`;
  }

  #renderDevices(t: DeskStrings) {
    const devices = this._devices;
    if (!devices) return nothing;
    // Before the microphone permission the browser hides the labels (and the ids): ask first.
    if (!devices.inputs.some((d) => d.label)) {
      return html`<button
        part="allow-microphone-button"
        type="button"
        @click=${() => void this.#choose('input', 'default')}
      >
        ${t.allowMicrophone}
      </button>`;
    }
    const input = devices.input ?? 'default';
    return html`${this.#select(t, 'input', devices.inputs, input)}
    ${this.#select(t, 'speaker', devices.outputs, devices.speaker[0], !devices.outputSelection)}
    ${this.#select(t, 'ringer', devices.outputs, devices.ringer[0], !devices.outputSelection)}
    ${devices.outputSelection ? nothing : html`<p class="note">${t.outputsUnsupported}</p>`}`;
  }

  override render() {
    const t = this.#strings();
    return html`<details
        part="settings"
        @toggle=${(e: Event) => (e.target as HTMLDetailsElement).open && void this.refresh()}
      >
        <summary>${t.settings}</summary>
        <div class="fields">
          ${this.#renderDevices(t)}
          <button
            part="test-line-button"
            type="button"
            ?disabled=${this._testing || !!this.#phone?.inCall}
            @click=${() => void this.#testLine()}
          >
            ${t.testLine}
          </button>
          ${this.#renderReport(t)}
          <label class="check" part="notifications-setting">
            <input
              type="checkbox"
              part="notifications-checkbox"
              .checked=${this._notifications}
              @change=${(e: Event) => void this.#onNotifications(e)}
            />${t.desktopNotifications}
          </label>
        </div>
      </details>
      <div class="note" role="status">${this._notice}</div>`;
  }
}

if (!customElements.get('notify-desk')) customElements.define('notify-desk', NotifyDesk);

declare global {
  interface HTMLElementTagNameMap {
    'notify-desk': NotifyDesk;
  }
}
