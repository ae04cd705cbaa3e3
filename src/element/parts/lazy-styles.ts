import { css } from 'lit';

/**
 * The styles of the lazily loaded parts (the agent list, the forward dialog), adopted by the element's
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
`;
