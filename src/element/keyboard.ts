import { isDialKey, type DialKey } from './parts/dial-pad.js';

const tagOf = (event: Event) => (event.composedPath()[0] as Element | undefined)?.localName ?? '';
const TYPING_TARGETS: ReadonlySet<string> = new Set(['input', 'textarea', 'select']);
const ACTIVATING_TARGETS: ReadonlySet<string> = new Set(['button', 'summary', 'a', 'input', 'textarea']);

/** What the phone's keys act on. @internal */
export interface KeyboardTarget {
  readonly ringing: boolean;
  readonly inCall: boolean;
  /** A dialog is open: it has its own keys (Escape closes it). */
  dialogOpen(): boolean;
  dial(key: DialKey): void;
  /** Backspace outside the number field: the last digit goes. */
  erase(): void;
  /** Enter outside a button: call the number. */
  submit(): void;
  pickupCall(): void;
  hangupCall(): void;
}

/**
 * The element's keyboard: digits, `*` and `#` typed anywhere dial (or send DTMF in a call), Backspace
 * deletes, Enter calls or picks up, Escape hangs up or declines. Keys meant for a field or a button stay theirs.
 * @internal
 */
export function onPhoneKeydown(target: KeyboardTarget, event: KeyboardEvent): void {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  if (target.dialogOpen()) return;
  const tag = tagOf(event);
  const typing = TYPING_TARGETS.has(tag);
  if (isDialKey(event.key) && !typing) {
    event.preventDefault();
    target.dial(event.key);
  } else if (event.key === 'Backspace' && !typing && !target.inCall) {
    event.preventDefault();
    target.erase();
  } else if (event.key === 'Enter' && !ACTIVATING_TARGETS.has(tag)) {
    event.preventDefault();
    if (target.ringing) target.pickupCall();
    else if (!target.inCall) target.submit();
  } else if (event.key === 'Escape' && target.inCall) {
    event.preventDefault();
    target.hangupCall();
  }
}
