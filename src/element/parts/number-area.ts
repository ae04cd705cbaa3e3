import { html } from 'lit';
import type { NotifyPhone } from '../notify-phone.js';
import type { BaseStrings } from '../strings.js';

/**
 * The display region (its height reserved, so nothing below moves). Idle: the number form, with the
 * explanation of a number that cannot be called (`aria-invalid`, `aria-describedby`). While a call rings, is
 * open or is on hold: `inCall` (parts/call-display.ts, lazy; undefined when idle).
 * @internal
 */
export function numberArea(
  el: NotifyPhone,
  t: BaseStrings,
  inCall: unknown,
  options: {
    invalid: boolean;
    onInput: (event: Event) => void;
    onFocus: () => void;
    onCall: (event: Event) => void;
  },
) {
  if (inCall) return html`<div class="display">${inCall}</div>`;
  return html`<form part="number-form" id="number-form" class="display number-form" @submit=${options.onCall}>
    <label part="number-label" for="number">${t.numberLabel}</label>
    <input
      part="number-input"
      id="number"
      name="number"
      type="tel"
      inputmode="tel"
      autocomplete="off"
      placeholder=${t.numberPlaceholder}
      aria-invalid=${options.invalid ? 'true' : 'false'}
      aria-describedby="number-hint"
      ?disabled=${!el.online}
      .value=${el.number}
      @input=${options.onInput}
      @focus=${options.onFocus}
    />
    <p part="number-hint" id="number-hint" class="hint">${options.invalid ? t.invalidNumber : ''}</p>
  </form>`;
}
