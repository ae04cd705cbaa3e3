import { createSocket } from 'node:dgram';
import { createConnection, createServer } from 'node:net';

/** A port on 127.0.0.1 free for both TCP and UDP right now (the OS picks it; another process may race us). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (await udpFree(port)) return port;
  }
  throw new Error('No free port on 127.0.0.1');
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/**
 * The first port of a free-looking range of `count` UDP ports for media (RTP ranges cannot be bound up front;
 * rtpengine and baresip skip any port that is taken, so a random base above the ephemeral ports is enough).
 */
export function mediaPortRange(count: number): number {
  const slots = Math.floor((60_000 - 40_000) / count);
  return 40_000 + Math.floor(Math.random() * slots) * count;
}

/** Resolves once a TCP connection to 127.0.0.1:port is accepted. */
export function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `check` every 50 ms until it is true; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`SIP stack: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
