import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintSipCredentials, sipRoutingToken, type SipAccount } from '../../server/sip.js';
import { BaresipControl } from './baresip-phone.js';
import { kamailioConfig, tlsConfig } from './kamailio-config.js';
import { baresipConfig, rtpengineConfig } from './media-config.js';
import {
  ExitedDuringStartError,
  freePort,
  mediaPortRange,
  tcpAccepts,
  waitForChild,
  withFreshPorts,
} from './ports.js';
import { packetsFromBrowser } from './rtpengine-ng.js';

/** One DTMF event rtpengine saw on a call (its dtmf-log-dest JSON). */
export interface SipDtmfEvent {
  callId: string;
  /** The digit: 0-9, *, #, A-D. */
  digit: string;
}

export interface SipPhone {
  number: string;
  control: BaresipControl;
  /** Dials a SIP URI or a user of the proxy's domain. */
  dial(target: string): Promise<void>;
  hangup(): Promise<void>;
}

export interface SipStackOptions {
  /** The virtual phones' numbers (E.164); each gets a baresip that registers it and answers. */
  phones: string[];
  /** TLS certificate and key (PEM) for wss; the web stack's own, so a browser accepts both alike. */
  tls: { cert: string; key: string };
  /** Origins allowed to open the WebSocket; empty for any. */
  allowedOrigins?: string[];
  /** Hz of the phones' tone. */
  toneHz?: number;
  /**
   * The backend's `GET /sip/route` URL (calls to Notify numbers fork to the sessions it names), known before
   * the backend listens; the bearer token is derived from the stack's secret (server/sip.ts).
   */
  routeUrl?: string;
  /** Picks each port the stack starts a program on; freePort() unless a test hands out a taken one. */
  pickPort?: () => Promise<number>;
}

export interface SipStack {
  account: SipAccount;
  phones: Map<string, SipPhone>;
  /** Every DTMF event seen so far, in arrival order. */
  dtmf: SipDtmfEvent[];
  /** The last lines each program wrote, for a failing test's report. */
  logs(): string;
  /**
   * The stack's fault control: the proxy closes every browser's WebSocket (Kamailio's own `ws.close` RPC), as
   * a lost connection would end it; resolves to how many it closed.
   */
  dropWebSockets(): Promise<number>;
  /** While `refused`, the proxy refuses every new browser WebSocket (an outage that lasts); open ones stay. */
  refuseWebSockets(refused: boolean): Promise<void>;
  /** RTP packets the media relay received from the browser on call `callId` and forwarded to the phone. */
  packetsToPhone(callId: string): Promise<number>;
  close(): Promise<void>;
}

const RTPENGINE_DIGITS = '0123456789*#ABCD';

/** Whether the stack's programs are installed (scripts/sip/install.sh). */
export function sipStackInstalled(): boolean {
  return ['kamailio', 'rtpengine', 'baresip'].every(
    (binary) => spawnSync('sh', ['-c', `command -v ${binary} || test -x /usr/sbin/${binary}`]).status === 0,
  );
}

/**
 * Starts the SIP stack on free loopback ports with generated configuration in a temporary directory:
 * rtpengine, Kamailio (wss + UDP, auth_ephemeral with a fresh secret) and one baresip per phone; resolves
 * once every part answers and every phone is registered. close() stops them all and removes the directory.
 */
export async function startSipStack(options: SipStackOptions): Promise<SipStack> {
  const dir = mkdtempSync(join(tmpdir(), 'notify-sip-'));
  const pickPort = options.pickPort ?? freePort;
  const children: ChildProcess[] = [];
  const logs = new Map<ChildProcess, string>();
  const run = (name: string, command: string, args: string[]) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-20_000);
      logs.set(child, log);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code) => {
      if (!closing && code !== 0) console.error(`[sip-stack] ${name} exited (${code}):\n${log.slice(-4000)}`);
    });
    children.push(child);
    return child;
  };
  let closing = false;
  const dtmf: SipDtmfEvent[] = [];
  let dtmfSocket: UdpSocket | null = null;
  const phones = new Map<string, SipPhone>();

  const close = async () => {
    closing = true;
    for (const phone of phones.values()) phone.control.close();
    dtmfSocket?.close();
    // Phones first (they unregister), then the proxy and the relay.
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const domain = '127.0.0.1';
    const secret = randomBytes(24).toString('base64url');
    // rtpengine's DTMF log: one JSON object per event, with the call's Call-ID.
    dtmfSocket = createSocket('udp4');
    dtmfSocket.on('message', (message) => {
      try {
        const event = JSON.parse(message.toString()) as { callid?: string; event?: number };
        const digit = RTPENGINE_DIGITS[event.event ?? -1];
        if (event.callid && digit) dtmf.push({ callId: event.callid, digit });
      } catch {
        // Not ours: ignore.
      }
    });
    const dtmfLogPort = await new Promise<number>((resolve) =>
      dtmfSocket!.bind(0, '127.0.0.1', () => resolve(dtmfSocket!.address().port)),
    );

    const ngPort = await withFreshPorts('rtpengine', async () => {
      const port = await pickPort();
      const rtpengineFile = join(dir, 'rtpengine.conf');
      writeFileSync(
        rtpengineFile,
        rtpengineConfig({ ngPort: port, portMin: mediaPortRange(200), portCount: 200, dtmfLogPort }),
      );
      const child = run('rtpengine', 'rtpengine', [
        `--config-file=${rtpengineFile}`,
        `--pidfile=${join(dir, 'rtpengine.pid')}`,
      ]);
      await waitForChild(child, 'rtpengine', () => ngPing(port));
      return port;
    });

    writeFileSync(join(dir, 'cert.pem'), options.tls.cert);
    writeFileSync(join(dir, 'key.pem'), options.tls.key);
    const tlsFile = join(dir, 'tls.cfg');
    writeFileSync(tlsFile, tlsConfig(join(dir, 'cert.pem'), join(dir, 'key.pem')));
    const { sipUdpPort, wssPort } = await withFreshPorts('Kamailio', async () => {
      const [sipUdpPort, wssPort] = [await pickPort(), await pickPort()];
      const kamailioFile = join(dir, 'kamailio.cfg');
      writeFileSync(
        kamailioFile,
        kamailioConfig({
          domain,
          sipUdpPort,
          wssPort,
          rtpengineNgPort: ngPort,
          secret,
          tlsConfigFile: tlsFile,
          allowedOrigins: options.allowedOrigins ?? [],
          ...(options.routeUrl && { routing: { url: options.routeUrl, token: sipRoutingToken(secret) } }),
          ctlSocket: join(dir, 'kamailio.ctl'),
        }),
      );
      const child = run('kamailio', 'kamailio', [
        '-f',
        kamailioFile,
        '-P',
        join(dir, 'kamailio.pid'),
        '-Y',
        dir,
        '-DD',
        '-E',
      ]);
      // Its control socket is answered by a process Kamailio starts only once it has bound its ports, so an
      // answer there says this Kamailio is up; a connection accepted on the wss port alone might be another
      // process's, one that took the port.
      await waitForChild(
        child,
        'Kamailio',
        async () => (await kamailioAnswers(join(dir, 'kamailio.ctl'))) && tcpAccepts(wssPort),
      );
      return { sipUdpPort, wssPort };
    });

    for (const number of options.phones) {
      const phoneDir = join(dir, `phone-${number.replace(/\W/g, '')}`);
      mkdirSync(phoneDir);
      // The phones are the "PSTN": credentials valid for a day, far beyond any test run.
      const credentials = mintSipCredentials(secret, number, 86_400);
      const ctrlPort = await withFreshPorts(`baresip ${number}`, async () => {
        const [sipPort, ctrlPort] = [await pickPort(), await pickPort()];
        const files = baresipConfig({
          number,
          domain,
          proxyPort: sipUdpPort,
          sipPort,
          ctrlPort,
          rtpPortMin: mediaPortRange(20),
          rtpPortCount: 20,
          username: credentials.username,
          password: credentials.password,
          toneHz: options.toneHz ?? 440,
        });
        writeFileSync(join(phoneDir, 'config'), files.config);
        writeFileSync(join(phoneDir, 'accounts'), files.accounts);
        const child = run(`baresip ${number}`, 'baresip', ['-f', phoneDir, '-v']);
        await waitForChild(child, `baresip ${number} to register`, () => {
          const log = logs.get(child) ?? '';
          // baresip runs on without its control module when that port is taken, and the stack would then
          // talk to whatever holds it: that counts as a failed start, to be tried again on fresh ports.
          if (log.includes('ctrl_tcp: failed to listen')) {
            child.kill('SIGKILL');
            throw new ExitedDuringStartError(`SIP stack: baresip ${number}: its control port was taken`);
          }
          return (
            log.includes(`ctrl_tcp: TCP socket listening on 127.0.0.1:${ctrlPort}`) &&
            /\[\d+ bindings?\]/.test(log)
          );
        });
        return ctrlPort;
      });
      const control = new BaresipControl(ctrlPort);
      await control.connect();
      phones.set(number, {
        number,
        control,
        dial: async (target) => {
          const uri = target.startsWith('sip:') ? target : `sip:${target}@${domain}:${sipUdpPort}`;
          await control.command('dial', uri);
        },
        hangup: async () => {
          await control.command('hangup');
        },
      });
    }

    return {
      account: { domain, wsUrl: `wss://127.0.0.1:${wssPort}`, secret },
      phones,
      dtmf,
      logs: () => [...logs].map(([child, log]) => `--- ${child.spawnargs.join(' ')}\n${log}`).join('\n'),
      dropWebSockets: async () => {
        const rpc = (...args: string[]) =>
          execFileSync('kamcmd', ['-s', `unix:${join(dir, 'kamailio.ctl')}`, ...args]).toString();
        // ws.dump lists `<id>: wss:<local> -> wss:<peer> (state: OPEN, …)` per connection.
        const ids = [...rpc('ws.dump').matchAll(/^\s*(\d+): wss?:/gm)].map((match) => match[1]!);
        for (const id of ids) rpc('ws.close', id);
        return ids.length;
      },
      refuseWebSockets: async (refused) => {
        execFileSync('kamcmd', [
          '-s',
          `unix:${join(dir, 'kamailio.ctl')}`,
          'pv.shvSet',
          'refuse_ws',
          'int',
          refused ? '1' : '0',
        ]);
      },
      packetsToPhone: (callId) => packetsFromBrowser(ngPort, callId),
      close,
    };
  } catch (error) {
    for (const [child, log] of logs) {
      console.error(`[sip-stack] ${child.spawnfile} log:\n${log.slice(-4000)}`);
    }
    await close();
    throw error;
  }
}

/** Whether the Kamailio of this control socket answers an RPC (`core.uptime`). */
function kamailioAnswers(ctlSocket: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('kamcmd', ['-s', `unix:${ctlSocket}`, 'core.uptime'], { timeout: 2000 }, (error) =>
      resolve(!error),
    );
  });
}

/** rtpengine's ng protocol: `<cookie> <bencoded dict>`; `ping` answers `pong`. */
function ngPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(false);
    }, 200);
    socket.on('message', (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(message.toString().includes('pong'));
    });
    socket.on('error', () => undefined);
    socket.send('ping1 d7:command4:pinge', port, '127.0.0.1');
  });
}
