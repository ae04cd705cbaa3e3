import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { baresipConfig } from '../../../scripts/sip/media-config.js';
import { freePort, tcpAccepts, waitForChild, withFreshPorts } from '../../../scripts/sip/ports.js';
import { sipStackInstalled } from '../../../scripts/sip/sip-stack.js';

/**
 * The race one CI run lost every SIP test to: a port freePort() found free is taken by another process before
 * the program binds it. Here the first try's SIP port is taken on purpose, by a UDP socket of this process.
 */
describe('SIP stack start-up: a port taken before the program binds it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'notify-fresh-ports-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'starts baresip again on fresh ports when it exits with its port in use',
    {
      skip: !sipStackInstalled() && process.env.CI !== 'true' && 'baresip is not installed',
    },
    async () => {
      const taken = createSocket('udp4');
      const takenPort = await new Promise<number>((resolve) =>
        taken.bind(0, '127.0.0.1', () => resolve(taken.address().port)),
      );
      const tries: Array<{ sipPort: number; exitCode: number | null }> = [];
      try {
        const ctrlPort = await withFreshPorts('baresip', async () => {
          const sipPort = tries.length === 0 ? takenPort : await freePort();
          const ctrlPort = await freePort();
          const files = baresipConfig({
            number: '+15550000001',
            domain: '127.0.0.1',
            proxyPort: 9, // never reached: the account does not register (regint=0 below)
            sipPort,
            ctrlPort,
            rtpPortMin: 40_000,
            rtpPortCount: 20,
            username: 'u',
            password: 'p',
            toneHz: 440,
          });
          writeFileSync(join(dir, 'config'), files.config);
          writeFileSync(join(dir, 'accounts'), files.accounts.replace('regint=3600', 'regint=0'));
          const child = spawn('baresip', ['-f', dir], { stdio: 'ignore' });
          children.push(child);
          const attempt = { sipPort, exitCode: null as number | null };
          tries.push(attempt);
          child.once('exit', (code) => (attempt.exitCode = code));
          await waitForChild(child, 'baresip', () => tcpAccepts(ctrlPort));
          return ctrlPort;
        });
        assert.equal(tries.length, 2, 'one try on the taken port, one on fresh ports');
        assert.equal(tries[0]!.sipPort, takenPort);
        assert.equal(tries[0]!.exitCode, 98, 'baresip exits with EADDRINUSE on the taken port');
        assert.notEqual(tries[1]!.sipPort, takenPort);
        assert.equal(tries[1]!.exitCode, null, 'the second baresip runs on');
        assert.ok(await tcpAccepts(ctrlPort), "the running baresip's control port answers");
      } finally {
        taken.close();
      }
    },
  );

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
