import { html, nothing } from 'lit';
import { Status } from '../../client/constants.js';
import type { NotifyPhone } from '../notify-phone.js';
import type { BaseStrings } from '../strings.js';

/**
 * The actions of the open (not ringing) call: hang up, and mute as a toggle (`aria-pressed`).
 * @internal
 */
export function callActions(el: NotifyPhone, t: BaseStrings) {
  if (!el.inCall || el.ringing) return nothing;
  return html`<div part="actions" class="actions" role="group" aria-label=${t.callControls}>
    <button part="hangup-button" class="danger" type="button" @click=${() => el.hangupCall()}>
      ${t.hangUp}
    </button>
    <button
      part="mute-button"
      type="button"
      aria-pressed=${el.muted ? 'true' : 'false'}
      ?disabled=${el.status !== Status.OPEN}
      @click=${() => el.mute(!el.muted)}
    >
      ${t.mute}
    </button>
  </div>`;
}
