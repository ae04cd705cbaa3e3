import { html } from 'lit';
import type { NotifyPhone } from '../notify-phone.js';
import type { BaseStrings } from '../strings.js';
import { phoneIcon } from './icons.js';

/**
 * The actions region (its height reserved): idle, the large round Call button (it submits the number form);
 * while a call rings, is open or is on hold, the buttons of `inCall` (parts/in-call-actions.ts, lazy; undefined
 * when idle).
 * @internal
 */
export function callActions(el: NotifyPhone, t: BaseStrings, inCall: unknown) {
  return html`<div part="actions" class="actions" role="group" aria-label=${t.callControls}>
    ${
      inCall ??
      html`<button
        part="call-button"
        class="round accept"
        type="submit"
        form="number-form"
        ?disabled=${!el.online}
      >
        ${phoneIcon()}<span class="label">${t.call}</span>
      </button>`
    }
  </div>`;
}
