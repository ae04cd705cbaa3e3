import type { ReactiveControllerHost } from 'lit';
import { E164_PATTERN, Status } from '../client/constants.js';
import type { CallIdentifier } from '../client/notify-client.js';
import { onPhoneKeydown, type KeyboardTarget } from './keyboard.js';
import type { DialKey } from './parts/dial-pad.js';
import { formatAsYouType, toE164 } from './phone-number.js';

/** What the number entry reads and calls on its element (NotifyPhone's public API). */
export interface NumberEntryHost extends ReactiveControllerHost, Pick<HTMLElement, 'addEventListener'> {
  readonly renderRoot: ParentNode;
  number: string;
  readonly defaultCountry: string;
  readonly status: Status;
  readonly ringing: boolean;
  readonly inCall: boolean;
  call(target: CallIdentifier): void;
  sendDtmf(digits: string): void;
  pickupCall(): void;
  hangupCall(): void;
}

/**
 * The element's number entry: the keys typed anywhere in it (keyboard.ts), the dial pad's keys, the number
 * field formatted as typed, the Call button and Enter (a number that cannot be called is marked invalid),
 * and the digits sent as DTMF in a call. Its state is rendered by the element, which it asks to update.
 * @internal
 */
export class NumberEntry implements KeyboardTarget {
  /** Digits sent as DTMF in the current call, shown under the status (the element clears them after it). */
  sentDigits = '';
  /** The number field holds something that cannot be called (explained under it until it changes). */
  invalid = false;
  readonly #host: NumberEntryHost;

  constructor(host: NumberEntryHost) {
    this.#host = host;
    // The keys typed anywhere in the element (keyboard.ts).
    host.addEventListener('keydown', (event) => onPhoneKeydown(this, event));
  }

  /** Whether the forward dialog is open (it has its own keys). */
  dialogOpen(): boolean {
    return !!this.#host.renderRoot?.querySelector('dialog.forward[open]');
  }

  get ringing(): boolean {
    return this.#host.ringing;
  }

  get inCall(): boolean {
    return this.#host.inCall;
  }

  /** A key of the pad or the keyboard: DTMF in an open call, else appended to the number when idle. */
  dial(key: DialKey | '+'): void {
    const host = this.#host;
    if (host.status === Status.OPEN) {
      if (key === '+') return;
      this.sentDigits += key;
      host.requestUpdate();
      host.sendDtmf(key);
    } else if (!host.inCall) {
      this.#setNumber(host.number + key);
    }
  }

  erase(): void {
    this.#host.number = this.#host.number.slice(0, -1);
  }

  pickupCall(): void {
    this.#host.pickupCall();
  }

  hangupCall(): void {
    this.#host.hangupCall();
  }

  /** The number field's input event. */
  input(event: Event): void {
    const input = event.target as HTMLInputElement;
    // Reformatting moves the caret to the end: only while typing at the end.
    if (input.selectionStart === input.value.length) this.#setNumber(input.value);
    else this.#setNumber(input.value, false);
  }

  /** Dials the field's number, in E.164 (national numbers in `default-country`); explains one that is not. */
  submit(event?: Event): void {
    event?.preventDefault();
    const host = this.#host;
    const typed = host.number.trim();
    const plain = typed.replace(/[\s().-]/g, '');
    // An E.164 number is called at once; a national one waits for the library (already loading since focus).
    if (E164_PATTERN.test(plain)) return host.call({ phoneNumber: plain });
    if (!typed) return;
    toE164(typed, host.defaultCountry).then(
      (number) => {
        if (number !== null) return host.call({ phoneNumber: number });
        this.invalid = true;
        host.requestUpdate();
      },
      // The library could not load: call() reports the number as it is.
      () => host.call({ phoneNumber: plain }),
    );
  }

  /** A new number in the field (formatted once the library is loaded, unless `format` is false), no longer invalid. */
  #setNumber(value: string, format = true): void {
    const host = this.#host;
    host.number = format ? formatAsYouType(value, host.defaultCountry) : value;
    this.invalid = false;
    host.requestUpdate();
  }
}
