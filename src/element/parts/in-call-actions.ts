import { html } from 'lit';
import { Status } from '../../client/constants.js';
import type { NotifyPhone } from '../notify-phone.js';
import type { BaseStrings, NotifyPhoneStrings } from '../strings.js';
import { defaultCallStrings, type CallStrings } from './call-strings.js';
import { micIcon, phoneIcon } from './icons.js';

/**
 * The actions region's buttons while a call rings or is open (lazy, with the other call UI: calls exist
 * only online, and it loads once the phone is online). Ringing: Decline and Pick up. In a call: Mute as a
 * toggle (`aria-pressed`; its label and icon change) and Hang up. Large and round, with icons.
 * @internal
 */
export function inCallActions(el: NotifyPhone, base: BaseStrings & Partial<CallStrings>) {
  const t: NotifyPhoneStrings = { ...defaultCallStrings, ...base };
  const round = (part: string, kind: string, label: string, run: () => void) =>
    html`<button part=${part} class="round ${kind}" type="button" @click=${run}>
      ${phoneIcon()}<span class="label">${label}</span>
    </button>`;
  if (el.ringing) {
    return html`${round('decline-button', 'danger', t.decline, () => el.hangupCall())}
    ${round('pickup-button', 'accept', t.pickUp, () => el.pickupCall())}`;
  }
  const muted = el.muted;
  return html`<button
      part="mute-button"
      class="round toggle"
      type="button"
      aria-pressed=${muted ? 'true' : 'false'}
      ?disabled=${el.status !== Status.OPEN}
      @click=${() => el.mute(!muted)}
    >
      ${micIcon()}<span class="label">${muted ? t.unmute : t.mute}</span>
    </button>
    ${round('hangup-button', 'danger', t.hangUp, () => el.hangupCall())}`;
}
