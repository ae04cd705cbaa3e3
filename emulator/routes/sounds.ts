import type { FastifyInstance } from 'fastify';
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
  return pcmWav(new Int16Array(Math.round((sampleRate * durationMs) / 1000)), sampleRate);
}

/** One cycle of the built-in hold audio (660 Hz then 880 Hz) as a WAV file, for `<Play>` and HoldUrl. */
export function holdWav(): Buffer {
  const frames = new HoldFrames();
  const samples = new Int16Array((PCMU_SAMPLE_RATE * HOLD_TONE_MS * 2) / 1000);
  for (let offset = 0; offset < samples.length;) {
    for (const byte of frames.next()) samples[offset++] = mulawToLinear(byte);
  }
  return pcmWav(samples, PCMU_SAMPLE_RATE);
}

/** 16-bit mono PCM samples as a WAV file. */
function pcmWav(samples: Int16Array, sampleRate: number): Buffer {
  const dataBytes = samples.length * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  samples.forEach((sample, i) => wav.writeInt16LE(sample, 44 + i * 2));
  return wav;
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
