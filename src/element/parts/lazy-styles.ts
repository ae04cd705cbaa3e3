import { css } from 'lit';

/**
 * The styles of the lazily loaded parts (the agent list, the forward dialog, the second line), adopted by the element's
 * shadow root together with them: the first load does without them.
 * @internal
 */
export const lazyStyles = css`
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
    grid-template-columns: 1fr auto;
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
  .more {
    flex-wrap: wrap;
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
    margin: 0;
  }
`;
