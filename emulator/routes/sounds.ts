import type { FastifyInstance } from 'fastify';
import { pcm16MonoWav } from '../media/wav.js';
import { mulawToLinear, PCMU_SAMPLE_RATE } from '../media/g711.js';
import { HOLD_TONE_MS, HoldFrames } from '../media/hold-music.js';

/** The 15 sounds Device fetches at construction (and again on updateOptions). */
export const SDK_SOUNDS = [
  'incoming',
  'outgoing',
  'disconnect',
  ...Array.from({ length: 10 }, (_, digit) => `dtmf${digit}`),
  'dtmfs',
  'dtmfh',
] as const;

/** 100 ms of 8 kHz 16-bit mono silence as a WAV file; decodeAudioData sniffs the format, not the extension. */
export function silentWav(durationMs = 100, sampleRate = 8000): Buffer {
  return pcm16MonoWav(new Int16Array(Math.round((sampleRate * durationMs) / 1000)), sampleRate);
}

/** One cycle of the built-in hold audio (660 Hz then 880 Hz) as a WAV file, for `<Play>` and HoldUrl. */
export function holdWav(): Buffer {
  const frames = new HoldFrames();
  const samples = new Int16Array((PCMU_SAMPLE_RATE * HOLD_TONE_MS * 2) / 1000);
  for (let offset = 0; offset < samples.length;) {
    for (const byte of frames.next()) samples[offset++] = mulawToLinear(byte);
  }
  return pcm16MonoWav(samples, PCMU_SAMPLE_RATE);
}

/**
 * Sounds at `/sounds/<name>.wav` (for the Device `sounds` option) and at Twilio's own path, so a browser whose
 * sdk.twilio.com resolves to the emulator also finds them. A missing sound would delay every incoming call
 * by the SDK's 2 s ringtone timeout. `/sounds/hold` is the conference hold audio (660/880 Hz), which the
 * emulator mixes itself when a HoldUrl plays it; the file is for anyone who wants to hear it.
 */
export async function soundRoutes(app: FastifyInstance): Promise<void> {
  const wav = silentWav();
  const hold = holdWav();
  const names = new Set<string>(SDK_SOUNDS);
  const serve = (name: string, reply: import('fastify').FastifyReply) => {
    if (!names.has(name) && name !== 'hold')
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'unknown sound' } });
    return reply
      .header('Content-Type', 'audio/wav')
      .header('Cache-Control', 'public, max-age=3600')
      .send(name === 'hold' ? hold : wav);
  };
  app.get<{ Params: { file: string } }>('/sounds/:file', async (request, reply) =>
    serve(request.params.file.replace(/\.wav$/, ''), reply),
  );
  app.get<{ Params: { file: string } }>('/js/client/sounds/releases/1.0.0/:file', async (request, reply) =>
    serve(request.params.file.replace(/\.(mp3|ogg)$/, ''), reply),
  );
}
