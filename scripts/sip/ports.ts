import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

/**
 * The first of the kernel's ephemeral ports (`ip_local_port_range`), where it picks the local port of every
 * outgoing connection and of every socket bound to port 0 (a browser's WebRTC sockets, the emulator's media
 * legs, the servers of other test files). A port we choose now and a program binds later can be taken from
 * there in between, and the program then exits with "Address already in use" (one CI run lost every SIP test
 * to that). Below the range nothing is handed out: only a process that names a port takes it.
 */
function ephemeralPortsFrom(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (low) return low;
  } catch {
    /* not Linux: the IANA range most systems use */
  }
  return 49_152;
}

/** Ports for the programs' own sockets (SIP, control, a backend): from here up to the ephemeral range. */
const SERVICE_PORTS_FROM = 20_000;
/** Media (RTP) port ranges: below the service ports. */
const MEDIA_PORTS_FROM = 10_000;

/**
 * A port on 127.0.0.1 free for both TCP and UDP right now, chosen at random below the ephemeral range (above),
 * so that until its program binds it only another process choosing the same way could take it. Where that
 * range leaves no room, the OS picks one, as before.
 */
export async function freePort(): Promise<number> {
  const room = ephemeralPortsFrom() - SERVICE_PORTS_FROM;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = room >= 1000 ? SERVICE_PORTS_FROM + Math.floor(Math.random() * room) : await osPickedPort();
    if ((await tcpFree(port)) && (await udpFree(port))) return port;
  }
  throw new Error('No free port on 127.0.0.1');
}

function osPickedPort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
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
 * rtpengine and baresip skip any port that is taken, so a random base below the service ports is enough, and
 * there no browser or media leg of the emulator takes one). Where the ephemeral range leaves no room below
 * it, the top of the port space, as before.
 */
export function mediaPortRange(count: number): number {
  const [from, to] =
    ephemeralPortsFrom() >= SERVICE_PORTS_FROM + 1000
      ? [MEDIA_PORTS_FROM, SERVICE_PORTS_FROM]
      : [40_000, 60_000];
  const slots = Math.floor((to - from) / count);
  return from + Math.floor(Math.random() * slots) * count;
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
