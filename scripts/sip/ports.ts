import type { ChildProcess } from 'node:child_process';
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

/**
 * A program that exited while it was starting (its log, printed as it exits, says why), or that started
 * without one of its ports.
 */
export class ExitedDuringStartError extends Error {}

/** waitFor(), failing at once with ExitedDuringStartError if `child` exits first. */
export function waitForChild(
  child: ChildProcess,
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs?: number,
) {
  return waitFor(
    what,
    () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new ExitedDuringStartError(
          `SIP stack: ${what}: the program exited (${child.exitCode ?? child.signalCode})`,
        );
      return check();
    },
    timeoutMs,
  );
}

/**
 * Runs `start`, which picks its ports with freePort() and starts a program on them, again with fresh ports
 * when the program exits while starting. freePort() can only say a port is free now: until the program binds
 * it, any process may take it (a browser's WebRTC sockets, the emulator's media legs, an outgoing
 * connection), and the program then exits with "Address already in use" (one CI run lost every SIP test to
 * that). Any other start-up exit repeats on each try and fails after the last.
 */
export async function withFreshPorts<T>(what: string, start: () => Promise<T>, tries = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof ExitedDuringStartError) || attempt >= tries) throw error;
      console.error(`[sip-stack] ${error.message}; ${what} again on fresh ports (try ${attempt + 1})`);
    }
  }
}
