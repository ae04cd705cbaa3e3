import { html } from 'lit';
import type { NotifyController } from '../notify-controller.js';
import type { NotifyPhone } from '../notify-phone.js';
import type { BaseStrings } from '../strings.js';
import { defaultCallStrings, type CallStrings } from './call-strings.js';

/**
 * The display region while a call rings or is open (lazy, with the other call UI). Ringing: who is calling,
 * with a ringing animation (still under `prefers-reduced-motion`), replaceable through the `incoming` slot.
 * In a call: who the call is with and the digits sent (the latest stay visible).
 * @internal
 */
export function callDisplay(
  el: NotifyPhone,
  controller: NotifyController,
  base: BaseStrings & Partial<CallStrings>,
  sentDigits: string,
) {
  const incoming = controller.incoming;
  if (el.ringing && incoming) {
    return html`<section part="incoming" class="incoming" aria-labelledby="incoming-title">
      <span class="bell" aria-hidden="true"></span>
      <slot name="incoming">
        <h2 id="incoming-title" class="visually-hidden">
          ${base.incomingTitle ?? defaultCallStrings.incomingTitle}
        </h2>
        <p part="caller" class="caller">${incoming.from.replace('client:', '')}</p>
      </slot>
    </section>`;
  }
  // The other party of the active call (a refused call() does not relabel it).
  const call = controller.client?.activeCall;
  const remote = call?.[call.direction === 'incoming' ? 'from' : 'to'].replace('client:', '');
  return html`<p part="remote" class="caller">${remote ?? ''}</p>
    <p part="dtmf" class="dtmf"><bdi>${sentDigits}</bdi></p>`;
}
