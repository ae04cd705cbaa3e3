import { html } from 'lit';
import { Status } from '../../client/constants.js';
import type { NotifyController } from '../notify-controller.js';
import type { NotifyPhone } from '../notify-phone.js';
import type { BaseStrings, NotifyPhoneStrings } from '../strings.js';
import { heldOnly } from './call-display.js';
import { callStrings, type CallStrings } from './call-strings.js';
import { phoneIcon } from './icons.js';

/** A microphone; its stroke (`.slash`) shows while muted (CSS, `[aria-pressed='true']`). */
const micIcon = () =>
  html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
    <path
      d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zM5 11a7 7 0 0 0 14 0h-2a5 5 0 0 1-10 0zm6 6h2v4h-2z"
    />
    <path class="slash" d="M3 4.4 4.4 3 21 19.6 19.6 21z" />
  </svg>`;

/** Two bars: hold; pressed (held), the same bars in the pressed colours (the label says Resume). */
const pauseIcon = () =>
  html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M7 5h4v14H7zm6 0h4v14h-4z" /></svg>`;

/** Phones whose hold or resume is on its way to the server (the toggle ignores presses until it is done). */
const switching = new WeakSet<NotifyPhone>();

/**
 * The actions region's buttons while a call rings, is open or is on hold (lazy, with the other call UI: calls
 * exist only online, and it loads once the phone is online); undefined without a call (the Call button shows).
 * Ringing: Decline and Pick up. In a call: Mute and Hold as toggles (`aria-pressed`; their labels and icons
 * change: Unmute, Resume) and Hang up. The only call on hold keeps this row: Hold pressed (Resume) and Hang up
 * (it ends the held call). Large and round, with icons.
 * @internal
 */
export function inCallActions(
  el: NotifyPhone,
  controller: NotifyController,
  base: BaseStrings & Partial<CallStrings>,
) {
  const t: NotifyPhoneStrings = callStrings(base);
  const held = el.inCall ? null : heldOnly(controller);
  if (!el.inCall && !held) return undefined;
  const round = (part: string, kind: string, label: string, run: () => void) =>
    html`<button part=${part} class="round ${kind}" type="button" @click=${run}>
      ${phoneIcon()}<span class="label">${label}</span>
    </button>`;
  if (el.ringing) {
    return html`${round('decline-button', 'danger', t.decline, () => el.hangupCall())}
    ${round('pickup-button', 'accept', t.pickUp, () => el.pickupCall())}`;
  }
  const muted = el.muted;
  const open = el.status === Status.OPEN;
  // Hold applies to an open call that is the only one: a waiting call or a consultation has its own controls.
  const holdable = open && controller.calls.length === 1;
  const toggleHold = () => {
    // Pressed again before the server answered: one request at a time (the button stays focusable).
    if (switching.has(el)) return;
    switching.add(el);
    el.requestUpdate();
    void (held ? el.resumeCall(held) : el.holdCall()).finally(() => {
      switching.delete(el);
      el.requestUpdate();
    });
  };
  return html`<button
      part="mute-button"
      class="round toggle"
      type="button"
      aria-pressed=${muted ? 'true' : 'false'}
      ?disabled=${!open}
      @click=${() => el.mute(!muted)}
    >
      ${micIcon()}<span class="label">${muted ? t.unmute : t.mute}</span>
    </button>
    <button
      part="hold-button"
      class="round toggle"
      type="button"
      aria-pressed=${held ? 'true' : 'false'}
      aria-disabled=${switching.has(el) ? 'true' : 'false'}
      ?disabled=${!(held || holdable)}
      @click=${toggleHold}
    >
      ${pauseIcon()}<span class="label">${held ? t.resume : t.hold}</span>
    </button>
    ${round('hangup-button', 'danger', t.hangUp, () => (held ? held.hangup() : el.hangupCall()))}`;
}
