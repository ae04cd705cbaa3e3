import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcm16MonoWav } from '../emulator/media/wav.js';

/** The tone the browser's fake microphone plays in every test, demo check and benchmark. */
export const FAKE_MICROPHONE_HZ = 1000;

const SAMPLE_RATE = 48000;
/** 800 ms of tone, then 200 ms of silence, looped: a steady but not constant input, like a voice. */
const TONE_MS = 800;
const PERIOD_MS = 1000;
const AMPLITUDE = 0.3 * 32767;

/**
 * A WAV file (16-bit PCM, mono) of the fake microphone's tone for Chromium's
 * `--use-file-for-fake-audio-capture`, written once into the temporary folder. Chromium's own fake device
 * beeps briefly once a second, too little for a test to tell "the far end hears the page" from noise.
 */
export function fakeMicrophoneWav(): string {
  const path = join(tmpdir(), 'notify-phone', `fake-microphone-${FAKE_MICROPHONE_HZ}hz.wav`);
  if (existsSync(path)) return path;
  const samples = new Int16Array((SAMPLE_RATE * PERIOD_MS) / 1000);
  const toneSamples = (SAMPLE_RATE * TONE_MS) / 1000;
  for (let i = 0; i < toneSamples; i++) {
    samples[i] = Math.round(AMPLITUDE * Math.sin((2 * Math.PI * FAKE_MICROPHONE_HZ * i) / SAMPLE_RATE));
  }
  const wav = pcm16MonoWav(samples, SAMPLE_RATE);
  mkdirSync(join(tmpdir(), 'notify-phone'), { recursive: true });
  // Written under a temporary name and renamed, so a concurrent run never reads half a file.
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, wav);
  renameSync(partial, path);
  return path;
}
