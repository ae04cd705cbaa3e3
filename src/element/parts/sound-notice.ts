import { html, nothing } from 'lit';
import type { NotifyPhone } from '../notify-phone.js';
import type { BaseStrings, NotifyPhoneStrings } from '../strings.js';
import { callStrings, type CallStrings } from './call-strings.js';

/** Per element: the suspended AudioContext that showed sound is blocked, or null once sound may play. */
const contexts = new WeakMap<NotifyPhone, AudioContext | null>();

/**
 * Browsers play no sound (the ringtone, the ringback) before the user has interacted with the page; an
 * AudioContext made before that starts `suspended`. Then the phone says so and offers one click to turn
 * sound on (the click is the interaction; resuming the context confirms it). Any click or key on the page
 * does the same, and the notice goes.
 */
function blocked(el: NotifyPhone): AudioContext | null {
  if (contexts.has(el)) return contexts.get(el)!;
  let context: AudioContext | null = null;
  if (window.AudioContext && navigator.userActivation?.hasBeenActive === false) {
    context = new AudioContext();
    if (context.state !== 'suspended') {
      void context.close();
      context = null;
    }
  }
  contexts.set(el, context);
  if (context) {
    const unblocked = () => enable(el);
    for (const type of ['pointerdown', 'keydown'])
      addEventListener(type, unblocked, { once: true, capture: true });
  }
  return context;
}

function enable(el: NotifyPhone): void {
  const context = contexts.get(el);
  contexts.set(el, null);
  if (context) void context.resume().finally(() => context.close());
  el.requestUpdate();
}

/**
 * The notice that sound is blocked by the browser's autoplay rules, with its "Turn sound on" button
 * (lazy, with the call UI: it matters once calls can ring).
 * @internal
 */
export function soundNotice(el: NotifyPhone, base: BaseStrings & Partial<CallStrings>) {
  if (!el.online || !blocked(el)) return nothing;
  const t: NotifyPhoneStrings = callStrings(base);
  return html`<p part="sound-notice" class="notice" role="status">
    <span>${t.soundBlocked}</span>
    <button part="enable-sound-button" type="button" @click=${() => enable(el)}>${t.enableSound}</button>
  </p>`;
}
