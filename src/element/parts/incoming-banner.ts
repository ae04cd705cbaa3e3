import { html, nothing } from 'lit';
import type { NotifyIncomingCallDetail } from '../events.js';
import type { BaseStrings as NotifyPhoneStrings } from '../strings.js';

/**
 * The banner of a ringing incoming call: who calls, pick up, decline. Its content (not the buttons)
 * can be replaced through the `incoming` slot.
 * @internal
 */
export function incomingBanner(options: {
  strings: NotifyPhoneStrings;
  incoming: NotifyIncomingCallDetail | null;
  ringing: boolean;
  onPickup: () => void;
  onDecline: () => void;
}) {
  const { strings, incoming, ringing, onPickup, onDecline } = options;
  if (!ringing || !incoming) return nothing;
  return html`<section part="incoming" class="incoming" aria-labelledby="incoming-title">
    <slot name="incoming">
      <h2 id="incoming-title" class="incoming-title">${strings.incomingTitle}</h2>
      <p part="caller" class="caller">${incoming.from}</p>
    </slot>
    <div class="row">
      <button part="pickup-button" class="accept" type="button" @click=${onPickup}>${strings.pickUp}</button>
      <button part="decline-button" class="danger" type="button" @click=${onDecline}>
        ${strings.decline}
      </button>
    </div>
  </section>`;
}
