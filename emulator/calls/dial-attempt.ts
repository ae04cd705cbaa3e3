import type { MediaEnd } from '../media/bridge.js';
import type { PhoneCall, PhoneDirectory, RingOutcome } from '../phones/virtual-phone.js';

/** One `<Dial>` noun being rung: a child leg towards a virtual phone or a browser client. */
export interface DialAttempt {
  readonly callSid: string;
  /** Starts ringing; an unanswered attempt never settles (the Dial's timeout ends it). */
  ring(): Promise<RingOutcome>;
  /** Ringing ends without this attempt winning (another answered, timeout, the caller left). */
  cancel(): void;
  /** The answered far end, to bridge with the caller. */
  readonly mediaEnd: MediaEnd;
  /** Resolves when the far end hangs up an answered call. */
  readonly farEndHangup: Promise<void>;
  /** Twilio ends the answered leg (the caller hung up, or the emulator shuts down). */
  hangup(): void;
  /** `<Number sendDigits>`: played to the far end once it answers. */
  playDigits(digits: string): void;
}

/** A virtual PSTN phone as a dial target. */
export class PhoneAttempt implements DialAttempt {
  readonly farEndHangup: Promise<void>;
  readonly mediaEnd: MediaEnd;
  private readonly phone: PhoneCall;

  constructor(
    private readonly phones: PhoneDirectory,
    number: string,
    readonly callSid: string,
    parentCallSid: string | undefined,
    from: string,
  ) {
    this.phone = phones.startCall(number, callSid, parentCallSid, from);
    this.mediaEnd = { kind: 'phone', phone: this.phone };
    this.farEndHangup = new Promise((resolve) => this.phone.onHangup(resolve));
  }

  ring(): Promise<RingOutcome> {
    return this.phone.ring(this.phones.behaviourOf(this.phone.number));
  }

  cancel(): void {
    this.phone.end('canceled');
  }

  hangup(): void {
    this.phone.end('completed');
  }

  playDigits(digits: string): void {
    this.phone.receiveDigits(digits.replace(/[wW]/g, ''), true);
  }
}
