import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notifyBackend, notifyFrameworkErrors } from '../../../server/app.js';
import { emulatorPlugin } from '../../../emulator/app.js';
import { createLocalCertificate } from '../../../emulator/cert.js';
import { DEMO_NUMBER, deviceOptions } from '../../../scripts/stack.js';
import { loadOrCreateDevSecrets, secretsFileBeside } from '../../../scripts/dev-secrets.js';
import { freePort } from '../../../scripts/sip/ports.js';

/** What a test page learns from `/__stack.js?restartable`. */
export interface RestartableStackInfo {
  /** The emulator (Twilio): signaling, media, phones, faults. It never restarts. */
  origin: string;
  /** The backend, on its own port, the same one after every restart. */
  backendUrl: string;
}

export interface RestartableStack {
  describe(): RestartableStackInfo;
  /**
   * Stops the backend and starts it again on the same port, SQLite file and secrets (scripts/dev-secrets.ts),
   * as a deployment or `npm start` restarts it. It stays down until `failedRequests` connections to it
   * failed (reset at once): the page's next heartbeat, so that the test knows one was lost, not by a clock.
   */
  restartBackend(failedRequests: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The development stack split in two (issue 10, "backend restart during a call"): the Twilio emulator on one
 * HTTPS server, the backend on another, so the backend can stop and start while the vendor, its signaling
 * and its media (peer to emulator) run on, as Twilio does while a customer's server restarts. The backend's
 * database is a file and its account and session secret are kept beside it, as `npm start` keeps them, so
 * the open pages' bearer tokens and sessions survive the restart.
 */
export async function startRestartableStack(
  corsOrigins: string[],
  sessionTtlSeconds: number,
): Promise<RestartableStack> {
  const dir = mkdtempSync(join(tmpdir(), 'notify-restart-'));
  const database = join(dir, 'notify.db');
  const secrets = loadOrCreateDevSecrets(secretsFileBeside(database));
  const https = await createLocalCertificate();
  let origin = '';
  let backendOrigin = '';
  const emulator = Fastify({ https });
  await emulator.register(emulatorPlugin, {
    account: secrets.account,
    voiceUrl: () => `${backendOrigin}/api/twilio/voice`,
    statusCallbackUrl: () => `${backendOrigin}/api/twilio/status`,
    numberStatusCallbackUrl: () => `${backendOrigin}/api/twilio/status`,
    notifyNumbers: [DEMO_NUMBER],
    corsOrigins,
  });
  await emulator.listen({ host: '127.0.0.1', port: 0 });
  origin = `https://127.0.0.1:${portOf(emulator)}`;

  // Chosen below the ephemeral ports (freePort()): while the backend is down, no outgoing connection or
  // browser socket can be given its port, and the restart could not bind it again.
  const port = await freePort();
  const startBackend = async (): Promise<FastifyInstance> => {
    const app = Fastify({ https, frameworkErrors: notifyFrameworkErrors });
    await app.register(notifyBackend, {
      prefix: '/api',
      database,
      account: { ...secrets.account },
      publicUrl: () => `${backendOrigin}/api`,
      sessionSecret: secrets.sessionSecret,
      devSignIn: true,
      tokenTtlSeconds: 3600,
      sessionTtlSeconds,
      twilioDevice: deviceOptions(() => origin),
      twilioApiBaseUrl: () => origin,
      twilioApiCa: https.cert,
      corsOrigins,
      hsts: false,
      seed: { numbers: [{ number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT', group: 'demo' }] },
    });
    await app.listen({ host: '127.0.0.1', port });
    backendOrigin = `https://127.0.0.1:${port}`;
    return app;
  };
  let backend = await startBackend();
  return {
    describe: () => ({ origin, backendUrl: `${backendOrigin}/api` }),
    async restartBackend(failedRequests) {
      // Open streams (presence) are cut, as a process exit cuts them.
      backend.server.closeAllConnections();
      await backend.close();
      // Down: every connection reset, as a port nobody listens on refuses it; counted.
      let failed = 0;
      let enough: () => void = () => undefined;
      const reached = new Promise<void>((resolve) => (enough = resolve));
      const down = createServer((socket) => {
        socket.destroy();
        if (++failed >= failedRequests) enough();
      });
      await new Promise<void>((resolve) => down.listen(port, '127.0.0.1', resolve));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no request reached the stopped backend in 60 s')), 60_000);
      });
      try {
        await Promise.race([reached, timeout]);
      } finally {
        clearTimeout(timer);
        await new Promise((resolve) => down.close(resolve));
      }
      backend = await startBackend();
    },
    async close() {
      backend.server.closeAllConnections();
      await Promise.all([backend.close(), emulator.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function portOf(app: FastifyInstance): number {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening on a TCP port');
  return address.port;
}
