import { html } from 'lit';
import type { BaseStrings as NotifyPhoneStrings } from '../strings.js';

/** The twelve keys of a phone, in the order they are laid out. */
export const DIAL_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
export type DialKey = (typeof DIAL_KEYS)[number];

/** Letters under the digits, as on a phone (decoration only, hidden from assistive technology); 0 has its +. */
const LETTERS: Partial<Record<DialKey, string>> = {
  '2': 'ABC',
  '3': 'DEF',
  '4': 'GHI',
  '5': 'JKL',
  '6': 'MNO',
  '7': 'PQRS',
  '8': 'TUV',
  '9': 'WXYZ',
  '0': '+',
};

export function isDialKey(key: string): key is DialKey {
  return (DIAL_KEYS as readonly string[]).includes(key);
}

/** How long 0 is held to type + (as on a phone). */
const LONG_PRESS_MS = 600;
let longPress: { timer: ReturnType<typeof setTimeout>; fired: boolean } | undefined;

/** Arrow keys, Home and End move the focus in the 3×4 grid: one tab stop for the whole pad (roving tabindex). */
function onGridKey(event: KeyboardEvent): void {
  const keys = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('.key')];
  const from = keys.indexOf(event.target as HTMLButtonElement);
  const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -3, ArrowDown: 3 };
  let to = event.key === 'Home' ? 0 : event.key === 'End' ? keys.length - 1 : from + (step[event.key] ?? NaN);
  if (from < 0 || Number.isNaN(to)) return;
  event.preventDefault();
  to = Math.min(keys.length - 1, Math.max(0, to));
  keys[from]!.tabIndex = -1;
  keys[to]!.tabIndex = 0;
  keys[to]!.focus();
}

/** The key last focused keeps the pad's tab stop. */
function onFocusIn(event: FocusEvent): void {
  const target = event.target as HTMLElement;
  for (const key of (event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('.key')) {
    key.tabIndex = key === target ? 0 : -1;
  }
}

/**
 * The dial pad: twelve buttons in a labelled group, one tab stop (arrows move within it). Before a call it
 * appends to the number (holding 0 types +), in a call it is the keypad that sends DTMF.
 * @internal
 */
export function dialPad(options: {
  strings: NotifyPhoneStrings;
  inCall: boolean;
  disabled: boolean;
  onKey: (key: DialKey | '+') => void;
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
  const press = (key: DialKey) => {
    if (key !== '0' || inCall) return;
    const state = {
      fired: false,
      timer: setTimeout(() => ((state.fired = true), onKey('+')), LONG_PRESS_MS),
    };
    longPress = state;
  };
  const release = () => clearTimeout(longPress?.timer);
  const click = (key: DialKey) => {
    const fired = key === '0' && longPress?.fired;
    longPress = undefined;
    if (!fired) onKey(key);
  };
  return html`<div
    part="dial-pad"
    class="dial-pad"
    role="group"
    aria-label=${inCall ? strings.inCallKeypad : strings.dialPad}
    @keydown=${onGridKey}
    @focusin=${onFocusIn}
  >
    ${DIAL_KEYS.map(
      (key, index) =>
        html`<button
          part="dial-key"
          class="key"
          type="button"
          tabindex=${index === 0 ? 0 : -1}
          data-key=${key}
          ?disabled=${disabled}
          @pointerdown=${() => press(key)}
          @pointerup=${release}
          @pointerleave=${release}
          @click=${() => click(key)}
        >
          ${face(key)}<span class="letters" aria-hidden="true">${LETTERS[key] ?? ''}</span>
        </button>`,
    )}
  </div>`;
}
