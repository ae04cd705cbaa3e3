import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalCertificate } from '../../../emulator/cert.js';
import { freePort } from '../../../scripts/sip/ports.js';
import { startSipStack, sipStackInstalled, type SipStack } from '../../../scripts/sip/sip-stack.js';
import { SIP_NUMBER, startStack, type Stack } from '../../../scripts/stack.js';

/** The virtual SIP phones' numbers: plain-SIP endpoints standing for the PSTN (baresip). */
/**
 * By slot (the behaviour suite's `phoneNumber(slot)`): 0 and 1 are shared; each later slot is one file's alone,
 * 2 records.test.ts, 3 faults.test.ts, 4 and 5 transfers.test.ts, 6 tabs-sip-release.test.ts.
 */
export const SIP_PHONES = [
  '+15551240001',
  '+15551240002',
  '+15551240003',
  '+15551240009',
  '+15551240004',
  '+15551240005',
  '+15551240006',
] as const;

/** What a SIP test page learns from `/__stack.js?sip`. */
export interface SipStackInfo {
  origin: string;
  backendUrl: string;
  sipNumber: string;
  phones: readonly string[];
  /** The proxy's domain (a phone dials `<user>@<domain>`). */
  domain: string;
  /** A second backend on the same SIP proxy whose credentials live 5 s: the renewal tests. */
  shortTokens: { backendUrl: string };
  /** A backend configured with the wrong shared secret: the proxy must refuse what it mints. */
  wrongSecret: { backendUrl: string };
}

export interface SipWebStack {
  sip: SipStack | null;
  web: Stack | null;
  shortTokens?: Stack;
  wrongSecret?: Stack;
  skip?: string;
  describe(): SipStackInfo | { skip: string };
  close(): Promise<void>;
}

/**
 * Starts the SIP stack (scripts/sip/sip-stack.ts) with the web stack's certificate for wss, then a web stack
 * whose backend serves SIP_NUMBER through it. Without the SIP programs the tests fail, as they would in CI
 * (scripts/ensure-system-deps.sh installs them), unless NOTIFY_SKIP_SIP=1 says to skip them.
 */
export async function startSipWebStack(corsOrigins: string[]): Promise<SipWebStack> {
  if (!sipStackInstalled()) {
    if (process.env.NOTIFY_SKIP_SIP === '1') {
      const skip = 'the SIP stack is not installed (NOTIFY_SKIP_SIP=1)';
      return { sip: null, web: null, skip, describe: () => ({ skip }), close: async () => undefined };
    }
    throw new Error(
      'The SIP stack is not installed: run `bash scripts/sip/install.sh` (or NOTIFY_SKIP_SIP=1 to skip its tests).',
    );
  }
  const https = await createLocalCertificate();
  // The backend's port is chosen before the SIP stack starts, since the proxy's configuration names its routing
  // URL, and bound only once the stack is up: another process may take it meanwhile. Then all starts again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnPorts(corsOrigins, https);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 3) throw error;
      console.error(
        `[sip-stack] the backend's port was taken meanwhile; starting again (try ${attempt + 1})`,
      );
    }
  }
}

async function startOnPorts(
  corsOrigins: string[],
  https: { cert: string; key: string },
): Promise<SipWebStack> {
  const port = await freePort();
  const sip = await startSipStack({
    phones: [...SIP_PHONES],
    tls: https,
    allowedOrigins: corsOrigins,
    routeUrl: `https://127.0.0.1:${port}/api/sip/route`,
  });
  // The proxy reports every call to one backend (server/routes/sip-calls.ts), which must know the sessions of
  // both backends it serves: one deployment, one database, two token lifetimes.
  const dataDir = mkdtempSync(join(tmpdir(), 'notify-sip-db-'));
  const database = join(dataDir, 'notify.db');
  const started: Stack[] = [];
  const start = async (options: Parameters<typeof startStack>[0]) => {
    const stack = await startStack(options);
    started.push(stack);
    return stack;
  };
  let web: Stack;
  let shortTokens: Stack;
  let wrongSecret: Stack;
  try {
    web = await start({ corsOrigins, https, sip: sip.account, port, database });
    shortTokens = await start({ corsOrigins, https, sip: sip.account, tokenTtlSeconds: 5, database });
    const wrong = { ...sip.account, secret: `not-${sip.account.secret}` };
    wrongSecret = await start({ corsOrigins, https, sip: wrong });
  } catch (error) {
    // Nothing of a failed start stays running.
    await Promise.all(started.map((stack) => stack.close()));
    await sip.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    sip,
    web,
    shortTokens,
    wrongSecret,
    describe: () => ({
      shortTokens: { backendUrl: shortTokens.backendUrl },
      wrongSecret: { backendUrl: wrongSecret.backendUrl },
      origin: web.origin,
      backendUrl: web.backendUrl,
      sipNumber: SIP_NUMBER,
      phones: [...SIP_PHONES],
      domain: sip.account.domain,
    }),
    close: async () => {
      await Promise.all([web.close(), shortTokens.close(), wrongSecret.close()]);
      await sip.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Payloads of the `sip-…` commands a test page sends (executeServerCommand). */
export type SipCommandPayload = { phone?: string; target?: string; callId?: string; refused?: boolean };

/**
 * The SIP test commands: `sip-dial` {phone, target} makes a virtual phone call a SIP user, `sip-hangup`
 * {phone} hangs it up, `sip-dtmf` {callId} → the digits rtpengine saw on that call (either direction), in
 * order, `sip-phone-events` {phone} → the phone's ctrl_tcp event types, `sip-logs` → the programs' last logs,
 * `sip-drop-websockets` → the proxy closes every browser's WebSocket (the number closed),
 * `sip-refuse-websockets` {refused} → the proxy refuses new browser WebSockets (or no longer),
 * `sip-packets-to-phone` {callId} → the RTP packets the relay forwarded from the page to the phone on that call.
 */
export async function sipCommand(
  stack: SipWebStack | undefined,
  command: string,
  payload: unknown,
): Promise<unknown> {
  const sip = stack?.sip;
  if (!sip) throw new Error(`${command}: the SIP stack is not running`);
  const { phone = '', target = '', callId = '', refused = false } = (payload ?? {}) as SipCommandPayload;
  const virtual = () => {
    const found = sip.phones.get(phone);
    if (!found) throw new Error(`${command}: no virtual SIP phone ${phone}`);
    return found;
  };
  switch (command) {
    case 'sip-dial':
      await virtual().dial(target);
      return true;
    case 'sip-hangup':
      await virtual().hangup();
      return true;
    case 'sip-dtmf':
      return sip.dtmf
        .filter((event) => event.callId === callId)
        .map((event) => event.digit)
        .join('');
    case 'sip-phone-events':
      return virtual().control.events.map((event) => event.type);
    case 'sip-logs':
      return sip.logs();
    case 'sip-drop-websockets':
      return sip.dropWebSockets();
    case 'sip-refuse-websockets':
      await sip.refuseWebSockets(refused);
      return true;
    case 'sip-packets-to-phone':
      return sip.packetsToPhone(callId);
    default:
      throw new Error(`unknown SIP command ${command}`);
  }
}
