import { css } from 'lit';

/*
 * Every color goes through a --notify-phone-* property whose default is light-dark(light, dark): the scheme
 * follows prefers-color-scheme unless --notify-phone-color-scheme (or the page's color-scheme through it) says
 * otherwise (the colors only calls use are defined with their styles, lazy-styles.ts). The regions (head,
 * display, dial pad, actions) have reserved heights, so a state change never moves what is below; the element
 * is a container, and narrow ones get smaller keys (280 px to 480 px wide).
 */
export const styles = css`
  :host {
    color-scheme: var(--notify-phone-color-scheme, light dark);
    display: inline-block;
    box-sizing: border-box;
    inline-size: min(100%, var(--notify-phone-width, 20rem));
    min-inline-size: 0;
    container-type: inline-size;
    font: var(--notify-phone-font, 400 1rem/1.4 system-ui, sans-serif);
    --_bg: var(--notify-phone-background, light-dark(#fff, #1c1d21));
    --_fg: var(--notify-phone-foreground, light-dark(#1a1a1a, #ececf1));
    --_muted-fg: var(--notify-phone-muted-foreground, light-dark(#5a5a66, #a9a9b6));
    --_border: var(--notify-phone-border, light-dark(#8a8a96, #6b6b78));
    --_key-bg: var(--notify-phone-key-background, light-dark(#f1f2f5, #2b2c33));
    --_accent: var(--notify-phone-accent, light-dark(#0b6e31, #2fa35a));
    --_accent-fg: var(--notify-phone-accent-foreground, light-dark(#fff, #07140c));
    --_danger: var(--notify-phone-danger, light-dark(#b3261e, #f2685f));
    --_error-bg: var(--notify-phone-error-background, light-dark(#fdecea, #3a1512));
    --_error-fg: var(--notify-phone-error-foreground, light-dark(#8c1d18, #ffb4ab));
    --_focus: var(--notify-phone-focus-ring, light-dark(#1a56db, #8ab4ff));
    --_gap: var(--notify-phone-gap, 0.5rem);
    --_radius: var(--notify-phone-radius, 0.75rem);
    --_key: 3.25rem;
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  .base {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: var(--_gap);
    padding: calc(var(--_gap) * 2);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
    overflow-wrap: anywhere;
  }
  p {
    margin: 0;
  }
  /* Row 1: presence pill, the line-quality indicator and the timer (during a call: lazy-styles.ts). Row 2: status. */
  .head {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr) auto;
    align-items: center;
    gap: 0.25rem var(--_gap);
  }
  .status {
    grid-column: 1 / -1;
    min-block-size: 1.4em;
    font-weight: 600;
  }
  label,
  .hint,
  .key i {
    color: var(--_muted-fg);
  }
  .pill {
    display: inline-flex;
    gap: 0.375rem;
    align-items: center;
    flex: none;
    padding: 0.125rem 0.625rem;
    border-radius: 1rem;
    font-size: 0.875em;
  }
  .dot {
    inline-size: 0.625rem;
    block-size: 0.625rem;
    border-radius: 50%;
    background: var(--_border);
  }
  .available .dot {
    background: var(--_accent);
  }
  .unavailable .dot {
    background: var(--_danger);
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .error {
    display: flex;
    gap: var(--_gap);
    align-items: start;
    justify-content: space-between;
    padding: var(--_gap);
    border-radius: var(--_radius);
    background: var(--_error-bg);
    color: var(--_error-fg);
  }
  .error button {
    padding: 0 0.5rem;
    border: 0;
    background: none;
    color: inherit;
    font-size: 1.2em;
  }
  .display {
    display: grid;
    align-content: start;
    gap: 0.25rem;
    min-block-size: 6.25rem;
  }
  input {
    inline-size: 100%;
    min-inline-size: 0;
    padding: 0.5rem 0.625rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
    font: inherit;
    font-size: 1.25em;
  }
  input[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .hint {
    min-block-size: 1.4em;
    font-size: 0.875em;
  }
  [aria-invalid='true'] + .hint {
    color: var(--_error-fg);
  }
  .dial-pad {
    min-inline-size: 0;
    margin: 0;
    padding: 0;
    border: 0;
    display: grid;
    grid-template-columns: repeat(3, var(--_key));
    justify-content: space-evenly;
    gap: var(--_gap);
  }
  button {
    font: inherit;
    cursor: pointer;
    padding: 0.4rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_key-bg);
    color: var(--_fg);
  }
  .key {
    display: grid;
    place-content: center;
    block-size: var(--_key);
    padding: 0;
    border: 0;
    border-radius: 50%;
    line-height: 1.1;
  }
  .key b {
    font-size: 1.375em;
    font-weight: 400;
  }
  .key i {
    min-block-size: 1em;
    font-size: 0.625em;
    font-style: normal;
    letter-spacing: 0.1em;
  }
  .actions {
    display: flex;
    gap: 1.5rem;
    justify-content: center;
    min-block-size: 5.5rem;
  }
  .round {
    display: grid;
    justify-items: center;
    align-content: start;
    gap: 0.25rem;
    padding: 0;
    border: 0;
    background: none;
    font-size: 0.875em;
  }
  .icon {
    box-sizing: content-box;
    inline-size: 1.5rem;
    block-size: 1.5rem;
    padding: 1rem;
    border-radius: 50%;
    background: var(--_key-bg);
    fill: currentColor;
  }
  .accept .icon {
    background: var(--_accent);
    color: var(--_accent-fg);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.5;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  @container (max-width: 18rem) {
    .base {
      --_key: 2.75rem;
      padding: var(--_gap);
    }
    .icon {
      padding: 0.75rem;
    }
  }
  @container (min-width: 26rem) {
    .base {
      --_key: 3.75rem;
    }
  }
`;
