/**
 * Browser benchmarks on the real stack (scripts/stack.ts: backend + emulator on one HTTPS origin) in
 * Chromium: our layers against the bare @twilio/voice-sdk (interleaved, same page, same emulator), the
 * loopback floor, and the element's render, update, heap and listener figures.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { startStack, type Stack } from '../scripts/stack.js';
import { log, sleep } from './lib.js';
import { firstRenderCpu } from './render-cpu.js';
import { runSipBench, type SipBenchResults } from './sip.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.js';

export const CHROMIUM = CHROMIUM_PATH;
const PAGE_FILES: Record<string, string> = Object.fromEntries(
  ['bench-page.js', 'bench-calls.js'].map((name) => [
    name,
    readFileSync(fileURLToPath(new URL(`./page/${name}`, import.meta.url)), 'utf8'),
  ]),
);
const BLANK =
  '<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body></body></html>';

export interface BrowserOptions {
  /** Measured pairs (ours + bare) of the overhead runs, after `warmup` discarded pairs. */
  pairs: number;
  /** Measured pairs of the inbound runs (pickupCall() vs call.accept()), after `warmup` discarded pairs. */
  pickupPairs: number;
  warmup: number;
  floorRuns: number;
  renderPages: number;
  updates: number;
  cycles: number;
  /** Calls held and resumed (each after a plain call set-up, the ratios' baseline). */
  holdRuns: number;
  /** Rounds of the call-memory run: each two calls (one held, resumed and warm-transferred, one consultation). */
  transferCycles: number;
  /** Rounds of the SIP-against-Twilio runs (each vendor once per round), after `warmup` discarded rounds. */
  sip: { rounds: number; warmup: number };
}

/** One call held and resumed: ms from call() to first audio, hold() to the hold tone, resume() to audio both ways. */
export interface HoldRun {
  plain: number;
  hold: number;
  resume: number;
}

export interface OverheadRun {
  onlineTotal: number;
  onlineAfterSession: number;
  callStart: number;
  firstAudio: number;
}

/** One inbound run: a virtual phone dials the Notify number, the page answers. */
export interface PickupRun {
  /** dial request → INCOMING_CALL (ours, after resolving the parent call) / Device `incoming` (bare). */
  ringing: number;
  /** pickupCall() → CALL_START / call.accept() → `accept`. */
  callStart: number;
  /** pickupCall() / call.accept() → first remote audio (the remote track unmutes on its first RTP packet). */
  firstAudio: number;
}

/** Which browser scenarios run: all by default, or those `npm run bench -- --only=…` names. */
export type BrowserScenario = 'overhead' | 'pickup' | 'hold' | 'memory' | 'floor' | 'element' | 'sip';
export const BROWSER_SCENARIOS: readonly BrowserScenario[] = [
  'overhead',
  'pickup',
  'hold',
  'memory',
  'floor',
  'element',
  'sip',
];

export interface BrowserResults {
  ours: OverheadRun[];
  bare: OverheadRun[];
  /** Ours with `notifyConfig.warmUp` (the microphone's stream open before the call), in the same rounds. */
  warm?: OverheadRun[];
  floor: Array<{ connected: number; firstAudio: number }>;
  pickup: { ours: PickupRun[]; bare: PickupRun[]; error?: string };
  hold: { runs: HoldRun[]; error?: string };
  /** Heap and listeners of one page before and after `calls` calls with hold, resume and warm transfer. */
  callMemory: {
    calls: number;
    heapBefore: number;
    heapAfter: number;
    listenersBefore: { window: number; document: number };
    listenersAfter: { window: number; document: number };
    error?: string;
  };
  /** Why the overhead runs stopped early, if they did. */
  overheadError?: string;
  element: {
    firstRenderCold: number[];
    /** The same first render in other fresh pages: its task's main-thread CPU time (bench/render-cpu.ts). */
    firstRenderCpu: number[];
    /**
     * The floor of both: the same UI stamped without Lit or the element's code (bench-page.js renderFloor), in
     * fresh pages alternating with the element's. Older results files have none.
     */
    floorCold?: number[];
    floorCpu?: number[];
    renderWarm: number[];
    update: number[];
    cycleTimes: number[];
    heapBefore: number;
    heapAfter: number;
    listenersBefore: { window: number; document: number };
    listenersAfter: { window: number; document: number };
    domNodesBefore: number;
    domNodesAfter: number;
  };
  /** Our client on the SIP vendor against the same rounds on Twilio (bench/sip.ts). */
  sip?: SipBenchResults;
  chromiumVersion: string;
}

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...CHROMIUM_ARGS,
      // Timings: a page in the background must not be slowed down.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
    ],
  });
}

async function benchPage(browser: Browser, stack: Pick<Stack, 'origin'>): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.route('**/__bench/**', (route) => {
    const url = new URL(route.request().url());
    const file = PAGE_FILES[url.pathname.split('/').pop()!];
    if (file !== undefined)
      return route.fulfill({
        contentType: 'text/javascript',
        body: file,
        headers: { 'cache-control': 'no-store' },
      });
    return route.fulfill({ contentType: 'text/html', body: BLANK });
  });
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  // A document the stack itself serves, so Chromium's Local Network Access checks see a loopback page
  // (a route-fulfilled document is not, and its wss:// to 127.0.0.1 would be blocked).
  await page.goto(`${stack.origin}/healthz`);
  await page.evaluate(
    `document.body.replaceChildren(); import('/__bench/bench-page.js').then(() => import('/__bench/bench-calls.js')).then(() => true)`,
  );
  return page;
}

const call = <T>(page: Page, expression: string): Promise<T> => page.evaluate(expression) as Promise<T>;

async function heapUsed(cdp: CDPSession): Promise<number> {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return usedSize;
}

async function listenerCounts(cdp: CDPSession): Promise<{ window: number; document: number }> {
  const count = async (expression: string) => {
    const { result } = (await cdp.send('Runtime.evaluate', { expression })) as {
      result: { objectId?: string };
    };
    const { listeners } = (await cdp.send('DOMDebugger.getEventListeners', {
      objectId: result.objectId!,
    })) as {
      listeners: unknown[];
    };
    return listeners.length;
  };
  return { window: await count('window'), document: await count('document') };
}

async function domNodes(cdp: CDPSession): Promise<number> {
  const { result } = (await cdp.send('Runtime.evaluate', {
    expression: 'document.getElementsByTagName("*").length',
    returnByValue: true,
  })) as { result: { value: number } };
  return result.value;
}

export async function runBrowser(
  options: BrowserOptions,
  only: ReadonlySet<BrowserScenario> = new Set(BROWSER_SCENARIOS),
): Promise<BrowserResults> {
  const stack = await startStack();
  const browser = await launch();
  try {
    const number = '+15557770001';
    // The virtual phone answers at once (default 300 ms), so the fixed delay does not dilute the ratio.
    await stack.app.inject({
      method: 'PUT',
      url: `/emulator/phones/${encodeURIComponent(number)}`,
      payload: { answer: 'answer', answerDelayMs: 0 },
    });

    // ---- overhead: ours vs bare, interleaved in one page ----
    const page = await benchPage(browser, stack);
    await call(page, `window.bench.setup('bench-user')`);
    const ours: OverheadRun[] = [];
    const bare: OverheadRun[] = [];
    const runOurs = async () => {
      const online = await call<{ total: number; afterSession: number }>(page, 'window.bench.oursOnline()');
      const c = await call<{ callStart: number; firstAudio: number }>(
        page,
        `window.bench.oursCall('${number}')`,
      );
      await call(page, 'window.bench.oursEnd()');
      return { onlineTotal: online.total, onlineAfterSession: online.afterSession, ...c };
    };
    const runBare = async () => {
      const online = await call<{ total: number; afterSession: number }>(page, 'window.bench.bareOnline()');
      const c = await call<{ callStart: number; firstAudio: number }>(
        page,
        `window.bench.bareCall('${number}')`,
      );
      await call(page, 'window.bench.bareEnd()');
      return { onlineTotal: online.total, onlineAfterSession: online.afterSession, ...c };
    };
    const warm: OverheadRun[] = [];
    const runWarm = async () => {
      const online = await call<{ total: number; afterSession: number }>(
        page,
        'window.bench.oursWarmOnline()',
      );
      const c = await call<{ callStart: number; firstAudio: number }>(
        page,
        `window.bench.oursCall('${number}')`,
      );
      await call(page, 'window.bench.oursEnd()');
      return { onlineTotal: online.total, onlineAfterSession: online.afterSession, ...c };
    };
    const sides: Array<[() => Promise<OverheadRun>, OverheadRun[]]> = [
      [runOurs, ours],
      [runBare, bare],
      [runWarm, warm],
    ];
    const total = only.has('overhead') ? options.warmup + options.pairs : 0;
    let overheadError: string | undefined;
    try {
      let retries = 0;
      for (let i = 0; i < total; i++) {
        // Rotate who goes first, so no side always runs right after another's teardown.
        const round = [...sides.slice(i % 3), ...sides.slice(0, i % 3)];
        // The stack runs the backend's default rate limiter (600 requests/min per IP, webhooks included,
        // and 300/min per user); a round makes about 24 requests, so rounds are paced to at least 3 s.
        const roundStarted = performance.now();
        const runs: OverheadRun[] = [];
        try {
          for (const [run] of round) {
            runs.push(await run());
            await new Promise((r) => setTimeout(r, 100));
          }
        } catch (error) {
          if (retries++ >= 3) throw error;
          log(`overhead round failed (${(error as Error).message.split('\n')[0]}); retrying in 30 s`);
          await call(page, 'window.bench.reset()').catch(() => undefined);
          await new Promise((r) => setTimeout(r, 30_000));
          i--;
          continue;
        }
        await new Promise((r) => setTimeout(r, Math.max(100, 3000 - (performance.now() - roundStarted))));
        if (i < options.warmup) continue;
        round.forEach(([, into], k) => into.push(runs[k]!));
        if ((i + 1) % 5 === 0) log(`overhead round ${i + 1 - options.warmup}/${options.pairs}`);
      }
    } catch (error) {
      overheadError = (error as Error).message.split('\n')[0];
      log(`overhead runs stopped: ${overheadError}`);
    }

    // ---- inbound: pickupCall() vs call.accept(), interleaved in the same page ----
    const pickup = only.has('pickup') ? await runPickup(page, options) : { ours: [], bare: [] };

    // ---- hold and resume, and a page's memory after many calls with hold and transfer ----
    const hold = only.has('hold') ? await runHold(page, options) : { runs: [] };
    const callMemory = only.has('memory')
      ? await runCallMemory(browser, stack, options)
      : {
          calls: 0,
          heapBefore: 0,
          heapAfter: 0,
          listenersBefore: { window: 0, document: 0 },
          listenersAfter: { window: 0, document: 0 },
        };

    // ---- floor: two RTCPeerConnections on loopback in the same page ----
    const floor: Array<{ connected: number; firstAudio: number }> = [];
    if (only.has('floor')) {
      await call(page, 'window.bench.floor()'); // warm-up
      for (let i = 0; i < options.floorRuns; i++) floor.push(await call(page, 'window.bench.floor()'));
    }
    await page.context().close();

    // ---- the SIP vendor against Twilio, on a stack of its own (both Notify numbers) ----
    const sip = only.has('sip') ? await runSipBench(browser, benchPage, options.sip) : undefined;

    // ---- element: cold first render in fresh pages, warm renders, updates, lifecycle heap ----
    const firstRenderCold: number[] = [];
    const element = only.has('element') ? await runElement() : undefined;
    async function runElement(): Promise<BrowserResults['element']> {
      // How busy the stack (backend and emulator, in this process) was meanwhile: the renders share two cores.
      const cpuBefore = process.cpuUsage();
      const renderStarted = performance.now();
      /** `measure` on a fresh page that has loaded the element and rendered nothing yet. */
      const inFreshPage = async <T>(measure: (page: Page) => Promise<T>): Promise<T> => {
        const p = await benchPage(browser, stack);
        await call(p, 'window.bench.loadElement()');
        try {
          return await measure(p);
        } finally {
          await p.context().close();
        }
      };
      // The floor's markup and styles: what the idle element shows, from a page of its own.
      const idle = await inFreshPage((p) =>
        call<{ markup: string; css: string }>(p, 'window.bench.idleMarkup()'),
      );
      const floorRender = 'window.bench.renderFloor()';
      /** A fresh page for the floor, given its markup and styles before the render. */
      const inFloorPage = <T>(measure: (page: Page) => Promise<T>): Promise<T> =>
        inFreshPage(async (p) => {
          await call(
            p,
            `window.bench.prepareFloor(${JSON.stringify(idle.markup)}, ${JSON.stringify(idle.css)})`,
          );
          return measure(p);
        });
      // The element's pages and the floor's alternate, so that both see the same machine.
      const floorCold: number[] = [];
      for (let i = 0; i < options.renderPages; i++) {
        firstRenderCold.push(await inFreshPage((p) => call<number>(p, 'window.bench.renderOnce()')));
        floorCold.push(await inFloorPage((p) => call<number>(p, floorRender)));
      }
      const cpu = process.cpuUsage(cpuBefore);
      const busy = (cpu.user + cpu.system) / 1000 / (performance.now() - renderStarted);
      log(`first renders: the stack's process used ${(busy * 100).toFixed(0)} % of a core meanwhile`);
      // Apart from the timed pages: the trace adds its own work to the wall time.
      const firstRenderCpuTimes: number[] = [];
      const floorCpu: number[] = [];
      // A trace whose render did not run in one traced task (seen once in a full run) is left out.
      for (let i = 0; i < options.renderPages * 2 && firstRenderCpuTimes.length < options.renderPages; i++) {
        const cpuTime = await inFreshPage((p) => firstRenderCpu(p));
        const floorTime = await inFloorPage((p) => firstRenderCpu(p, floorRender));
        if (cpuTime === undefined || floorTime === undefined)
          log('first render CPU: no task spans the render in this trace; another pair of pages');
        else {
          firstRenderCpuTimes.push(cpuTime);
          floorCpu.push(floorTime);
        }
      }
      const ep = await benchPage(browser, stack);
      await call(ep, 'window.bench.loadElement()');
      await call(ep, 'window.bench.renderOnce()');
      const renderWarm: number[] = [];
      for (let i = 0; i < 100; i++) renderWarm.push(await call<number>(ep, 'window.bench.renderOnce()'));
      const update = await call<number[]>(ep, `window.bench.updateCost(${options.updates})`);
      const cdp = await ep.context().newCDPSession(ep);
      await cdp.send('DOM.enable').catch(() => undefined);
      await call(ep, 'window.bench.lifecycle(20)'); // warm-up: templates, code paths, caches
      const heapBefore = await heapUsed(cdp);
      const listenersBefore = await listenerCounts(cdp);
      const domNodesBefore = await domNodes(cdp);
      const cycleTimes = await call<number[]>(ep, `window.bench.lifecycle(${options.cycles})`);
      // What is left, not what is still on a timer: an ended call's outcome stays on the status line for
      // OUTCOME_SHOWN_MS (5 s, src/element/parts/call-outcome.ts), and its re-render timer keeps each removed
      // element until then (measured 50 ms after the loop, that was every element of the last 5 s: 3.3 MB).
      await sleep(6000);
      const heapAfter = await heapUsed(cdp);
      const listenersAfter = await listenerCounts(cdp);
      const domNodesAfter = await domNodes(cdp);
      await ep.context().close();
      return {
        firstRenderCold,
        firstRenderCpu: firstRenderCpuTimes,
        floorCold,
        floorCpu,
        renderWarm,
        update,
        cycleTimes,
        heapBefore,
        heapAfter,
        listenersBefore,
        listenersAfter,
        domNodesBefore,
        domNodesAfter,
      };
    }

    return {
      ours,
      bare,
      warm,
      floor,
      pickup,
      hold,
      callMemory,
      ...(sip ? { sip } : {}),
      ...(overheadError ? { overheadError } : {}),
      element: element ?? {
        firstRenderCold: [],
        firstRenderCpu: [],
        renderWarm: [],
        update: [],
        cycleTimes: [],
        heapBefore: 0,
        heapAfter: 0,
        listenersBefore: { window: 0, document: 0 },
        listenersAfter: { window: 0, document: 0 },
        domNodesBefore: 0,
        domNodesAfter: 0,
      },
      chromiumVersion: browser.version(),
    };
  } finally {
    await browser.close();
    await stack.close();
  }
}

/**
 * Inbound calls, ours against the bare SDK, alternating who goes first: each side brings a session online
 * (the client's init(), or POST /api/sessions + Device.register() with its token), a virtual phone dials
 * the demo Notify number (POST /emulator/phones/:n/dial), the backend rings every available session of the
 * number (only this one is online), and the page answers: INCOMING_CALL → pickupCall() for ours, the
 * Device's `incoming` → call.accept() for the bare SDK. Each run uses a phone of its own, so no run waits
 * for the previous phone leg to end.
 */
async function runPickup(page: Page, options: BrowserOptions): Promise<BrowserResults['pickup']> {
  const ours: PickupRun[] = [];
  const bare: PickupRun[] = [];
  let phone = 0;
  const side = (who: 'ours' | 'bare') => async (): Promise<PickupRun> => {
    const from = `+1555888${String(++phone).padStart(4, '0')}`;
    await call(page, `window.bench.${who}Online()`);
    const run = await call<PickupRun>(page, `window.bench.${who}Pickup('${from}')`);
    await call(page, `window.bench.${who}End()`);
    return run;
  };
  const runOurs = side('ours');
  const runBare = side('bare');
  const total = options.warmup + options.pickupPairs;
  let retries = 0;
  try {
    for (let i = 0; i < total; i++) {
      const first = i % 2 === 0 ? runOurs : runBare;
      const second = i % 2 === 0 ? runBare : runOurs;
      // An inbound pair makes about 30 requests (webhooks and status callbacks included) against the
      // 600/min per-IP limiter: pace pairs to at least 3 s.
      const pairStarted = performance.now();
      let a: PickupRun;
      let b: PickupRun;
      try {
        a = await first();
        await new Promise((r) => setTimeout(r, 200));
        b = await second();
      } catch (error) {
        if (retries++ >= 3) throw error;
        log(`pickup pair failed (${(error as Error).message.split('\n')[0]}); retrying in 30 s`);
        await call(page, 'window.bench.reset()').catch(() => undefined);
        await new Promise((r) => setTimeout(r, 30_000));
        i--;
        continue;
      }
      await new Promise((r) => setTimeout(r, Math.max(200, 3000 - (performance.now() - pairStarted))));
      if (i < options.warmup) continue;
      (first === runOurs ? ours : bare).push(a);
      (second === runOurs ? ours : bare).push(b);
      if ((i + 1 - options.warmup) % 5 === 0)
        log(`pickup pair ${i + 1 - options.warmup}/${options.pickupPairs}`);
    }
    return { ours, bare };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    log(`pickup runs stopped: ${message}`);
    return { ours, bare, error: message };
  }
}

/**
 * Hold and resume on calls to a virtual phone, each after its own plain call set-up (the baseline of the
 * same run): hold() → the phone hears the hold tone, resume() → audio both ways again. Twilio's model: the
 * server holds the party in the call's conference, the page's leg leaves and joins again (docs/decisions.md).
 */
async function runHold(page: Page, options: BrowserOptions): Promise<BrowserResults['hold']> {
  const runs: HoldRun[] = [];
  try {
    await call(page, 'window.bench.oursOnline()');
    for (let i = 0; i < options.warmup + options.holdRuns; i++) {
      const number = `+1555777${String(2000 + i).padStart(4, '0')}`;
      await call(page, `window.benchCalls.answerAtOnce('${number}')`);
      const run = await call<HoldRun>(page, `window.benchCalls.holdResume('${number}')`);
      // oursEnd() destroyed the client: the next run brings a new one online.
      await call(page, 'window.bench.oursOnline()');
      if (i >= options.warmup) runs.push(run);
      await new Promise((r) => setTimeout(r, 1000)); // the per-IP rate limiter (see the overhead runs)
    }
    await call(page, 'window.bench.reset()');
    return { runs };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    log(`hold runs stopped: ${message}`);
    await call(page, 'window.bench.reset()').catch(() => undefined);
    return { runs, error: message };
  }
}

/** One fresh page, one client: heap and listeners around `transferCycles` rounds of two calls each. */
async function runCallMemory(
  browser: Browser,
  stack: Stack,
  options: BrowserOptions,
): Promise<BrowserResults['callMemory']> {
  const page = await benchPage(browser, stack);
  const cdp = await page.context().newCDPSession(page);
  const customer = '+15557773001';
  const target = '+15557773002';
  const calls = options.transferCycles * 2;
  let heapBefore = 0;
  let listenersBefore = { window: 0, document: 0 };
  try {
    await call(page, `window.bench.setup('bench-memory')`);
    await call(page, `window.benchCalls.answerAtOnce('${customer}', '${target}')`);
    await call(page, 'window.bench.oursOnline()');
    await call(page, `window.benchCalls.transferCycles('${customer}', '${target}', 3)`); // warm-up
    heapBefore = await heapUsed(cdp);
    listenersBefore = await listenerCounts(cdp);
    const started = performance.now();
    const chunk = 10;
    for (let done = 0; done < options.transferCycles; done += chunk) {
      const n = Math.min(chunk, options.transferCycles - done);
      await call(page, `window.benchCalls.transferCycles('${customer}', '${target}', ${n})`);
      log(
        `call memory: ${(done + n) * 2}/${calls} calls (${Math.round((performance.now() - started) / 1000)} s)`,
      );
    }
    return {
      calls,
      heapBefore,
      heapAfter: await heapUsed(cdp),
      listenersBefore,
      listenersAfter: await listenerCounts(cdp),
    };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    log(`call memory run stopped: ${message}`);
    return {
      calls,
      heapBefore,
      heapAfter: heapBefore ? await heapUsed(cdp) : 0,
      listenersBefore,
      listenersAfter: listenersBefore,
      error: message,
    };
  } finally {
    await page.context().close();
  }
}
