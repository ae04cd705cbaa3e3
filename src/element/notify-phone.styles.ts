import { css } from 'lit';

/*
 * Every color goes through a --notify-phone-* property whose default is light-dark(light, dark):
 * the scheme follows prefers-color-scheme unless --notify-phone-color-scheme (or the page's
 * color-scheme through it) says otherwise.
 */
export const styles = css`
  :host {
    color-scheme: var(--notify-phone-color-scheme, light dark);
    display: inline-block;
    inline-size: var(--notify-phone-width, 18rem);
    font: var(--notify-phone-font, 400 1rem/1.4 system-ui, sans-serif);
    --_bg: var(--notify-phone-background, light-dark(#ffffff, #1c1d21));
    --_fg: var(--notify-phone-foreground, light-dark(#1a1a1a, #ececf1));
    --_muted-fg: var(--notify-phone-muted-foreground, light-dark(#5a5a66, #a9a9b6));
    --_border: var(--notify-phone-border, light-dark(#8a8a96, #6b6b78));
    --_key-bg: var(--notify-phone-key-background, light-dark(#f1f2f5, #2b2c33));
    --_accent: var(--notify-phone-accent, light-dark(#0b6e31, #2fa35a));
    --_accent-fg: var(--notify-phone-accent-foreground, light-dark(#ffffff, #07140c));
    --_danger: var(--notify-phone-danger, light-dark(#b3261e, #f2685f));
    --_danger-fg: var(--notify-phone-danger-foreground, light-dark(#ffffff, #1f0503));
    --_banner-bg: var(--notify-phone-banner-background, light-dark(#e7f3ec, #15321f));
    --_error-bg: var(--notify-phone-error-background, light-dark(#fdecea, #3a1512));
    --_error-fg: var(--notify-phone-error-foreground, light-dark(#8c1d18, #ffb4ab));
    --_focus: var(--notify-phone-focus-ring, light-dark(#1a56db, #8ab4ff));
    --_gap: var(--notify-phone-gap, 0.5rem);
    --_radius: var(--notify-phone-radius, 0.5rem);
  }
  :host([hidden]) {
    display: none;
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
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    align-items: center;
  }
  .status-row {
    flex-wrap: nowrap;
    align-items: start;
  }
  .status {
    flex: 1;
    margin: 0;
    font-weight: 600;
  }
  .timer {
    font-variant-numeric: tabular-nums;
    color: var(--_muted-fg);
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
    background: transparent;
    color: inherit;
    font-size: 1.2em;
  }
  .incoming {
    display: grid;
    gap: var(--_gap);
    padding: var(--_gap);
    border-radius: var(--_radius);
    background: var(--_banner-bg);
  }
  h2,
  h3 {
    margin: 0;
    font-size: 1em;
  }
  .caller {
    margin: 0;
    font-size: 1.25em;
    font-variant-numeric: tabular-nums;
  }
  .number-form {
    display: grid;
    gap: calc(var(--_gap) / 2);
  }
  label,
  .dtmf {
    color: var(--_muted-fg);
  }
  .dtmf {
    margin: 0;
    font-family: ui-monospace, monospace;
    letter-spacing: 0.1em;
  }
  input {
    flex: 1;
    min-inline-size: 0;
    font: inherit;
    padding: 0.4rem 0.5rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
  }
  .dial-pad {
    display: grid;
    grid-template-columns: repeat(3, 1fr);
    gap: var(--_gap);
  }
  .key {
    display: grid;
    justify-items: center;
    padding: 0.35rem 0;
    line-height: 1.1;
  }
  .digit {
    font-size: 1.25em;
  }
  .letters {
    min-block-size: 1em;
    font-size: 0.65em;
    letter-spacing: 0.1em;
    color: var(--_muted-fg);
  }
  .actions {
    display: flex;
    gap: var(--_gap);
  }
  .actions button {
    flex: 1 1 auto;
    padding-inline: 0.5rem;
    white-space: nowrap;
  }
  button,
  summary {
    font: inherit;
    cursor: pointer;
  }
  button {
    padding: 0.4rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_key-bg);
    color: var(--_fg);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  button.accept:not(:disabled) {
    background: var(--_accent);
    border-color: transparent;
    color: var(--_accent-fg);
  }
  button.danger:not(:disabled) {
    background: var(--_danger);
    border-color: transparent;
    color: var(--_danger-fg);
  }
  button[aria-pressed='true'] {
    background: var(--_fg);
    color: var(--_bg);
  }
  .switch {
    display: flex;
    gap: var(--_gap);
    align-items: center;
    justify-self: start;
    padding: 0.25rem 0;
    border: 0;
    background: transparent;
  }
  .track {
    position: relative;
    inline-size: 2.25rem;
    block-size: 1.25rem;
    border-radius: 1rem;
    background: var(--_border);
    transition: background 0.15s;
  }
  .track::after {
    content: '';
    position: absolute;
    inset-block-start: 0.125rem;
    inset-inline-start: 0.125rem;
    inline-size: 1rem;
    block-size: 1rem;
    border-radius: 50%;
    background: var(--_bg);
    transition: translate 0.15s;
  }
  .switch[aria-checked='true'] .track {
    background: var(--_accent);
  }
  .switch[aria-checked='true'] .track::after {
    translate: 1rem 0;
  }
  .agents-panel summary {
    padding: 0.25rem 0;
  }
  @media (prefers-reduced-motion: reduce) {
    .track,
    .track::after {
      transition: none;
    }
  }
`;
