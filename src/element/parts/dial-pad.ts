import { html } from 'lit';
import type { BaseStrings as NotifyPhoneStrings } from '../strings.js';

/** The twelve keys of a phone, in the order they are laid out. */
export const DIAL_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
export type DialKey = (typeof DIAL_KEYS)[number];

/** Letters under the digits, as on a phone (decoration, hidden from assistive technology); 0 has its +. */
const LETTERS = ['', 'ABC', 'DEF', 'GHI', 'JKL', 'MNO', 'PQRS', 'TUV', 'WXYZ', '', '+', ''];

export function isDialKey(key: string): key is DialKey {
  return (DIAL_KEYS as readonly string[]).includes(key);
}

/** How long 0 is held to type + (as on a phone). */
const LONG_PRESS_MS = 600;
let longPress: { timer: ReturnType<typeof setTimeout>; fired: boolean } | undefined;

const keyOf = (event: Event) => (event.target as Element).closest<HTMLElement>('.key');

/** Arrow keys, Home and End move the focus in the 3×4 grid: one tab stop for the whole pad (roving tabindex). */
function onGridKey(event: KeyboardEvent): void {
  const keys = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('.key')];
  const from = keys.indexOf(event.target as HTMLButtonElement);
  const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -3, ArrowDown: 3 };
  let to = event.key === 'Home' ? 0 : event.key === 'End' ? 11 : from + (step[event.key] ?? NaN);
  if (from < 0 || Number.isNaN(to)) return;
  event.preventDefault();
  to = Math.min(11, Math.max(0, to));
  keys[from]!.tabIndex = -1;
  keys[to]!.tabIndex = 0;
  keys[to]!.focus();
}

/** The key last focused keeps the pad's tab stop. */
function onFocusIn(event: FocusEvent): void {
  for (const key of (event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('.key')) {
    key.tabIndex = key === event.target ? 0 : -1;
  }
}

const release = () => clearTimeout(longPress?.timer);

/**
 * The pad as one template whose twelve keys are static markup, made once from DIAL_KEYS: with a template per
 * key, the first render in a fresh page cloned twelve instances and committed sixty parts (the keys' labels,
 * letters and tab stops); now the pad has ten bindings. Lit accepts strings that are not a tagged literal
 * when they are an array carrying `raw`, as a literal's are; this markup is made of our constants only.
 * The holes, in order: the pad's label, `?disabled`, six listeners, the labels of * and #.
 */
const PAD = (() => {
  const keys = DIAL_KEYS.map(
    (key, index) =>
      `<button part="dial-key" class="key" type="button" data-key="${key}" tabindex="${index ? -1 : 0}"` +
      `${key === '*' || key === '#' ? ' aria-label=\0' : ''}><b>${key}</b><i aria-hidden="true">${LETTERS[index]}</i></button>`,
  );
  const strings =
    `<fieldset part="dial-pad" class="dial-pad" aria-label=\0 ?disabled=\0 @click=\0 @pointerdown=\0 @pointerup=\0 @pointerout=\0 @keydown=\0 @focusin=\0>${keys.join('')}</fieldset>`.split(
      '\0',
    );
  return Object.assign(strings, { raw: strings }) as unknown as TemplateStringsArray;
})();

/**
 * The dial pad: twelve buttons in a fieldset (a labelled group that disables them all at once), one tab stop
 * (arrows move within it). Before a call it appends to the number (holding 0 types +), in a call it is the
 * keypad that sends DTMF. Their events are delegated to the pad and the fieldset disables them all: each key
 * is static markup (PAD, above).
 * @internal
 */
export function dialPad(options: {
  strings: NotifyPhoneStrings;
  inCall: boolean;
  disabled: boolean;
  onKey: (key: DialKey | '+') => void;
}) {
  const { strings, inCall, disabled, onKey } = options;
  const press = (event: Event) => {
    if (inCall || keyOf(event)?.dataset.key !== '0') return;
    const state = {
      fired: false,
      timer: setTimeout(() => ((state.fired = true), onKey('+')), LONG_PRESS_MS),
    };
    longPress = state;
  };
  const click = (event: Event) => {
    const key = keyOf(event)?.dataset.key as DialKey | undefined;
    const held = longPress?.fired;
    longPress = undefined;
    if (key && !(key === '0' && held)) onKey(key);
  };
  return html(
    PAD,
    inCall ? strings.inCallKeypad : strings.dialPad,
    disabled,
    click,
    press,
    release,
    release,
    onGridKey,
    onFocusIn,
    strings.keyStar,
    strings.keyPound,
  );
}
