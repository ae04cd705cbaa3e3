import { LitElement, css, html, nothing } from 'lit';
import type { CallQualityWarning } from '../../client/config.js';
import type { NotifyPhone } from '../notify-phone.js';
import { format } from './call-strings.js';

/**
 * The line-quality indicator of `<notify-phone>` during a call: `<notify-call-quality>` in the phone's status
 * line, defined by the lazy parts (an empty unknown element until then) and empty while there is no call. It follows the phone's `notify-call-quality`
 * events (dispatched by `<notify-desk>` from the client's NOTIFY_EVENTS.CALL_QUALITY) and shows "good" or the
 * warnings in force, in a polite live region so a screen reader hears the line go bad and recover.
 * @internal
 */

export interface QualityStrings {
  qualityGood: string;
  /** `{issues}`: the warnings in force, joined. */
  qualityPoor: string;
  /** What each vendor warning means to an agent; unknown names are shown as they are. */
  qualityIssues: Record<string, string>;
}

export const qualityStrings: QualityStrings = {
  qualityGood: 'Good line',
  qualityPoor: 'Poor line: {issues}',
  qualityIssues: {
    'high-rtt': 'delay',
    'high-jitter': 'jitter',
    'high-packet-loss': 'packet loss',
    'high-packets-lost-fraction': 'packet loss',
    'low-mos': 'low call quality',
    'constant-audio-input-level': 'your microphone sends silence',
    'low-bytes-received': 'no audio received',
    'low-bytes-sent': 'no audio sent',
    'ice-connectivity-lost': 'connection lost',
  },
};

/** The phone's events after which a call may have begun or ended. */
const CALL_EVENTS = ['notify-call-init', 'notify-call-start', 'notify-call-disconnect', 'notify-call-cancel'];

export class NotifyCallQuality extends LitElement {
  static override properties = { _warnings: { state: true } };

  static override styles = css`
    /* Between the presence pill and the timer in a one-line header: a text longer than its room ends in an
       ellipsis (the whole of it is the title and the status's text) instead of running under the timer. */
    :host {
      display: inline-flex;
      min-inline-size: 0;
    }
    span {
      display: inline-flex;
      gap: 0.3rem;
      align-items: center;
      min-inline-size: 0;
      font-size: 0.85em;
      color: var(--_muted-fg);
    }
    b {
      overflow: hidden;
      white-space: nowrap;
      text-overflow: ellipsis;
      font-weight: inherit;
    }
    .poor {
      color: var(--_danger);
      font-weight: 600;
    }
    i {
      flex: none;
      inline-size: 0.6rem;
      block-size: 0.6rem;
      border-radius: 50%;
      background: var(--_accent);
    }
    .poor i {
      background: var(--_danger);
    }
  `;

  /** The warnings in force, by name (a cleared one is removed). */
  private _warnings = new Map<string, CallQualityWarning>();
  #phone: NotifyPhone | null = null;

  readonly #onQuality = (event: Event) => {
    const warning = (event as CustomEvent<CallQualityWarning>).detail;
    const next = new Map(this._warnings);
    if (warning.cleared) next.delete(warning.name);
    else next.set(warning.name, warning);
    this._warnings = next;
  };

  /** A call began or ended: shown only during one; each call starts with a good line. */
  readonly #onCall = () => {
    if (!this.#phone?.inCall) this._warnings = new Map();
    this.requestUpdate();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.#phone = ((this.getRootNode() as ShadowRoot).host as NotifyPhone | undefined) ?? null;
    this.#phone?.addEventListener('notify-call-quality', this.#onQuality);
    for (const type of CALL_EVENTS) this.#phone?.addEventListener(type, this.#onCall);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#phone?.removeEventListener('notify-call-quality', this.#onQuality);
    for (const type of CALL_EVENTS) this.#phone?.removeEventListener(type, this.#onCall);
  }

  /** The names of the warnings in force. */
  get warnings(): string[] {
    return [...this._warnings.keys()];
  }

  override render() {
    if (!this.#phone?.inCall) return nothing;
    const overrides = (this.#phone?.strings ?? {}) as Partial<QualityStrings>;
    const t = { ...qualityStrings, ...overrides };
    const names = { ...qualityStrings.qualityIssues, ...overrides.qualityIssues };
    const issues = [...new Set(this.warnings.map((name) => names[name] ?? name))];
    const text = issues.length ? format(t.qualityPoor, { issues: issues.join(', ') }) : t.qualityGood;
    return html`<span
      part="quality-indicator"
      class=${issues.length ? 'poor' : 'good'}
      role="status"
      title=${text}
      ><i aria-hidden="true"></i><b>${text}</b></span
    >`;
  }
}

if (!customElements.get('notify-call-quality'))
  customElements.define('notify-call-quality', NotifyCallQuality);

declare global {
  interface HTMLElementTagNameMap {
    'notify-call-quality': NotifyCallQuality;
  }
}
