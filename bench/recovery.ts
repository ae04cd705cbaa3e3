/**
 * Recovery times (issue 10) on the real stack in Chromium, through the emulator's fault API: how long from
 * the end of a fault until the agent can be reached or heard again, as distributions, next to the plain
 * register time (`init()` → ONLINE) measured in the same rounds on the same page, its natural scale.
 * bench/page/bench-recovery.js does the timing in the page; this drives it and renders its section.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { startStack } from '../scripts/stack.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.js';
import { fmt, log, machine, mspread, summarize, table, type Machine } from './lib.js';

/** `npm run bench -- --only=…` names of the recovery measures; `recovery` runs them all. */
export type RecoveryScenario =
  'reset-idle' | 'reset-call' | 'outage' | 'media-restored' | 'takeover-closed' | 'takeover-frozen';
export const RECOVERY_SCENARIOS: readonly RecoveryScenario[] = [
  'reset-idle',
  'reset-call',
  'outage',
  'media-restored',
  'takeover-closed',
  'takeover-frozen',
];

/** How long the outage (connections refused) and the media loss last before they end. */
export const OUTAGE_MS = 3000;
export const MEDIA_LOSS_MS = 5000;

export interface RecoveryResult {
  machine: Machine;
  rounds: number;
  /** init() → ONLINE, one per round: the plain register time of the same run. */
  register: number[];
  /** Signaling socket reset while idle → ONLINE again (RECONNECT 'reconnected'). */
  resetIdle: number[];
  /** Signaling socket reset during a call → ONLINE again; the call stays up. */
  resetCall: number[];
  /** Connections refused OUTAGE_MS after a reset; the fault deleted → ONLINE again. */
  outageEnd: number[];
  /** All of a call's UDP black-holed MEDIA_LOSS_MS; the fault deleted → the page's next audio packet. */
  mediaRestored: number[];
  /** shareTabs: the leader tab closed → the other tab ONLINE on its own registration (absent in older results). */
  takeoverClosed?: number[];
  /** shareTabs: the leader tab told it freezes (`freeze` event) → the other tab ONLINE (absent in older results). */
  takeoverFrozen?: number[];
  error?: string;
}

const PAGE = readFileSync(fileURLToPath(new URL('./page/bench-recovery.js', import.meta.url)), 'utf8');
const call = <T>(page: Page, expression: string): Promise<T> => page.evaluate(expression) as Promise<T>;

/** `rounds` rounds of the chosen measures, each with a fresh client (and its register time). */
export async function runRecovery(
  rounds: number,
  only: ReadonlySet<RecoveryScenario> = new Set(RECOVERY_SCENARIOS),
): Promise<RecoveryResult> {
  const result: RecoveryResult = {
    machine: machine(CHROMIUM_PATH),
    rounds,
    register: [],
    resetIdle: [],
    resetCall: [],
    outageEnd: [],
    mediaRestored: [],
    takeoverClosed: [],
    takeoverFrozen: [],
  };
  const stack = await startStack();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--disable-background-timer-throttling', '--disable-renderer-backgrounding'],
  });
  try {
    const number = '+15557770091';
    await stack.app.inject({
      method: 'PUT',
      url: `/emulator/phones/${encodeURIComponent(number)}`,
      payload: { answer: 'answer', answerDelayMs: 0 },
    });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    await context.route('**/__bench/bench-recovery.js', (route) =>
      route.fulfill({ contentType: 'text/javascript', body: PAGE, headers: { 'cache-control': 'no-store' } }),
    );
    /** A tab of the context (the pages of one context share Web Locks and BroadcastChannels, as tabs do). */
    const openTab = async (): Promise<Page> => {
      const tab = await context.newPage();
      tab.on('pageerror', (error) => log(`page error: ${error.message}`));
      // A document of the stack's origin (Chromium's Local Network Access checks, as in browser.ts).
      await tab.goto(`${stack.origin}/healthz`);
      await call(
        tab,
        `import('/__bench/bench-recovery.js').then(() => window.recovery.setup('bench-recovery'))`,
      );
      return tab;
    };
    const page = await openTab();
    const inCall = only.has('reset-call') || only.has('media-restored');
    for (let round = 0; round < rounds; round++) {
      result.register.push(await call<number>(page, 'window.recovery.online()'));
      if (only.has('reset-idle'))
        result.resetIdle.push(await call<number>(page, 'window.recovery.resetSignaling()'));
      if (only.has('outage'))
        result.outageEnd.push(await call<number>(page, `window.recovery.outage(${OUTAGE_MS})`));
      if (inCall) {
        const callSid = await call<string>(page, `window.recovery.callUp('${number}')`);
        if (only.has('reset-call'))
          result.resetCall.push(await call<number>(page, 'window.recovery.resetSignaling()'));
        if (only.has('media-restored'))
          result.mediaRestored.push(
            await call<number>(page, `window.recovery.mediaLoss('${callSid}', ${MEDIA_LOSS_MS})`),
          );
        await call(page, 'window.recovery.hangUp()');
      }
      await call(page, 'window.recovery.teardown()');
      for (const how of ['closed', 'frozen'] as const) {
        if (!only.has(`takeover-${how}`)) continue;
        const took = await takeover(page, await openTab(), how);
        (how === 'closed' ? result.takeoverClosed : result.takeoverFrozen)!.push(took);
      }
      log(`recovery round ${round + 1}/${rounds}`);
      // The backend's rate limiter (300 requests/min per user): a round makes about 30.
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await context.close();
  } catch (error) {
    result.error = (error as Error).message.split('\n')[0];
    log(`recovery runs stopped: ${result.error}`);
  } finally {
    await browser.close();
    await stack.close();
  }
  return result;
}

/**
 * shareTabs (docs/decisions.md §27): `leader` registers, `page` follows it; then the leader tab is closed, or
 * frozen. The time from that moment (the system clock both tabs read) until `page` is ONLINE on its own
 * registration, ms. Both tabs' clients are gone afterwards. Playwright's pages stay visible, and DevTools'
 * `Page.setWebLifecycleState` freezes no visible page (the e2e suite freezes a background tab through
 * puppeteer, tabs-takeover): here the leader is told it freezes (its `freeze` event, what Chrome sends a page
 * before freezing it), which runs the same takeover; the old leader's timers go on meanwhile.
 */
async function takeover(page: Page, leader: Page, how: 'closed' | 'frozen'): Promise<number> {
  await call(leader, 'window.recovery.online(true)');
  await call(page, 'window.recovery.online(true)');
  const identity = await call<string>(leader, 'window.recovery.sessionIdentity()');
  const since = Date.now();
  if (how === 'closed') await leader.close();
  else await call(leader, `document.dispatchEvent(new Event('freeze'))`);
  const took = await call<number>(page, `window.recovery.takeover(${since}, '${identity}')`);
  if (how === 'frozen') {
    // Awake, it finds its lock stolen and closes its registration; then it goes.
    await call(leader, `document.dispatchEvent(new Event('resume'))`);
    await call(leader, 'window.recovery.teardown()');
    await leader.close();
  }
  await call(page, 'window.recovery.teardown()');
  return took;
}

/** The BENCHMARKS.md section. */
export function recoveryReport(r: RecoveryResult | undefined): string[] {
  if (!r) return [];
  const m = r.machine;
  const row = (what: string, values: number[]) => {
    if (!values.length) return [what, '–', '–', '–', '–', 0];
    const s = summarize(values);
    return [
      what,
      `**${mspread(s, 0)}**`,
      fmt(s.min, 0),
      fmt(s.max, 0),
      fmt(s.median / summarize(r.register).median, 2),
      s.n,
    ];
  };
  return [
    '## Recovery from faults',
    '',
    `Measured ${m.date} by \`npm run bench -- --only=recovery\` (or one of ${RECOVERY_SCENARIOS.map((s) => `\`${s}\``).join(', ')}) ` +
      `on ${m.cpu} × ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.chromium}: ${r.rounds} rounds, each with a ` +
      'fresh client on the real stack in Chromium, faults through the emulator (`/emulator/faults`, decision 14). ' +
      'Each time runs from the moment the fault ends (the reset sent; the refusal or black-hole deleted) to what the ' +
      'agent needs: ONLINE again (our RECONNECT `reconnected`), or the next audio packet at the page; for `shareTabs` ' +
      '(two tabs of one agent) from the leader tab closed or told it freezes (Playwright cannot freeze a visible page) until the other is ONLINE on its own registration. The plain ' +
      'register time is `init()` → ONLINE of the same rounds; the ratio is of the medians. None of these passed ' +
      'through an ERROR (a round that saw one stops the run).',
    '',
    table(
      ['ms', 'median (p25–p75)', 'min', 'max', '× register', 'n'],
      [
        row('plain register: `init()` → ONLINE', r.register),
        row('signaling reset, idle → ONLINE', r.resetIdle),
        row('signaling reset in a call → ONLINE (the call stays up)', r.resetCall),
        row(`outage (${OUTAGE_MS / 1000} s refused) end → ONLINE`, r.outageEnd),
        row(`media (all UDP, ${MEDIA_LOSS_MS / 1000} s) restored → audio at the page`, r.mediaRestored),
        row('`shareTabs`: leader tab closed → the other tab ONLINE', r.takeoverClosed ?? []),
        row(
          '`shareTabs`: leader tab freezes (its `freeze` event) → the other tab ONLINE',
          r.takeoverFrozen ?? [],
        ),
      ],
    ),
    ...(r.error ? ['', `_The runs stopped early: ${r.error}_`] : []),
  ];
}
