/**
 * The SIP vendor in the benchmarks (issue 15): one stack whose backend serves both Notify numbers (Twilio's
 * through the emulator, SIP's through Kamailio, rtpengine and a baresip phone), one page, and our client on
 * each vendor in interleaved rounds: init() → ONLINE (registered), call() → CALL_START (the far end accepted)
 * and call() → first remote audio. Twilio's figures of the same rounds are the baseline of the ratios.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { brotliSize, gzipSize } from '../scripts/check-size.js';
import { createLocalCertificate } from '../emulator/cert.js';
import { freePort } from '../scripts/sip/ports.js';
import { sipStackInstalled, startSipStack } from '../scripts/sip/sip-stack.js';
import { SIP_NUMBER, startStack } from '../scripts/stack.js';
import { fmt, log, mspread, ratio, summarize, table } from './lib.js';
import type { OverheadRun } from './browser.js';

/** A file of dist/ as a browser downloads it. */
export interface FileSize {
  file: string;
  min: number;
  gzip: number;
  brotli: number;
}

/** The vendors side by side; `error` says why the runs stopped early (or why there were none). */
export interface SipBenchResults {
  twilio: OverheadRun[];
  sip: OverheadRun[];
  /** What each vendor loads on its first init(), measured from the dist/ the run used. */
  sizes: { sip: FileSize[]; twilio: FileSize[] };
  error?: string;
}

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
function fileSize(file: string): FileSize {
  const data = readFileSync(`${dist}${file}`);
  return { file, min: data.length, gzip: gzipSize(data), brotli: brotliSize(data) };
}

/** Twilio's virtual phone (set to answer at once) and SIP's (baresip answers at once by itself). */
const TWILIO_PHONE = '+15557779101';
const SIP_PHONE = '+15551249101';
/** Twilio's demo Notify number (scripts/stack.ts). */
const TWILIO_NUMBER = '+15005550006';

type OpenPage = (browser: Browser, stack: { origin: string }) => Promise<Page>;

/**
 * `rounds` measured rounds after `warmup` discarded ones; each round runs both vendors, in turn first.
 * `openPage`: bench/browser.ts's page on a stack (its bench-page.js and bench-calls.js loaded).
 */
export async function runSipBench(
  browser: Browser,
  openPage: OpenPage,
  { rounds, warmup }: { rounds: number; warmup: number },
): Promise<SipBenchResults> {
  const twilio: OverheadRun[] = [];
  const sip: OverheadRun[] = [];
  // The SIP driver is one file with JsSIP; Twilio's is our driver chunk and the SDK's.
  const sizes = {
    sip: [fileSize('sip-driver.js')],
    twilio: [fileSize('notify-phone.twilio-driver.js'), fileSize('twilio-voice-sdk.js')],
  };
  if (!sipStackInstalled())
    return { twilio, sip, sizes, error: 'the SIP stack is not installed (bash scripts/sip/install.sh)' };
  const https = await createLocalCertificate();
  const port = await freePort();
  const proxy = await startSipStack({
    phones: [SIP_PHONE],
    tls: https,
    routeUrl: `https://127.0.0.1:${port}/api/sip/route`,
  });
  const stack = await startStack({ https, sip: proxy.account, port }).catch(async (error: unknown) => {
    await proxy.close();
    throw error;
  });
  try {
    await stack.app.inject({
      method: 'PUT',
      url: `/emulator/phones/${encodeURIComponent(TWILIO_PHONE)}`,
      payload: { answer: 'answer', answerDelayMs: 0 },
    });
    const page = await openPage(browser, stack);
    const evaluate = <T>(expression: string) => page.evaluate(expression) as Promise<T>;
    await evaluate(`window.bench.setup('bench-sip')`);
    const runOn = (notifyNumber: string, phone: string) => async (): Promise<OverheadRun> => {
      const online = await evaluate<{ total: number; afterSession: number }>(
        `window.bench.oursOnline({ callerId: '${notifyNumber}', skipParentId: true })`,
      );
      const c = await evaluate<{ callStart: number; firstAudio: number }>(
        `window.bench.oursCall('${phone}')`,
      );
      await evaluate('window.bench.oursEnd()');
      return { onlineTotal: online.total, onlineAfterSession: online.afterSession, ...c };
    };
    const sides: Array<[() => Promise<OverheadRun>, OverheadRun[]]> = [
      [runOn(TWILIO_NUMBER, TWILIO_PHONE), twilio],
      [runOn(SIP_NUMBER, SIP_PHONE), sip],
    ];
    try {
      for (let i = 0; i < warmup + rounds; i++) {
        const round = i % 2 ? [...sides].reverse() : sides;
        const runs: OverheadRun[] = [];
        const started = performance.now();
        for (const [run] of round) {
          runs.push(await run());
          await new Promise((r) => setTimeout(r, 100));
        }
        // The backend's rate limiter (600 requests/min per IP): rounds are paced as the overhead runs are.
        await new Promise((r) => setTimeout(r, Math.max(100, 2000 - (performance.now() - started))));
        if (i < warmup) continue;
        round.forEach(([, into], k) => into.push(runs[k]!));
        if ((i + 1 - warmup) % 5 === 0) log(`sip round ${i + 1 - warmup}/${rounds}`);
      }
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]!;
      log(`sip runs stopped: ${message}`);
      return { twilio, sip, sizes, error: message };
    } finally {
      await page.context().close();
    }
    return { twilio, sip, sizes };
  } finally {
    await stack.close();
    await proxy.close();
  }
}

/** The report's section (BENCHMARKS.md), from a run's results; `apart`: the note of a `--only` measurement. */
export function sipReport(results: SipBenchResults | undefined, apart: string): string[] {
  const out = ['\n### The SIP vendor against Twilio (our client on both, same page, interleaved)\n'];
  if (!results)
    return [...out, 'The SIP vendor was not measured in this run (`npm run bench -- --only=sip`).'];
  if (apart) out.push(apart);
  if (results.error) out.push(`> The SIP runs stopped early: ${results.error}\n`);
  const total = (files: FileSize[], key: 'min' | 'gzip' | 'brotli') => files.reduce((n, f) => n + f[key], 0);
  const sizeRow = (vendor: string, files: FileSize[]) => [
    vendor,
    files.map((f) => `\`dist/${f.file}\``).join(' + '),
    `${total(files, 'min')} B`,
    `**${total(files, 'gzip')} B**`,
    `${total(files, 'brotli')} B`,
  ];
  out.push(
    table(
      ['vendor', 'loaded on the first `init()`', 'minified', 'gzip -9', 'brotli 11'],
      [sizeRow('SIP', results.sizes.sip), sizeRow('Twilio', results.sizes.twilio)],
    ),
  );
  out.push(
    `\nThe SIP driver is ${fmt(total(results.sizes.sip, 'gzip') / total(results.sizes.twilio, 'gzip'), 2)}× ` +
      "Twilio's driver and SDK together (gzip). Neither is in the first load.\n",
  );
  const { twilio, sip } = results;
  if (!sip.length || sip.length !== twilio.length) return out;
  const rows: Array<[string, keyof OverheadRun]> = [
    ['`init()` → ONLINE (session, credentials, registered)', 'onlineTotal'],
    ['  of which after the session answer (the vendor registering)', 'onlineAfterSession'],
    ['`call()` → CALL_START (the far end accepted)', 'callStart'],
    ['`call()` → first remote audio', 'firstAudio'],
  ];
  out.push(
    table(
      [
        `measure (n = ${sip.length} each)`,
        'SIP ms',
        'Twilio ms',
        'ratio of medians',
        'paired ratio median (p25–p75)',
      ],
      rows.map(([label, key]) => {
        const s = sip.map((r) => r[key]);
        const t = twilio.map((r) => r[key]);
        const r = ratio(s, t);
        return [
          label,
          mspread(summarize(s)),
          mspread(summarize(t)),
          `**${fmt(r.ofMedians, 2)}×**`,
          mspread(r.paired, 2),
        ];
      }),
    ),
  );
  out.push(
    "\nOne stack whose backend serves both Notify numbers: Twilio's through the emulator (its virtual phone set to " +
      "answer at once), SIP's through Kamailio (wss, auth_ephemeral), rtpengine and a baresip phone that answers at " +
      'once; the same signed-in user and page. Each round runs both vendors, in turn first; warm-up rounds are ' +
      'discarded; the paired ratio divides each SIP run by the Twilio run of its round. Register is `init()` to ' +
      'ONLINE: the backend session, the driver chunk (and SDK) loaded, the vendor registered (SIP: REGISTER with a ' +
      'digest challenge over a new wss connection). Call set-up is `call()` to CALL_START: the far end accepted (SIP: ' +
      'the 200 OK of the INVITE; ICE gathering, which the driver bounds at 300 ms, comes first). First audio is the first unmute of the ' +
      "call's remote track (its first RTP packet).",
  );
  return out;
}
