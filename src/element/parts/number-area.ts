import { html, nothing } from 'lit';
import type { NotifyController } from '../notify-controller.js';
import type { NotifyPhone } from '../notify-phone.js';
import type { BaseStrings } from '../strings.js';

/**
 * The number region: the number form before a call; in a call, who the call is with and the digits sent.
 * @internal
 */
export function numberArea(
  el: NotifyPhone,
  controller: NotifyController,
  t: BaseStrings,
  options: { sentDigits: string; onInput: (event: Event) => void; onCall: (event: Event) => void },
) {
  if (el.inCall) {
    if (el.ringing) return nothing;
    // The other party of the active call (a refused call() does not relabel it).
    const call = controller.client?.activeCall;
    const remote = call?.[call.direction === 'incoming' ? 'from' : 'to'].replace('client:', '');
    return html`${remote ? html`<p part="remote" class="caller">${remote}</p>` : nothing}
    ${
      options.sentDigits
        ? html`<p part="dtmf" class="dtmf" aria-label=${t.inCallKeypad}>${options.sentDigits}</p>`
        : nothing
    }`;
  }
  return html`<form part="number-form" class="number-form" @submit=${options.onCall}>
    <label part="number-label" for="number">${t.numberLabel}</label>
    <div class="row">
      <input
        part="number-input"
        id="number"
        name="number"
        type="tel"
        inputmode="tel"
        autocomplete="off"
        placeholder=${t.numberPlaceholder}
        .value=${el.number}
        @input=${options.onInput}
      />
      <button part="call-button" class="accept" type="submit" ?disabled=${!el.online}>${t.call}</button>
    </div>
  </form>`;
}
