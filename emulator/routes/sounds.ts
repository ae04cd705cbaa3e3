import type { FastifyInstance } from 'fastify';
import { pcm16MonoWav } from '../media/wav.js';

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

/**
 * Sounds at `/sounds/<name>.wav` (for the Device `sounds` option) and at Twilio's own path, so a browser whose
 * sdk.twilio.com resolves to the emulator also finds them. A missing sound would delay every incoming call
 * by the SDK's 2 s ringtone timeout.
 */
export async function soundRoutes(app: FastifyInstance): Promise<void> {
  const wav = silentWav();
  const names = new Set<string>(SDK_SOUNDS);
  const serve = (name: string, reply: import('fastify').FastifyReply) => {
    if (!names.has(name))
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'unknown sound' } });
    return reply
      .header('Content-Type', 'audio/wav')
      .header('Cache-Control', 'public, max-age=3600')
      .send(wav);
  };
  app.get<{ Params: { file: string } }>('/sounds/:file', async (request, reply) =>
    serve(request.params.file.replace(/\.wav$/, ''), reply),
  );
  app.get<{ Params: { file: string } }>('/js/client/sounds/releases/1.0.0/:file', async (request, reply) =>
    serve(request.params.file.replace(/\.(mp3|ogg)$/, ''), reply),
  );
}
