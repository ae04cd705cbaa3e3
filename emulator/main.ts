import { createDevAccount } from '../scripts/dev-account.js';
import { buildEmulator } from './app.js';
import { createLocalCertificate } from './cert.js';

// Standalone emulator for manual runs: a fresh account, printed so a backend can be pointed at it.
const port = Number(process.env.PORT ?? 8443);
const account = createDevAccount();
const voiceUrl = process.env.VOICE_URL ?? 'https://127.0.0.1:3000/api/twilio/voice';
// Pages on other origins (a demo served elsewhere) that may fetch the sounds and the inspection API.
const corsOrigins = (process.env.CORS_ORIGINS ?? '')
  .split(',')
  .map((origin) => origin.trim())
  .filter(Boolean);
const app = await buildEmulator({
  account,
  voiceUrl,
  corsOrigins,
  https: await createLocalCertificate(),
  logger: true,
});
await app.listen({ host: '127.0.0.1', port });
console.log(`Twilio Voice emulator on https://127.0.0.1:${port} (signaling wss://127.0.0.1:${port}/signal)`);
console.log(`voice URL: ${voiceUrl}`);
console.log(`account: ${JSON.stringify(account)}`);
