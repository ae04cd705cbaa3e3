import { html } from 'lit';
import type { BaseStrings as NotifyPhoneStrings } from '../strings.js';

/** The twelve keys of a phone, in the order they are laid out. */
export const DIAL_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
export type DialKey = (typeof DIAL_KEYS)[number];

/** Letters under the digits, as on a phone (decoration only, hidden from assistive technology). */
const LETTERS: Partial<Record<DialKey, string>> = {
  '2': 'ABC',
  '3': 'DEF',
  '4': 'GHI',
  '5': 'JKL',
  '6': 'MNO',
  '7': 'PQRS',
  '8': 'TUV',
  '9': 'WXYZ',
};

export function isDialKey(key: string): key is DialKey {
  return (DIAL_KEYS as readonly string[]).includes(key);
}

/**
 * The dial pad: twelve buttons in a labelled group. Before a call it appends to the number,
 * in a call it is the keypad that sends DTMF (`inCall` changes only its label).
 * @internal
 */
export function dialPad(options: {
  strings: NotifyPhoneStrings;
  inCall: boolean;
  disabled: boolean;
  onKey: (key: DialKey) => void;
}) {
  const { strings, inCall, disabled, onKey } = options;
  const spoken = (key: DialKey) => (key === '*' ? strings.keyStar : key === '#' ? strings.keyPound : null);
  // Digits name themselves; * and # get a spoken name. Letters are decoration.
  const face = (key: DialKey) => {
    const name = spoken(key);
    return name === null
      ? html`<span class="digit">${key}</span>`
      : html`<span class="digit" aria-hidden="true">${key}</span
          ><span class="visually-hidden">${name}</span>`;
  };
  return html`<div
    part="dial-pad"
    class="dial-pad"
    role="group"
    aria-label=${inCall ? strings.inCallKeypad : strings.dialPad}
  >
    ${DIAL_KEYS.map(
      (key) =>
        html`<button
          part="dial-key"
          class="key"
          type="button"
          data-key=${key}
          ?disabled=${disabled}
          @click=${() => onKey(key)}
        >
          ${face(key)}<span class="letters" aria-hidden="true">${LETTERS[key] ?? ''}</span>
        </button>`,
    )}
  </div>`;
}
