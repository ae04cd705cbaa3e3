import { html } from 'lit';

/*
 * The call buttons' icons, inline SVG (no icon font, no request) in currentColor, hidden from assistive
 * technology (the buttons carry their names as text). One handset serves call and hang-up (turned by CSS,
 * `.danger .icon`), which keeps the first load small. The in-call buttons' own icons (microphone, pause) load
 * with them (in-call-actions.ts).
 */
const HANDSET =
  'M6.6 10.8a15 15 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11 11 0 0 0 3.6.6 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.6 3.6a1 1 0 0 1-.25 1z';

/** A handset: call, pick up; turned down: hang up, decline. */
export const phoneIcon = () =>
  html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d=${HANDSET} /></svg>`;
