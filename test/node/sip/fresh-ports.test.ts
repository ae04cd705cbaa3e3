import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { createLocalCertificate } from '../../../emulator/cert.js';
import { freePort, mediaPortRange, waitForChild, withFreshPorts } from '../../../scripts/sip/ports.js';
import { sipStackInstalled, startSipStack, type SipStack } from '../../../scripts/sip/sip-stack.js';

/** A port of 127.0.0.1 held by this process (UDP or TCP) until close(), as another program would hold it. */
async function holdPort(protocol: 'udp' | 'tcp'): Promise<{ port: number; close(): Promise<void> }> {
  if (protocol === 'udp') {
    const socket = createSocket('udp4');
    const port = await new Promise<number>((resolve) =>
      socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)),
    );
    return { port, close: () => new Promise((resolve) => socket.close(() => resolve())) };
  }
  const server = createServer();
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * The race one CI run lost every SIP test to: a port freePort() found free is taken by another process before
 * the program binds it. Here a port is taken on purpose, by a socket of this process.
 */
describe('SIP stack start-up: a port taken before the program binds it', () => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) child.kill('SIGKILL');
  });
  const installed = sipStackInstalled() || process.env.CI === 'true';

  // Each program of the stack in turn gets a taken port on its first try, in the order the stack picks them:
  // rtpengine's control port (UDP), Kamailio's SIP port (UDP) and wss port (TCP), then a phone's SIP port (UDP)
  // and its control port (TCP).
  for (const [program, pick, protocol] of [
    ['rtpengine', 0, 'udp'],
    ['Kamailio (its SIP port)', 1, 'udp'],
    ['Kamailio (its wss port)', 2, 'tcp'],
    ['baresip (its SIP port)', 3, 'udp'],
    ['baresip (its control port)', 4, 'tcp'],
  ] as const) {
    it(
      `starts ${program} again on fresh ports when its first port was taken`,
      { skip: !installed && 'the SIP stack is not installed', timeout: 60_000 },
      async () => {
        const taken = await holdPort(protocol);
        const picked: number[] = [];
        let stack: SipStack | undefined;
        try {
          stack = await startSipStack({
            phones: ['+15550000001'],
            tls: await createLocalCertificate(),
            pickPort: async () => {
              const port = picked.length === pick ? taken.port : await freePort();
              picked.push(port);
              return port;
            },
          });
          assert.equal(picked[pick], taken.port, 'the taken port was handed out');
          assert.equal(picked.lastIndexOf(taken.port), pick, 'and only once');
          assert.ok(picked.length > 5, `a try on fresh ports followed (ports picked: ${picked.length})`);
          // Up on the second try's ports: the phone registered through the proxy, and the relay answers.
          assert.equal(stack.phones.size, 1);
          assert.equal(await stack.packetsToPhone('no-such-call'), 0);
        } finally {
          await stack?.close();
          await taken.close();
        }
      },
    );
  }

  it('gives up after the last try when the program exits every time', async () => {
    let starts = 0;
    await assert.rejects(
      withFreshPorts(
        'a program that always exits',
        async () => {
          starts++;
          const child = spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' });
          await waitForChild(child, 'it', () => false);
        },
        3,
      ),
      /it: the program exited \(3\)/,
    );
    assert.equal(starts, 3);
  });

  it('does not start again on a failure other than an exit (a timeout fails at once)', async () => {
    let starts = 0;
    await assert.rejects(
      withFreshPorts('a program that never gets ready', async () => {
        starts++;
        const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
        children.push(child);
        await waitForChild(child, 'readiness', () => false, 200);
      }),
      /timed out waiting for readiness/,
    );
    assert.equal(starts, 1);
  });
});

/**
 * The ports the stacks choose stay out of the kernel's ephemeral range, where every outgoing connection and
 * every socket bound to port 0 (the browser's WebRTC sockets, the emulator's media legs) takes its port: there a
 * chosen port could be handed to one of them before its program binds it.
 */
describe('SIP stack ports: chosen below the ephemeral range', () => {
  const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);

  it('freePort() gives ports below it that TCP and UDP can bind, and skips a port already held', async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    for (const port of ports) assert.ok(port >= 1024 && port < low!, `port ${port} is below ${low}`);
    const held = await holdPortAt(ports[0]!);
    try {
      for (let i = 0; i < 200; i++) assert.notEqual(await freePort(), ports[0]);
    } finally {
      await held.close();
    }
  });

  it('media port ranges lie below the service ports and the ephemeral range', () => {
    for (let i = 0; i < 200; i++) {
      const from = mediaPortRange(200);
      assert.ok(from >= 1024 && from + 200 <= Math.min(low!, 20_000), `range ${from}–${from + 199}`);
    }
  });
});

/** Holds `port` on 127.0.0.1 (TCP), as another program would. */
async function holdPortAt(port: number): Promise<{ close(): Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { close: () => new Promise((resolve) => server.close(() => resolve())) };
}
