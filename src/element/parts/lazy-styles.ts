import { css } from 'lit';

/**
 * The styles of the lazily loaded parts (the call's display and buttons, the ringing animation, the agent list, the forward dialog, the second line), adopted by the element's
 * shadow root together with them: the first load does without them.
 * @internal
 */
export const lazyStyles = css`
  /* The colors only calls use (the others: notify-phone.styles.ts). */
  :host {
    --_danger-fg: var(--notify-phone-danger-foreground, light-dark(#fff, #1f0503));
    --_banner-bg: var(--notify-phone-banner-background, light-dark(#e7f3ec, #15321f));
  }
  /* The header's line-quality indicator (it shrinks, never wraps) and the call timers. */
  .head > notify-call-quality {
    overflow: hidden;
    white-space: nowrap;
  }
  .timer {
    color: var(--_muted-fg);
    font-variant-numeric: tabular-nums;
  }
  /* The headings and disclosures of the lazy parts (the first render has none). */
  h2,
  h3 {
    margin: 0;
    font-size: 1em;
  }
  summary {
    font: inherit;
    cursor: pointer;
  }
  .agents-panel summary {
    padding: 0.25rem 0;
  }
  .notice {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    align-items: center;
    padding: var(--_gap);
    border-radius: var(--_radius);
    background: var(--_banner-bg);
    font-size: 0.875em;
  }
  .incoming {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr);
    column-gap: var(--_gap);
    align-items: center;
    padding: var(--_gap);
    border-radius: var(--_radius);
    background: var(--_banner-bg);
  }
  .incoming slot {
    display: block;
  }
  .bell {
    inline-size: 1rem;
    block-size: 1rem;
    border-radius: 50%;
    background: var(--_accent);
    animation: ring 1.2s ease-out infinite;
  }
  @keyframes ring {
    from {
      box-shadow: 0 0 0 0 var(--_accent);
    }
    to {
      box-shadow: 0 0 0 0.75rem transparent;
    }
  }
  .caller {
    font-size: 1.375em;
    font-weight: 600;
    min-block-size: 1.4em;
  }
  .caller,
  .dtmf {
    font-variant-numeric: tabular-nums;
  }
  .dtmf {
    color: var(--_muted-fg);
    min-block-size: 1.4em;
    overflow: hidden;
    white-space: nowrap;
    direction: rtl;
    text-align: left;
    text-overflow: ellipsis;
    font-family: ui-monospace, monospace;
    letter-spacing: 0.1em;
  }
  .transferred {
    margin: 0;
    color: var(--_muted-fg);
    font-size: 0.875em;
    font-family: inherit;
    letter-spacing: normal;
    direction: ltr;
  }
  .danger .icon {
    background: var(--_danger);
    color: var(--_danger-fg);
    rotate: 135deg;
  }
  [aria-pressed='false'] .slash {
    display: none;
  }
  [aria-pressed='true'] .icon {
    background: var(--_fg);
    color: var(--_bg);
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  @media (prefers-reduced-motion: reduce) {
    .bell {
      animation: none;
    }
  }
  .agents {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .agent {
    display: flex;
    gap: var(--_gap);
    align-items: center;
    justify-content: space-between;
    padding-block: 0.25rem;
  }
  .empty {
    margin: 0.25rem 0;
    color: var(--_muted-fg);
  }
  dialog {
    max-inline-size: min(24rem, 90vw);
    padding: calc(var(--_gap) * 2);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
  }
  dialog[open] {
    display: grid;
    gap: var(--_gap);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.4);
  }
  dialog form {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    gap: 0.25rem var(--_gap);
    align-items: stretch;
  }
  dialog label {
    grid-column: 1 / -1;
  }
  .calls {
    display: grid;
    gap: calc(var(--_gap) / 2);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .call {
    display: grid;
    grid-template: 'party timer' 'state action' / minmax(0, 1fr) auto;
    gap: 0 var(--_gap);
    align-items: center;
    padding: calc(var(--_gap) / 2) var(--_gap);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .call-party {
    grid-area: party;
    overflow: hidden;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .call .timer {
    grid-area: timer;
    justify-self: end;
  }
  .call-state {
    grid-area: state;
    color: var(--_muted-fg);
    font-size: 0.875em;
  }
  .call button {
    grid-area: action;
    padding: 0.1rem 0.6rem;
  }
  /* The list names every call: the line naming the active one would repeat it. */
  .calls ~ [part~='remote'] {
    display: none;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    align-items: center;
  }
  .more {
    flex-wrap: wrap;
    gap: var(--_gap);
    min-block-size: 0;
  }
  .more button[aria-pressed='true'] {
    background: var(--_fg);
    color: var(--_bg);
  }
  button.accept:not(:disabled, .round),
  button.danger:not(:disabled, .round) {
    border-color: transparent;
    background: var(--_accent);
    color: var(--_accent-fg);
  }
  button.danger:not(:disabled, .round) {
    background: var(--_danger);
    color: var(--_danger-fg);
  }
  .more button {
    flex: 1 1 auto;
  }
  .mode {
    display: grid;
    gap: 0.25rem;
    margin: 0;
    padding: var(--_gap);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .mode label {
    display: flex;
    gap: var(--_gap);
    align-items: center;
    color: var(--_fg);
  }
  .mode input {
    flex: none;
    inline-size: auto;
    margin: 0;
  }
`;
