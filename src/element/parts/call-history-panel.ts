import { LitElement, css, html, nothing } from 'lit';
import type { CallHistoryEntry, CallOutcome } from '../../client/call-history.js';
import type { NotifyClient } from '../../client/notify-client.js';
import type { NotifyPhone } from '../notify-phone.js';
import { format } from './call-strings.js';

/**
 * The recent calls of `<notify-phone>`: `<notify-call-history>` inside its shadow root, defined when this
 * module is imported (the phone imports it once online, so the first load does without it). It reads
 * `getCallHistory()` of the phone it sits in: once online and after every call; shows each call
 * (direction, who, outcome, duration, time) with a call-back button, and counts the missed calls not
 * yet seen: opening the list marks them seen (remembered per browser).
 * @internal
 */

/** The texts of the history; any of them can be overridden through the phone's `strings`. */
export interface HistoryStrings {
  recentCalls: string;
  /** Beside `recentCalls` while calls are missed (`{count}`). */
  missedCount: string;
  /** Announced (polite) when missed calls arrive (`{count}`). */
  announceMissed: string;
  noCalls: string;
  outgoing: string;
  incoming: string;
  unknownCaller: string;
  /** The visible text of a call-back button. */
  callBack: string;
  /** The accessible name of a call-back button (`{name}`); keep `callBack` in it. */
  callBackLabel: string;
  outcome: Record<CallOutcome, string>;
}

export const historyStrings: HistoryStrings = {
  recentCalls: 'Recent calls',
  missedCount: '{count} missed',
  announceMissed: 'Missed calls: {count}',
  noCalls: 'No calls yet',
  outgoing: 'Outgoing',
  incoming: 'Incoming',
  unknownCaller: 'Unknown',
  callBack: 'Call',
  callBackLabel: 'Call {name}',
  outcome: {
    answered: 'Answered',
    missed: 'Missed',
    unanswered: 'No answer',
    busy: 'Busy',
    failed: 'Failed',
    active: 'In progress',
  },
};

/** How many calls the list shows. */
const PAGE = 20;
/** Where the newest missed call seen is remembered (its `startedAt`), per user: people may share a browser. */
const SEEN_KEY = 'notify-phone:calls-seen:';
/**
 * A call that just ended may still read as active until the vendor's last status callback reached the
 * backend: re-read a few times, further apart each time, while one does and the phone has no call.
 */
const SETTLE_DELAYS_MS = [500, 1000, 2000, 4000];

/** `m:ss`, as the call timer shows it. */
const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

function readSeen(user: string): string {
  try {
    return localStorage.getItem(SEEN_KEY + user) ?? '';
  } catch {
    return ''; // storage blocked (privacy settings): nothing was seen before this page
  }
}

export class NotifyCallHistory extends LitElement {
  static override properties = {
    client: { attribute: false },
    _calls: { state: true },
    _seen: { state: true },
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
    .badge {
      margin-inline-start: 0.5rem;
      padding: 0 0.4rem;
      border-radius: 1rem;
      background: var(--_danger);
      color: var(--_danger-fg);
      font-size: 0.85em;
    }
    ul {
      margin: 0;
      padding: 0;
      list-style: none;
    }
    li > div {
      flex: 1;
      min-inline-size: 0;
    }
    li > button {
      flex: none;
    }
    li {
      display: flex;
      gap: var(--_gap);
      align-items: center;
      justify-content: space-between;
      padding-block: 0.25rem;
    }
    .who {
      display: block;
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .meta,
    .empty {
      margin: 0;
      color: var(--_muted-fg);
      font-size: 0.85em;
    }
    .missed .meta {
      color: var(--_danger);
    }
    button {
      padding: 0.25rem 0.6rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_key-bg);
      color: var(--_fg);
      font: inherit;
      cursor: pointer;
    }
    button:disabled {
      cursor: not-allowed;
      opacity: 0.55;
    }
    .visually-hidden {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `;

  /** The phone's client (set by the phone); read when online. */
  client: NotifyClient | null = null;

  /** The calls as last read; null before the first read. */
  private _calls: CallHistoryEntry[] | null = null;
  /** `startedAt` of the newest call seen (the list was open while it was there), and whose calls these are. */
  private _seen = '';
  #user = '';
  #phone: NotifyPhone | null = null;
  #open = false;
  #settle = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Only the newest read counts: an older one finishing later is dropped. */
  #reads = 0;
  readonly #refresh = () => this.refresh();
  /** A call ended (or the phone came online): read again, with a fresh round of re-reads if needed. */
  readonly #onChange = () => {
    this.#settle = 0;
    void this.refresh();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    const host = (this.getRootNode() as ShadowRoot).host as NotifyPhone | undefined;
    this.#phone = host ?? null;
    for (const type of ['notify-online', 'notify-call-disconnect', 'notify-call-cancel']) {
      host?.addEventListener(type, this.#onChange);
    }
    // The phone re-renders on its own changes only: follow its state for the call-back buttons.
    host?.addEventListener('notify-call-init', this.#update);
    host?.addEventListener('notify-offline', this.#update);
    // `client` was set before this element was defined: Lit applies it in the first update.
    if (host?.online) void this.updateComplete.then(this.#onChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const type of ['notify-online', 'notify-call-disconnect', 'notify-call-cancel']) {
      this.#phone?.removeEventListener(type, this.#onChange);
    }
    this.#phone?.removeEventListener('notify-call-init', this.#update);
    this.#phone?.removeEventListener('notify-offline', this.#update);
    clearTimeout(this.#timer);
  }

  readonly #update = () => this.requestUpdate();

  /** The calls missed since the list was last open. */
  get missed(): number {
    return (this._calls ?? []).filter((c) => c.outcome === 'missed' && c.startedAt > this._seen).length;
  }

  /** Re-reads the newest calls (errors are the phone's: it shows them). */
  async refresh(): Promise<void> {
    const phone = this.#phone;
    // A backend of the page's own without call history: no list, and no NOT_FOUND error nobody asked for.
    if (!phone?.online || (phone.config.backend && !phone.config.backend.listCallHistory)) return;
    clearTimeout(this.#timer);
    const read = ++this.#reads;
    const page = await this.client?.getCallHistory({ limit: PAGE });
    if (!page) return;
    if (read !== this.#reads || page.error) return;
    const user = this.client?.getSession()?.user ?? '';
    if (user !== this.#user) this._seen = readSeen((this.#user = user));
    this._calls = page.calls;
    if (this.#open) this.#markSeen();
    const unsettled = page.calls.some((c) => c.outcome === 'active') && !phone.inCall;
    if (unsettled && this.#settle < SETTLE_DELAYS_MS.length) {
      this.#timer = setTimeout(this.#refresh, SETTLE_DELAYS_MS[this.#settle++]);
    }
  }

  #markSeen(): void {
    const newest = this._calls?.[0]?.startedAt;
    if (!newest || newest <= this._seen) return;
    this._seen = newest;
    try {
      localStorage.setItem(SEEN_KEY + this.#user, newest);
    } catch {
      // not remembered across reloads; this page still clears the count
    }
  }

  #onToggle(event: Event): void {
    this.#open = (event.target as HTMLDetailsElement).open;
    if (this.#open) this.#markSeen();
  }

  #strings(): HistoryStrings {
    const overrides = (this.#phone?.strings ?? {}) as Partial<HistoryStrings>;
    return { ...historyStrings, ...overrides, outcome: { ...historyStrings.outcome, ...overrides.outcome } };
  }

  #entry(t: HistoryStrings, call: CallHistoryEntry) {
    const phone = this.#phone;
    const who = call.colleague?.name ?? call.number ?? t.unknownCaller;
    const target = call.colleague
      ? { userId: call.colleague.sys_id }
      : call.number
        ? { phoneNumber: call.number }
        : null;
    const started = new Date(call.startedAt);
    // Today's calls by their time, older ones by their date too.
    const today = started.toDateString() === new Date().toDateString();
    const when = started.toLocaleString(
      [],
      today ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' },
    );
    const meta = [t.outcome[call.outcome], call.duration ? clock(call.duration) : ''].filter(Boolean);
    return html`<li part="history-entry" class=${call.outcome}>
      <div>
        <span class="who">${who}</span>
        <p class="meta">
          <span aria-hidden="true">${call.direction === 'outbound' ? '↗' : '↙'}</span>
          <span class="visually-hidden">${call.direction === 'outbound' ? t.outgoing : t.incoming},</span>
          ${meta.join(' · ')} ·
          <time datetime=${call.startedAt}>${when}</time>
        </p>
      </div>
      ${
        target
          ? html`<button
              part="redial-button"
              type="button"
              aria-label=${format(t.callBackLabel, { name: who })}
              ?disabled=${!phone?.online || phone.inCall}
              @click=${() => phone?.call(target)}
            >
              ${t.callBack}
            </button>`
          : nothing
      }
    </li>`;
  }

  override render() {
    if (this._calls === null) return nothing;
    const t = this.#strings();
    const missed = this.missed;
    return html`<details part="history" @toggle=${this.#onToggle}>
        <summary>
          ${t.recentCalls}
          ${
            missed
              ? html`<span part="missed-count" class="badge"
                  >${format(t.missedCount, { count: missed })}</span
                >`
              : nothing
          }
        </summary>
        ${
          this._calls.length
            ? html`<ul part="history-list" aria-label=${t.recentCalls}>
                ${this._calls.map((call) => this.#entry(t, call))}
              </ul>`
            : html`<p part="history-empty" class="empty">${t.noCalls}</p>`
        }
      </details>
      <div class="visually-hidden" role="status">
        ${missed ? format(t.announceMissed, { count: missed }) : ''}
      </div>`;
  }
}

if (!customElements.get('notify-call-history'))
  customElements.define('notify-call-history', NotifyCallHistory);

declare global {
  interface HTMLElementTagNameMap {
    'notify-call-history': NotifyCallHistory;
  }
}
