/**
 * Hands one call's digits to the Twilio SDK so that no tone is lost.
 *
 * The SDK's `call.sendDigits()` gives a run of digits to the browser's RTCDTMFSender with `insertDTMF()`, which
 * replaces the tones still waiting in the sender's buffer (WebRTC spec): digits typed while others play
 * would drop them. A timer cannot say when the buffer is empty: the SDK asks for 160 ms tones and 70 ms gaps, but
 * Chromium plays one tone about every 300 ms, and later still on a busy machine (the 230 ms timer this replaces lost a
 * digit in six of eight typed ten-digit bursts, issue 12). So the pacer hands over the next run only when the sender itself says it has
 * played everything (its `tonechange` event with an empty tone); a run arriving before that waits, joined with
 * the digits queued after it.
 */

/** Twilio's `w`: half a second of silence, after the digits before it have played. */
const PAUSE_MS = 500;
/**
 * Without an in-band sender (the SDK sent the digits by signalling, all at once) nothing can be replaced; the
 * run's nominal length (160 ms tone + 70 ms gap per digit) only keeps `w` pauses in their place.
 */
const SIGNALLED_DIGIT_MS = 160 + 70;

/** The SDK call, as far as DTMF goes. */
export interface DtmfCall {
  sendDigits(digits: string): void;
}

/**
 * The RTCDTMFSender the SDK inserts into. The SDK has no public way to it: its media handler (`_mediaHandler`,
 * rtc/peerconnection.ts) creates it once per call and returns the same object to the SDK and to us. Null when the
 * SDK keeps it elsewhere or the browser has none.
 */
function dtmfSenderOf(call: DtmfCall): RTCDTMFSender | null {
  const media = (call as { _mediaHandler?: { getOrCreateDTMFSender?(): RTCDTMFSender | null } })
    ._mediaHandler;
  try {
    return media?.getOrCreateDTMFSender?.() ?? null;
  } catch {
    return null;
  }
}

export class DtmfPacer {
  /** Digits not handed to the SDK yet. */
  #queue = '';
  /** A `w` pause, or a signalled run, under way. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The sender while it plays the last run handed over; the next run waits for it. */
  #playing: RTCDTMFSender | null = null;
  #stopped = false;

  constructor(
    private readonly call: DtmfCall,
    /** The SDK refused a run (an illegal digit); the queue is dropped. */
    private readonly onError: (error: unknown) => void,
  ) {}

  send(digits: string): void {
    if (this.#stopped) return;
    this.#queue += digits;
    if (this.#timer === undefined && !this.#playing) this.#next();
  }

  /** The call ended: queued digits are dropped and nothing more goes to the SDK. */
  stop(): void {
    this.#stopped = true;
    this.#queue = '';
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#playing?.removeEventListener('tonechange', this.#onTone);
    this.#playing = null;
  }

  readonly #onTone = (event: Event): void => {
    if ((event as RTCDTMFToneChangeEvent).tone !== '') return; // a tone started; others may wait in the buffer
    this.#playing?.removeEventListener('tonechange', this.#onTone);
    this.#playing = null;
    this.#next();
  };

  #next(): void {
    this.#timer = undefined;
    const run = /^(w|[^w]+)/.exec(this.#queue)?.[0];
    if (this.#stopped || !run) return;
    this.#queue = this.#queue.slice(run.length);
    if (run === 'w') {
      this.#timer = setTimeout(() => this.#next(), PAUSE_MS);
      return;
    }
    try {
      this.call.sendDigits(run);
    } catch (error) {
      this.#queue = '';
      this.onError(error);
      return;
    }
    // insertDTMF() fills the buffer at once; an empty one means the SDK signalled the digits instead.
    const sender = dtmfSenderOf(this.call);
    if (sender?.toneBuffer) {
      this.#playing = sender;
      sender.addEventListener('tonechange', this.#onTone);
    } else {
      this.#timer = setTimeout(() => this.#next(), run.length * SIGNALLED_DIGIT_MS);
    }
  }
}
