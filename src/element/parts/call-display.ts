import { html } from 'lit';
import type { NotifyController } from '../notify-controller.js';
import type { NotifyPhone } from '../notify-phone.js';
import type { BaseStrings } from '../strings.js';
import { callStrings, format, type CallStrings } from './call-strings.js';
import { partyName } from './display-number.js';

/**
 * The display region while a call rings, is open or is on hold (lazy, with the other call UI); undefined
 * without a call (the number form shows). Ringing: who is calling, with a ringing animation (still under
 * `prefers-reduced-motion`), replaceable through the `incoming` slot. In a call: who the call is with (a
 * number formatted once libphonenumber-js is loaded) and the digits sent (the latest stay visible).
 * @internal
 */
export function callDisplay(
  el: NotifyPhone,
  controller: NotifyController,
  base: BaseStrings & Partial<CallStrings>,
  sentDigits: string,
) {
  const incoming = controller.incoming;
  // A colleague by name (a consultation, a transfer's new party), as the list of calls shows them.
  const shown = (party: string) =>
    partyName(party, controller.agents, el.defaultCountry, () => el.requestUpdate());
  const strings = callStrings(base);
  // A call a colleague transferred here says so, under the caller (the backend names the colleague).
  const transferredBy = (agent: string | undefined, className: string) =>
    agent
      ? html`<p part="transferred-by" class=${className}>${format(strings.transferredBy, { agent })}</p>`
      : undefined;
  if (el.ringing && incoming) {
    const ringing = controller.calls.find((snapshot) => snapshot.call.callId === incoming.callId);
    return html`<section part="incoming" class="incoming" aria-labelledby="incoming-title">
      <span class="bell" aria-hidden="true"></span>
      <slot name="incoming">
        <h2 id="incoming-title" class="visually-hidden">${strings.incomingTitle}</h2>
        <p part="caller" class="caller">${shown(incoming.from)}</p>
        ${transferredBy(ringing?.call.transferredBy, 'transferred')}
      </slot>
    </section>`;
  }
  // The other party of the active call (a refused call() does not relabel it), else of the held one.
  const call = controller.client?.activeCall ?? (el.inCall ? null : heldOnly(controller));
  if (!el.inCall && !call) return undefined;
  const remote = call && shown(call[call.direction === 'incoming' ? 'from' : 'to']);
  // The line of the digits sent says who transferred the call until the first digit (no line is added).
  return html`<p part="remote" class="caller">${remote ?? ''}</p>
    ${
      (!sentDigits && transferredBy(call?.transferredBy, 'dtmf transferred')) ||
      html`<p part="dtmf" class="dtmf"><bdi>${sentDigits}</bdi></p>`
    }`;
}

/** The held call when it is the only one (nothing active, nothing ringing): the phone shows it as the call. */
export function heldOnly(controller: NotifyController) {
  const { calls } = controller;
  return calls.length === 1 && calls[0]!.held ? calls[0]!.call : null;
}
