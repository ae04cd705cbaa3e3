import { mulawToLinear, PCMU_SAMPLE_RATE, SAMPLES_PER_FRAME } from './g711.js';

/** A frame quieter than this (dBFS) counts as silence: comfort noise and a muted microphone stay below it. */
export const SILENCE_DBFS = -50;
/** Tones are counted in bins of this width (Hz), so that 440 Hz and 441 Hz land together. */
export const TONE_BIN_HZ = 10;
const FRAME_MS = (SAMPLES_PER_FRAME * 1000) / PCMU_SAMPLE_RATE;
/** The tone histogram keeps this many bins at most (the loudest kept), so speech cannot grow it without end. */
const MAX_TONE_BINS = 32;

/** What a listener has heard so far: cumulative, so a test compares two readings to see what changed. */
export interface AudioReading {
  /** Level of the latest frame, dBFS (-Infinity for digital silence). */
  levelDbfs: number;
  /** Milliseconds of audio louder than `SILENCE_DBFS`. */
  heardMs: number;
  /** Milliseconds of silence (frames at or below `SILENCE_DBFS`). */
  silentMs: number;
  /** Frequency of the latest audible frame, rounded to `TONE_BIN_HZ`; null before anything was heard. */
  dominantHz: number | null;
  /** Milliseconds heard per tone (keys: frequency in Hz, rounded to `TONE_BIN_HZ`). */
  tones: Record<string, number>;
}

/**
 * Measures what a virtual phone hears, frame by frame: the level (RMS in dBFS) and, for audible frames, the
 * frequency of the tone. The frequency comes from the frame's zero crossings, interpolated between samples:
 * exact enough (well under a bin) for the pure tones the tests play, and a few dozen operations a frame, where
 * an FFT package would cost more than the whole meter. Speech or noise yields some frequency too; it is only
 * meaningful for tones.
 */
export class AudioMeter {
  #levelDbfs = -Infinity;
  #heardFrames = 0;
  #silentFrames = 0;
  #dominantHz: number | null = null;
  readonly #toneFrames = new Map<number, number>();

  /** One received PCMU payload (any length; Chrome and Twilio send 20 ms). */
  push(payload: Uint8Array): void {
    const samples = new Float64Array(payload.length);
    let energy = 0;
    for (let i = 0; i < payload.length; i++) {
      const sample = mulawToLinear(payload[i]!) / 32768;
      samples[i] = sample;
      energy += sample * sample;
    }
    const rms = Math.sqrt(energy / Math.max(1, payload.length));
    this.#levelDbfs = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
    if (this.#levelDbfs <= SILENCE_DBFS) {
      this.#silentFrames++;
      return;
    }
    this.#heardFrames++;
    const hz = zeroCrossingFrequency(samples);
    if (hz === null) return;
    const bin = Math.round(hz / TONE_BIN_HZ) * TONE_BIN_HZ;
    this.#dominantHz = bin;
    this.#toneFrames.set(bin, (this.#toneFrames.get(bin) ?? 0) + 1);
    if (this.#toneFrames.size > MAX_TONE_BINS) this.#dropQuietestBin();
  }

  reading(): AudioReading {
    const tones: Record<string, number> = {};
    for (const [hz, frames] of [...this.#toneFrames].sort((a, b) => b[1] - a[1])) {
      tones[String(hz)] = frames * FRAME_MS;
    }
    return {
      levelDbfs: this.#levelDbfs,
      heardMs: this.#heardFrames * FRAME_MS,
      silentMs: this.#silentFrames * FRAME_MS,
      dominantHz: this.#dominantHz,
      tones,
    };
  }

  #dropQuietestBin(): void {
    let quietest: [number, number] | undefined;
    for (const entry of this.#toneFrames) if (!quietest || entry[1] < quietest[1]) quietest = entry;
    if (quietest) this.#toneFrames.delete(quietest[0]);
  }
}

/** Milliseconds a reading heard of `hz`, give or take `toleranceHz` (for tests and the inspection API). */
export function toneMs(reading: AudioReading, hz: number, toleranceHz = 20): number {
  let ms = 0;
  for (const [bin, binMs] of Object.entries(reading.tones)) {
    if (Math.abs(Number(bin) - hz) <= toleranceHz) ms += binMs;
  }
  return ms;
}

/**
 * The frequency of a tone from the positions of its first and last upward zero crossings (linearly interpolated)
 * and the number of whole periods between them; null when fewer than two periods fit in the frame.
 */
function zeroCrossingFrequency(samples: Float64Array): number | null {
  let first: number | undefined;
  let last: number | undefined;
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) {
    const before = samples[i - 1]!;
    const after = samples[i]!;
    if (before < 0 && after >= 0) {
      const position = i - 1 + before / (before - after);
      first ??= position;
      last = position;
      crossings++;
    }
  }
  if (first === undefined || last === undefined || crossings < 3) return null;
  return ((crossings - 1) * PCMU_SAMPLE_RATE) / (last - first);
}
