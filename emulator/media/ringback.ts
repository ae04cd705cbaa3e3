import { PCMU_SAMPLE_RATE, SAMPLES_PER_FRAME, linearToMulaw } from './g711.js';

/** The North American ringback (ITU-T E.180): 440 Hz and 480 Hz together, two seconds on, four off. */
export const RINGBACK_TONES_HZ = [440, 480] as const;
export const RINGBACK_ON_MS = 2000;
export const RINGBACK_OFF_MS = 4000;
const FRAME_MS = 20;

/**
 * Endless 20 ms PCMU frames of the ringback a caller hears while the dialled party rings, sent as early media
 * (the emulator's stand-in for the network's ringback that Twilio relays to an answerOnBridge caller). The off
 * part of the cadence is sent as silence, so packets keep flowing as they do from a media server.
 */
export class RingbackFrames {
  private sampleIndex = 0;
  private frame = 0;

  next(): Buffer {
    const cycle = (RINGBACK_ON_MS + RINGBACK_OFF_MS) / FRAME_MS;
    const on = this.frame++ % cycle < RINGBACK_ON_MS / FRAME_MS;
    const payload = Buffer.alloc(SAMPLES_PER_FRAME);
    for (let i = 0; i < SAMPLES_PER_FRAME; i++, this.sampleIndex++) {
      const t = this.sampleIndex / PCMU_SAMPLE_RATE;
      // Two tones at about -18 dBFS each, together below full scale.
      const sample = on
        ? RINGBACK_TONES_HZ.reduce((sum, hz) => sum + 4000 * Math.sin(2 * Math.PI * hz * t), 0)
        : 0;
      payload[i] = linearToMulaw(sample);
    }
    return payload;
  }
}
