import { SAMPLES_PER_FRAME, ToneFrames } from './g711.js';

/** The two tones of the emulator's hold audio, each held for `HOLD_TONE_MS`, distinct from a phone (440 Hz). */
export const HOLD_TONES_HZ = [660, 880] as const;
export const HOLD_TONE_MS = 500;
const FRAMES_PER_TONE = HOLD_TONE_MS / 20;

/**
 * Endless 20 ms PCMU frames of the built-in hold audio (`/sounds/hold`): 660 Hz and 880 Hz alternating every
 * half second, so a test tells "hears hold audio" from "hears a phone" or the page's 1000 Hz.
 */
export class HoldFrames {
  private readonly tones = HOLD_TONES_HZ.map((hz) => new ToneFrames(hz));
  private frame = 0;

  next(): Buffer {
    const tone = this.tones[Math.floor(this.frame++ / FRAMES_PER_TONE) % this.tones.length]!;
    return tone.next();
  }
}

/** A source of 20 ms frames (one `SAMPLES_PER_FRAME` payload per call). */
export interface FrameSource {
  next(): Buffer;
}

/** Digital μ-law silence, for the wait audio (waitUrl is not fetched) and an empty mix. */
export const silentFrames = (): FrameSource => ({ next: () => Buffer.alloc(SAMPLES_PER_FRAME, 0xff) });
