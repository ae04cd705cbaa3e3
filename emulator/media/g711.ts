/**
 * G.711 μ-law (PCMU), by hand: the emulator produces tones for the browser and measures what the virtual phones
 * hear, and each direction is a dozen lines (ITU-T G.711 segment/mantissa with the 0x84 bias), cheaper than a
 * codec package.
 */
const BIAS = 0x84;
const CLIP = 32635;

export function linearToMulaw(sample: number): number {
  let pcm = Math.max(-CLIP, Math.min(CLIP, Math.round(sample)));
  const sign = pcm < 0 ? 0x80 : 0;
  if (sign) pcm = -pcm;
  pcm += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (pcm & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (pcm >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** The linear 16-bit sample a μ-law byte stands for (the inverse of `linearToMulaw`, to within its step). */
export function mulawToLinear(byte: number): number {
  const value = ~byte & 0xff;
  const exponent = (value >> 4) & 0x07;
  const magnitude = ((((value & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return value & 0x80 ? -magnitude : magnitude;
}

export const PCMU_SAMPLE_RATE = 8000;
/** 20 ms of 8 kHz audio: the packetisation Chrome and Twilio use for PCMU. */
export const SAMPLES_PER_FRAME = 160;

/** The tone every virtual phone plays into its calls. */
export const PHONE_TONE_HZ = 440;

/** Endless 20 ms PCMU frames of a sine tone (`PHONE_TONE_HZ` by default, about -12 dBFS: clearly audible). */
export class ToneFrames {
  private sampleIndex = 0;

  constructor(
    private readonly frequencyHz = PHONE_TONE_HZ,
    private readonly amplitude = 8000,
  ) {}

  next(): Buffer {
    const frame = Buffer.alloc(SAMPLES_PER_FRAME);
    for (let i = 0; i < SAMPLES_PER_FRAME; i++, this.sampleIndex++) {
      const t = this.sampleIndex / PCMU_SAMPLE_RATE;
      frame[i] = linearToMulaw(this.amplitude * Math.sin(2 * Math.PI * this.frequencyHz * t));
    }
    return frame;
  }
}
