import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-block;
    font: var(--notify-phone-font, inherit);
    --_gap: var(--notify-phone-gap, 0.5rem);
    --_radius: var(--notify-phone-radius, 0.375rem);
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    display: grid;
    gap: var(--_gap);
    min-width: 14rem;
  }
  .status {
    margin: 0;
    font-weight: 600;
  }
  input {
    font: inherit;
    padding: 0.4rem 0.5rem;
    border: 1px solid #767676;
    border-radius: var(--_radius);
  }
  .dialpad {
    display: grid;
    grid-template-columns: repeat(3, 1fr);
    gap: var(--_gap);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
  }
  button {
    font: inherit;
    padding: 0.4rem 0.75rem;
    border: 1px solid #767676;
    border-radius: var(--_radius);
    background: #fff;
    color: #1a1a1a;
    cursor: pointer;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  button.call:not(:disabled) {
    background: var(--notify-phone-accent, #0b6e31);
    border-color: transparent;
    color: #fff;
  }
  button.hangup:not(:disabled) {
    background: var(--notify-phone-danger, #b3261e);
    border-color: transparent;
    color: #fff;
  }
  button[aria-pressed='true'] {
    background: #1a1a1a;
    color: #fff;
  }
`;
