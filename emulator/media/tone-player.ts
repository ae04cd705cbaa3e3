import { randomInt } from 'node:crypto';
import { SAMPLES_PER_FRAME, ToneFrames } from './g711.js';

/** Sends one PCMU frame; false when it could not go out (media not connected yet). */
export type FrameSink = (
  payload: Buffer,
  sequenceNumber: number,
  timestamp: number,
  marker: boolean,
) => boolean;

const FRAME_MS = 20;

/**
 * Paces a tone as 20 ms RTP frames. Sequence numbers and timestamps start at random values (RFC 3550) and
 * advance by one and by 160 samples per frame; the first frame carries the marker bit (start of a talkspurt).
 */
export class TonePlayer {
  private timer: NodeJS.Timeout | undefined;
  private sequenceNumber = randomInt(0, 0x10000);
  private timestamp = randomInt(0, 0x100000000);
  private first = true;

  constructor(
    private readonly sink: FrameSink,
    private readonly onSent: () => void,
    private readonly frames: { next(): Buffer } = new ToneFrames(),
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), FRAME_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const payload = this.frames.next();
    if (!this.sink(payload, this.sequenceNumber, this.timestamp, this.first)) return;
    this.first = false;
    this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff;
    this.timestamp = (this.timestamp + SAMPLES_PER_FRAME) >>> 0;
    this.onSent();
  }
}
