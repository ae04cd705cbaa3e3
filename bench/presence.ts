/**
 * Presence at scale: N agents hold `GET /presence` (Server-Sent Events) open on one backend process
 * (a child process, so its memory is its own). Measures the server's memory per connected agent and the
 * time from one agent's change (POST /sessions) until every other agent has received the `session` event
 * and the `availability` delta naming the new agent (one event per change; the `available` snapshot of
 * ≤ 100 clients is sent only on connect). Loopback only; one HTTP socket per agent.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { log } from './lib.js';

export interface PresenceResult {
  agents: number;
  connected: number;
  rssPerAgent: number;
  heapPerAgent: number;
  connectSeconds: number;
  /** ms from the change request to the last agent receiving the `session` event (and `available`). */
  sessionEventAll: number;
  availableEventAll: number;
  sessionEventMedian: number;
  availableEventMedian: number;
  received: { session: number; available: number };
  /** ms the change request (POST /sessions) itself took to answer. */
  changeRequestMs: number;
}

interface Memory {
  rss: number;
  heapUsed: number;
}

function request(
  port: number,
  agent: http.Agent,
  method: string,
  path: string,
  body?: unknown,
  bearer?: string,
) {
  return new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}),
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = text;
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

export async function runPresence(agents: number): Promise<PresenceResult> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./presence-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { type: string; port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`presence server exited ${code}`)));
  });
  const memory = () =>
    new Promise<Memory>((resolve) => {
      child.once('message', (m: Memory) => resolve(m));
      child.send({ type: 'memory' });
    });
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const sockets: http.ClientRequest[] = [];
  try {
    // Sign every agent in (distinct users in the demo group), 16 at a time.
    const tokens: string[] = new Array(agents);
    let next = 0;
    const signInWorker = async () => {
      while (next < agents) {
        const i = next++;
        const res = await request(port, keepAlive, 'POST', '/auth/dev-sign-in', { name: `presence-${i}` });
        if (res.status >= 300) throw new Error(`dev sign-in answered ${res.status}`);
        tokens[i] = (res.json as { token: string }).token;
      }
    };
    await Promise.all(Array.from({ length: 16 }, signInWorker));
    await new Promise((r) => setTimeout(r, 200));
    const before = await memory();

    // Open the streams; each agent records when it saw the change.
    const sessionAt: number[] = [];
    const availableAt: number[] = [];
    let marker = '';
    let connected = 0;
    const noAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      let opened = 0;
      let i = 0;
      const openNext = () => {
        // Open in waves so the server's accept queue is not flooded.
        const wave = Math.min(agents, i + 200);
        for (; i < wave; i++) {
          const index = i;
          const req = http.get(
            {
              host: '127.0.0.1',
              port,
              path: '/presence',
              agent: noAgent,
              headers: { authorization: `Bearer ${tokens[index]}` },
            },
            (res) => {
              if (res.statusCode !== 200)
                return reject(new Error(`GET /presence answered ${res.statusCode}`));
              connected++;
              let buffer = '';
              let sawSession = false;
              let sawAvailable = false;
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                if (!marker) return;
                buffer += chunk;
                const now = performance.now();
                if (!sawSession && buffer.includes('event: session')) {
                  sawSession = true;
                  sessionAt.push(now);
                }
                // The change reaches the list as `event: availability` (a delta naming the new agent);
                // servers before it re-sent the whole `event: available` list.
                if (
                  !sawAvailable &&
                  (buffer.includes('event: availability') || buffer.includes('event: available')) &&
                  buffer.includes(marker)
                ) {
                  sawAvailable = true;
                  availableAt.push(now);
                }
                if (buffer.length > 1 << 16) buffer = buffer.slice(-4096);
              });
              if (++opened === agents) resolve();
              else if (opened === i) openNext();
            },
          );
          req.on('error', reject);
          sockets.push(req);
        }
      };
      openNext();
    });
    const connectSeconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 1000)); // the on-connect `available` snapshots settle
    const after = await memory();
    log(`presence: ${connected} agents connected in ${connectSeconds.toFixed(1)} s`);

    // One change: a new agent comes online (creates an available session).
    const changer = await request(port, keepAlive, 'POST', '/auth/dev-sign-in', { name: 'presence-changer' });
    const changerToken = (changer.json as { token: string; user: { name: string } }).token;
    marker = 'presence-changer';
    const tChange = performance.now();
    const created = await request(
      port,
      keepAlive,
      'POST',
      '/sessions',
      { callerId: '+15005550006' },
      changerToken,
    );
    const changeRequestMs = performance.now() - tChange;
    if (created.status >= 300) throw new Error(`POST /sessions answered ${created.status}`);
    const deadline = performance.now() + 60_000;
    while ((sessionAt.length < agents || availableAt.length < agents) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const last = (values: number[]) => (values.length ? Math.max(...values) - tChange : NaN);
    const median = (values: number[]) => {
      const sorted = values.map((v) => v - tChange).sort((a, b) => a - b);
      return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : NaN;
    };
    return {
      agents,
      connected,
      rssPerAgent: (after.rss - before.rss) / agents,
      heapPerAgent: (after.heapUsed - before.heapUsed) / agents,
      connectSeconds,
      sessionEventAll: sessionAt.length === agents ? last(sessionAt) : NaN,
      availableEventAll: availableAt.length === agents ? last(availableAt) : NaN,
      sessionEventMedian: median(sessionAt),
      availableEventMedian: median(availableAt),
      received: { session: sessionAt.length, available: availableAt.length },
      changeRequestMs,
    };
  } finally {
    for (const req of sockets) req.destroy();
    keepAlive.destroy();
    child.send({ type: 'close' });
    await new Promise((resolve) => {
      child.once('exit', resolve);
      setTimeout(() => {
        child.kill();
        resolve(undefined);
      }, 5000).unref();
    });
  }
}
