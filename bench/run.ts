/**
 * `npm run bench`: every benchmark of issue 6, written to BENCHMARKS.md (and bench/results.json).
 * Needs `npm run build` first (the browser part loads dist/), Chromium at /usr/bin/chromium (or
 * CHROMIUM_PATH) and, for the PostgreSQL rows, a server at BENCH_PG_URL (default
 * postgres://postgres@127.0.0.1:5432/test). Timings are ratios against a baseline measured in the same
 * run; nothing here passes or fails on a time. `BENCH_QUICK=1` runs a short smoke version.
 * `npm run bench -- --only=first-audio,incoming` (or any of bench/browser.ts BROWSER_SCENARIOS: overhead,
 * pickup, hold, memory, floor, element) runs only those browser scenarios, keeps every other figure of the
 * last bench/results.json, and says in BENCHMARKS.md which rows were measured when, on which machine.
 * `--only=recovery` (or reset-idle, reset-call, outage, media-restored, takeover-closed, takeover-frozen:
 * bench/recovery.ts) measures the recovery times from faults (and a shareTabs leader's takeover) the same way,
 * and `--only=presence` the presence streams (bench/presence.ts).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BUDGETS,
  GOALS,
  SDK_ONLY_STRINGS,
  breakdown,
  brotliSize,
  gzipSize,
  measureAll,
} from '../scripts/check-size.js';
import { runMinting, runScale, type MintResult, type ScaleResult } from './backend.js';
import {
  BROWSER_SCENARIOS,
  CHROMIUM,
  runBrowser,
  type BrowserOptions,
  type BrowserResults,
  type BrowserScenario,
} from './browser.js';
import { runPresence, type PresenceResult } from './presence.js';
import {
  RECOVERY_SCENARIOS,
  recoveryReport,
  runRecovery,
  type RecoveryResult,
  type RecoveryScenario,
} from './recovery.js';
import { routingTable, runRouting, type RoutingResult } from './routing.js';
import { sipReport } from './sip.js';
import { fmt, log, machine, mspread, ratio, summarize, table, type Summary } from './lib.js';

const quick = process.env.BENCH_QUICK === '1';
const root = fileURLToPath(new URL('..', import.meta.url));
const started = performance.now();

/** A lazily imported chunk of the element bundle (dist/notify-phone.<name>.js): not part of the first load. */
interface LazyChunk {
  file: string;
  min: number;
  gzip: number;
  brotli: number;
  sdkStrings: string[];
}

/** When each lazy chunk is fetched (rollup names them after their entry module). */
const LAZY_WHEN: Record<string, string> = {
  'client-start': 'first `init()` (the calls and the registration)',
  'twilio-driver': 'first `init()` (with the SDK chunk)',
  'presence-stream': 'the agent list is followed live (`watchAvailableClients`)',
  'lazy-parts': 'the agent list is opened or a call opens (agent list, forward dialog)',
};

function measureLazyChunks(): LazyChunk[] {
  const dist = `${root}dist/`;
  return readdirSync(dist)
    .filter((f) => /^notify-phone\..+\.js$/.test(f))
    .sort()
    .map((file) => {
      const data = readFileSync(`${dist}${file}`);
      const text = data.toString('utf8');
      return {
        file,
        min: data.length,
        gzip: gzipSize(data),
        brotli: brotliSize(data),
        sdkStrings: SDK_ONLY_STRINGS.filter((x) => text.includes(x)),
      };
    });
}

interface Results {
  machine: ReturnType<typeof machine>;
  quick: boolean;
  sizes: ReturnType<typeof measureAll>;
  lazyChunks: LazyChunk[];
  parts: ReturnType<typeof breakdown>;
  mint: MintResult;
  scale: ScaleResult[];
  postgres: string;
  /** Absent in results.json files written before routing was measured. */
  routing?: RoutingResult[];
  presence: Array<PresenceResult | { agents: number; error: string }>;
  browser: BrowserResults;
  /** Absent in results.json files written before recovery was measured. */
  recovery?: RecoveryResult;
  seconds: number;
  /** Scenarios measured later on their own (`--only`), with when and where, newest last. */
  partial?: Array<{ scenarios: ApartScenario[]; machine: ReturnType<typeof machine>; seconds: number }>;
}

/** What `--only` can measure apart from a full run: the browser scenarios, presence and recovery. */
type ApartScenario = BrowserScenario | 'presence' | 'recovery' | RecoveryScenario;

/** `--only=` names: the scenarios, or what they measure (`first-audio`: overhead, `incoming`: pickup). */
const ALIASES: Record<string, BrowserScenario> = { 'first-audio': 'overhead', incoming: 'pickup' };
const onlyArg = process.argv.find((arg) => arg.startsWith('--only='));
const onlyNames = onlyArg?.slice('--only='.length).split(',') ?? [];
const isRecovery = (name: string) =>
  name === 'recovery' || RECOVERY_SCENARIOS.includes(name as RecoveryScenario);
/** The recovery measures `--only` names (`recovery`: all of them). */
const onlyRecovery = new Set(
  onlyNames.includes('recovery') ? RECOVERY_SCENARIOS : (onlyNames.filter(isRecovery) as RecoveryScenario[]),
);
/** `--only=presence`: the presence streams (1k and 10k agents; bench/presence.ts). */
const onlyPresence = onlyNames.includes('presence');
const only = onlyArg
  ? new Set(
      onlyNames
        .filter((name) => !isRecovery(name) && name !== 'presence')
        .map((name) => {
          const scenario = ALIASES[name] ?? (name as BrowserScenario);
          if (!BROWSER_SCENARIOS.includes(scenario)) throw new Error(`--only: unknown scenario "${name}"`);
          return scenario;
        }),
    )
  : undefined;

function browserOptions(): BrowserOptions {
  return quick
    ? {
        pairs: 3,
        pickupPairs: 3,
        warmup: 1,
        floorRuns: 3,
        renderPages: 2,
        updates: 50,
        cycles: 20,
        holdRuns: 2,
        transferCycles: 5,
        sip: { rounds: 3, warmup: 1 },
      }
    : {
        pairs: 40,
        pickupPairs: 24,
        warmup: 3,
        floorRuns: 30,
        renderPages: 15,
        updates: 1000,
        cycles: 200,
        holdRuns: 12,
        transferCycles: 100,
        sip: { rounds: 20, warmup: 2 },
      };
}

/** `--only`: those browser scenarios, measured now, into the last full run's results. */
async function measureOnly(scenarios: Set<BrowserScenario>): Promise<Results> {
  const previous = JSON.parse(readFileSync(`${root}bench/results.json`, 'utf8')) as Results;
  const m = machine(CHROMIUM);
  const apart: ApartScenario[] = [];
  if (onlyPresence) {
    previous.presence = await measurePresence();
    apart.push('presence');
  }
  if (onlyRecovery.size) {
    log(`recovery: ${[...onlyRecovery].join(', ')}`);
    previous.recovery = await runRecovery(quick ? 3 : 12, onlyRecovery);
    apart.push(...(onlyNames.includes('recovery') ? (['recovery'] as const) : onlyRecovery));
  }
  const browser: BrowserResults = { ...previous.browser };
  if (scenarios.size) {
    log(`machine: ${m.cpu}, ${m.cores} cores; only ${[...scenarios].join(', ')}`);
    const fresh = await runBrowser(browserOptions(), scenarios);
    browser.chromiumVersion = fresh.chromiumVersion;
    if (scenarios.has('overhead')) {
      Object.assign(browser, { ours: fresh.ours, bare: fresh.bare, warm: fresh.warm, floor: browser.floor });
      if (fresh.overheadError) browser.overheadError = fresh.overheadError;
      else delete browser.overheadError;
    }
    if (scenarios.has('pickup')) browser.pickup = fresh.pickup;
    if (scenarios.has('hold')) browser.hold = fresh.hold;
    if (scenarios.has('memory')) browser.callMemory = fresh.callMemory;
    if (scenarios.has('floor')) browser.floor = fresh.floor;
    if (scenarios.has('element')) browser.element = fresh.element;
    if (scenarios.has('sip')) browser.sip = fresh.sip;
    apart.push(...scenarios);
  }
  const seconds = (performance.now() - started) / 1000;
  log(`done in ${seconds.toFixed(0)} s`);
  const measured = new Set(apart);
  const partial = [
    // A scenario measured again replaces its older note.
    ...(previous.partial ?? [])
      .map((p) => ({ ...p, scenarios: p.scenarios.filter((x) => !measured.has(x)) }))
      .filter((p) => p.scenarios.length),
    { scenarios: apart, machine: m, seconds },
  ];
  // Sizes are deterministic and cheap: measured again, so the table follows the build that was measured.
  const sizes = { sizes: measureAll(), lazyChunks: measureLazyChunks(), parts: breakdown('notify-phone.js') };
  const results: Results = { ...previous, ...sizes, browser, partial };
  writeFileSync(`${root}bench/results.json`, JSON.stringify(results, null, 1));
  return results;
}

/** The presence streams at 1k and 10k agents (200 in a quick run); a failed size is reported, not thrown. */
async function measurePresence(): Promise<Results['presence']> {
  const presence: Results['presence'] = [];
  for (const agents of quick ? [200] : [1000, 10_000]) {
    log(`backend: presence with ${agents} connected agents`);
    try {
      presence.push(await runPresence(agents));
    } catch (error) {
      presence.push({ agents, error: (error as Error).message });
    }
  }
  return presence;
}

async function measure(): Promise<Results> {
  const m = machine(CHROMIUM);
  log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.chromium}`);

  // ---- 1. sizes (deterministic) ----
  const sizes = measureAll();
  const lazyChunks = measureLazyChunks();
  const parts = breakdown('notify-phone.js');

  // ---- 2. backend (before the browser, so the two never share the CPUs) ----
  log('backend: token minting');
  const mint: MintResult = await runMinting(quick ? 2 : 7, quick ? 500 : 2000);
  log('backend: getAvailableClients at scale');
  const scaleSizes = quick ? [1000] : [1000, 10_000, 100_000];
  const { results: scale, postgres } = await runScale(scaleSizes);
  log('backend: routing an incoming call at scale');
  const { results: routing } = await runRouting(scaleSizes);
  const presence = await measurePresence();

  // ---- 3. browser ----
  log('browser: overhead vs the bare SDK, floor, element');
  const browser: BrowserResults = await runBrowser(browserOptions());
  log('browser: recovery from faults');
  const recovery = await runRecovery(quick ? 3 : 12);
  const seconds = (performance.now() - started) / 1000;
  log(`done in ${seconds.toFixed(0)} s`);
  const results: Results = {
    machine: m,
    quick,
    sizes,
    lazyChunks,
    parts,
    mint,
    scale,
    postgres,
    routing,
    presence,
    browser,
    recovery,
    seconds,
  };
  writeFileSync(`${root}bench/results.json`, JSON.stringify(results, null, 1));
  return results;
}

// `--report` re-renders BENCHMARKS.md from the last bench/results.json without measuring again.
const data: Results = process.argv.includes('--report')
  ? (JSON.parse(readFileSync(`${root}bench/results.json`, 'utf8')) as Results)
  : only
    ? await measureOnly(only)
    : await measure();
/** The note that says when rows of a scenario were measured, if not with the rest. */
const measuredApart = (scenario: ApartScenario): string => {
  // The recovery section's note also names a run of some of its scenarios (`--only=outage`).
  const covers = (measured: ApartScenario) =>
    measured === scenario || (scenario === 'recovery' && isRecovery(measured));
  const run = [...(data.partial ?? [])].reverse().find((p) => p.scenarios.some(covers));
  if (!run) return '';
  const pm = run.machine;
  return (
    `_Measured apart, ${pm.date}, by \`npm run bench -- --only=${run.scenarios.join(',')}\` ` +
    `(${pm.cpu} × ${pm.cores} cores, ${pm.memoryGiB} GiB, Node ${pm.node}, ${pm.chromium}` +
    `${pm.pageFaultMicros === undefined ? '' : `, ${pm.pageFaultMicros} µs to touch a fresh page`}); the other sections ` +
    `are from the run in the table above._\n`
  );
};
const { machine: m, sizes, parts, mint, scale, postgres, presence, browser, seconds } = data;
const lazyChunks = data.lazyChunks ?? [];
const quickRun = data.quick;

// ---- the report ----
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const out: string[] = [];
out.push('# Benchmarks');
out.push('');
out.push(
  'Written by `npm run bench` (bench/run.ts); do not edit by hand. Timings are medians with the spread ' +
    '(p25–p75) over several runs and are compared as **ratios against a baseline measured in the same run** ' +
    '(the bare Twilio SDK, two loopback RTCPeerConnections, plain HS256 signing); absolute milliseconds ' +
    'depend on the machine. Sizes are deterministic and CI enforces them (`npm run check:size`).',
);
out.push('');
out.push(
  table(
    ['machine', ''],
    [
      ['CPU', `${m.cpu} × ${m.cores} cores`],
      ['memory', `${m.memoryGiB} GiB`],
      ...(m.pageFaultMicros === undefined
        ? []
        : [['first touch of a fresh 4 KiB page (fault + zeroing)', `${m.pageFaultMicros} µs`]]),
      ['OS', m.kernel],
      ['Node', m.node],
      ['Chromium', `${m.chromium} (playwright reports ${browser.chromiumVersion})`],
      ['date', m.date],
      ['run', `${quickRun ? 'quick (BENCH_QUICK=1)' : 'full'}, ${seconds.toFixed(0)} s`],
    ],
    ['---', '---'],
  ),
);

out.push('\n## Size (what a browser downloads)\n');
const size = (name: string) => sizes.find((x) => x.file === name)!;
const firstLoad = size('notify-phone.js');
const sdkChunk = size('twilio-voice-sdk.js');
const driverChunk = lazyChunks.find((c) => c.file === 'notify-phone.twilio-driver.js');
const lazyName = (file: string) => file.replace(/^notify-phone\.|\.js$/g, '');
const status = (gzip: number, budget: number, goal?: number) =>
  (gzip <= budget ? 'within the ceiling' : `**over the ceiling by ${gzip - budget} B**`) +
  (goal === undefined ? '' : gzip <= goal ? '; goal met' : `; **goal missed by ${gzip - goal} B**`);
out.push(
  table(
    ['file', 'loaded', 'minified', 'gzip -9', 'brotli 11', 'goal (gzip)', 'CI ceiling (gzip)', 'status'],
    [
      ...[firstLoad, ...sizes.filter((x) => x.file.startsWith('snc-notify.'))].map((x) => [
        `dist/${x.file}`,
        x.file === 'notify-phone.js'
          ? '**first load** of the element (`import`)'
          : x.file === 'snc-notify.js'
            ? 'SNC.Notify global (`<script>`)'
            : "lazy: the global's first `init()` (its later units)",
        `${x.min} B`,
        `**${x.gzip} B** (${kb(x.gzip)})`,
        `${x.brotli} B`,
        GOALS[x.file] === undefined ? '–' : `${GOALS[x.file]} B`,
        `${BUDGETS[x.file]} B`,
        status(x.gzip, x.budget, GOALS[x.file]),
      ]),
      ...lazyChunks.map((c) => [
        `dist/${c.file}`,
        `lazy: ${LAZY_WHEN[lazyName(c.file)] ?? 'on demand'}`,
        `${c.min} B`,
        `${c.gzip} B (${kb(c.gzip)})`,
        `${c.brotli} B`,
        '–',
        '–',
        'not in the first load',
      ]),
      [
        `dist/${sdkChunk.file}`,
        'lazy: first `init()` (the vendor SDK)',
        `${sdkChunk.min} B`,
        `${sdkChunk.gzip} B (${kb(sdkChunk.gzip)})`,
        `${sdkChunk.brotli} B`,
        '–',
        `${BUDGETS[sdkChunk.file]} B`,
        status(sdkChunk.gzip, sdkChunk.budget),
      ],
    ],
  ),
);
out.push('');
const ourFiles = [...sizes.filter((x) => x.file !== 'twilio-voice-sdk.js'), ...lazyChunks];
const lazyGzip = lazyChunks.reduce((sum, c) => sum + c.gzip, 0);
out.push(
  `The goal of issue 6 (≤ 15 KB gz for element + client) applies to the first load, \`dist/notify-phone.js\`; ` +
    `CI (\`npm run check:size\`) fails above the ceiling in scripts/check-size.ts, which is only lowered as savings land. ` +
    `Lazy chunks (each gzipped alone, ${kb(lazyGzip)} gz together) are fetched when first needed. The Twilio SDK is ` +
    `only in \`dist/twilio-voice-sdk.js\`: none of the SDK-only strings checked by scripts/check-size.ts occurs in our ` +
    `files (${ourFiles
      .map((x) => `${x.file}: ${x.sdkStrings.length === 0 ? 'none' : x.sdkStrings.join(', ')}`)
      .join('; ')}). ` +
    `What the element fetches before its first call: the first load, then on \`init()\` the driver chunk and the SDK ` +
    `(${kb(firstLoad.gzip + (driverChunk?.gzip ?? 0) + sdkChunk.gzip)} gz in all).`,
);
out.push(
  '\nWhat `dist/notify-phone.js` is made of (minified bytes attributed through its source map; gzip of each part alone, which overstates each share because gzip shares context):\n',
);
out.push(
  table(
    ['module', 'minified', 'share', 'gzip alone'],
    parts.map((p) => [p.module, p.min, `${((p.min / sizes[0]!.min) * 100).toFixed(0)} %`, p.gzipAlone]),
  ),
);

// overhead
out.push('\n## Overhead of our layers against the bare SDK (same emulator, same page, interleaved)\n');
const { ours, bare, floor } = browser;
const warmRuns = browser.warm ?? [];
out.push(measuredApart('overhead'));
if (browser.overheadError) out.push(`> The overhead runs stopped early: ${browser.overheadError}\n`);
if (ours.length && bare.length) {
  const rows: Array<[string, keyof (typeof ours)[number], string]> = [
    [
      '`init()` → ONLINE  vs  POST /api/sessions + `new Device()` + `register()` → registered',
      'onlineTotal',
      'online',
    ],
    [
      '…of which after the session arrived: driver + `register()`  vs  `new Device()` + `register()`',
      'onlineAfterSession',
      'online-sdk',
    ],
    ['`call()` → CALL_START  vs  `device.connect()` → `accept`', 'callStart', 'call'],
    ['`call()` → first remote audio  vs  `device.connect()` → first remote audio', 'firstAudio', 'audio'],
  ];
  out.push(
    table(
      [
        'measure (n = ' + ours.length + ' each)',
        'ours ms',
        'bare SDK ms',
        'ratio of medians',
        'paired ratio median (p25–p75)',
      ],
      [
        ...rows.map(([label, key]) => [label, ours.map((r) => r[key]), key] as const),
        ...(warmRuns.length === bare.length
          ? [
              [
                'with `notifyConfig.warmUp`: `call()` → first remote audio  vs  `device.connect()` → first remote audio',
                warmRuns.map((r) => r.firstAudio),
                'firstAudio',
              ] as const,
            ]
          : []),
      ].map(([label, o, key]) => {
        const b = bare.map((r) => r[key]);
        const r = ratio(o, b);
        return [
          label,
          mspread(summarize(o)),
          mspread(summarize(b)),
          `**${fmt(r.ofMedians, 2)}×**`,
          mspread(r.paired, 2),
        ];
      }),
    ),
  );
  out.push('');
  out.push(
    'Both sides use the same signed-in user, the same `dist/twilio-voice-sdk.js`, the token and device ' +
      'options of `POST /api/sessions`, and call the same virtual phone (set to answer at once instead of ' +
      `its default 300 ms). Runs alternate which side goes first; the first warm-up pairs are discarded. The paired ratio divides each run by the bare run next to it.` +
      (warmRuns.length
        ? ' The warmed-up side is a third client in the same rounds, with `notifyConfig.warmUp` (docs/decisions.md §17): ' +
          'it calls once its microphone stream is open, which the other two sides open during the call.'
        : ''),
  );
}

out.push('\n### Incoming calls: `pickupCall()` against `call.accept()`\n');
const pickup = browser.pickup;
out.push(measuredApart('pickup'));
if (pickup.error) out.push(`> The inbound runs stopped early: ${pickup.error}\n`);
if (pickup.ours.length && pickup.bare.length) {
  const prow = (label: string, key: keyof (typeof pickup.ours)[number], paired = true) => {
    const o = pickup.ours.map((r) => r[key]);
    const b = pickup.bare.map((r) => r[key]);
    const r = ratio(o, b);
    return [
      label,
      mspread(summarize(o)),
      mspread(summarize(b)),
      `**${fmt(r.ofMedians, 2)}×**`,
      paired ? mspread(r.paired, 2) : '–',
    ];
  };
  out.push(
    table(
      [
        `measure (n = ${pickup.ours.length} each)`,
        'ours ms',
        'bare SDK ms',
        'ratio of medians',
        'paired ratio median (p25–p75)',
      ],
      [
        prow('`pickupCall()` → first remote audio  vs  `call.accept()` → first remote audio', 'firstAudio'),
        prow('`pickupCall()` → CALL_START  vs  `call.accept()` → `accept`', 'callStart'),
        prow(
          'phone dials → INCOMING_CALL (the parent id comes with the invite)  vs  → Device `incoming`',
          'ringing',
        ),
      ],
    ),
  );
  out.push('');
  out.push(
    'A virtual phone (a new number each run) dials the demo Notify number through the emulator ' +
      '(`POST /emulator/phones/:number/dial`); the backend rings every available session of the number, and only ' +
      "the side under test has one: ours through `init()`, the bare SDK through `POST /api/sessions` and `Device.register()` with the session's token and device options. " +
      'Timing starts at the `pickupCall()` / `call.accept()` call, after INCOMING_CALL / `incoming` has fired; first ' +
      "audio is the first unmute of the call's remote track (its first RTP packet: the phone plays a tone). Runs " +
      'alternate which side goes first; warm-up pairs are discarded. The ringing row shows the time before pickup is ' +
      'possible (`skipParentId` off): the backend sends the parent call id with the invite, so INCOMING_CALL needs ' +
      'no look-up (docs/decisions.md §16); the goal is 1.1×.',
  );
} else if (!pickup.error) out.push('Incoming calls were not measured in this run.');

out.push('\n### Hold and resume, and memory after many calls with hold and transfer\n');
const holdRuns = browser.hold.runs;
if (browser.hold.error) out.push(`> The hold runs stopped early: ${browser.hold.error}\n`);
if (holdRuns.length) {
  const plain = summarize(holdRuns.map((r) => r.plain));
  const row = (label: string, key: 'hold' | 'resume') => {
    const s = summarize(holdRuns.map((r) => r[key]));
    return [label, mspread(s), `${fmt(s.min)}–${fmt(s.max)}`, `${fmt(s.median / plain.median, 2)}×`];
  };
  out.push(
    table(
      [`measure (n = ${holdRuns.length})`, 'median (p25–p75) ms', 'min–max', '/ plain call set-up'],
      [
        [
          'plain call: `call()` → first remote audio (baseline)',
          mspread(plain),
          `${fmt(plain.min)}–${fmt(plain.max)}`,
          '1.00×',
        ],
        row('`hold()` → the held phone hears the hold tone', 'hold'),
        row('`resume()` → audio both ways (page hears, phone hears the page)', 'resume'),
      ],
    ),
  );
  out.push(
    "\nHold is server-side (docs/decisions.md §13): the backend holds the phone in the call's conference, then the " +
      "page's leg leaves; resume is a new leg joining the conference, so it costs about one call set-up. Both are " +
      "measured until the far end hears it (the phone's audio meter), not until the method resolves.\n",
  );
}
const mem = browser.callMemory;
if (mem.error) out.push(`> The call-memory run stopped early: ${mem.error}\n`);
if (mem.heapBefore) {
  const growth = mem.heapAfter - mem.heapBefore;
  out.push(
    table(
      ['one page, one client', 'before', `after ${mem.calls} calls`, 'per call'],
      [
        [
          'JS heap (after GC)',
          `${fmt(mem.heapBefore / 1024)} KiB`,
          `${fmt(mem.heapAfter / 1024)} KiB`,
          `${fmt(growth / mem.calls / 1024, 2)} KiB`,
        ],
        [
          'listeners on window / document',
          `${mem.listenersBefore.window} / ${mem.listenersBefore.document}`,
          `${mem.listenersAfter.window} / ${mem.listenersAfter.document}`,
          '–',
        ],
      ],
    ),
  );
  out.push(
    `\nEach round: a call to a phone, held, resumed, warm-transferred to another phone (a consultation call, ` +
      'completed), so two calls and three SDK legs; three warm-up rounds before the first reading.\n',
  );
}

out.push('', ...recoveryReport(data.recovery));
out.push(measuredApart('recovery'));
out.push(...sipReport(browser.sip, measuredApart('sip')));

out.push('\n## The floor: two RTCPeerConnections on loopback in the same page\n');
const fc = summarize(floor.map((f) => f.connected));
const fa = summarize(floor.map((f) => f.firstAudio));
const bareStart = summarize(bare.map((r) => r.callStart));
const bareAudio = summarize(bare.map((r) => r.firstAudio));
const oursAudio = summarize(ours.map((r) => r.firstAudio));
out.push(
  table(
    [
      `measure (n = ${floor.length})`,
      'median (p25–p75) ms',
      'min–max',
      'bare SDK call / floor',
      'ours / floor',
    ],
    [
      [
        'createOffer → both `connected` (ICE + DTLS)',
        mspread(fc),
        `${fmt(fc.min)}–${fmt(fc.max)}`,
        `${fmt(bareStart.median / fc.median, 2)}× (connect → accept)`,
        '–',
      ],
      [
        'createOffer → first remote audio (`unmute`)',
        mspread(fa),
        `${fmt(fa.min)}–${fmt(fa.max)}`,
        `${fmt(bareAudio.median / fa.median, 2)}×`,
        `${fmt(oursAudio.median / fa.median, 2)}×`,
      ],
    ],
  ),
);

/**
 * The first render's floor (bench-page.js renderFloor), with the element's medians over the floor's: on a
 * machine where fresh pages are slow both rise, and the ratio says how much of the time is ours.
 */
function floorRows(
  wall: number[] | undefined,
  cpu: number[] | undefined,
  element: Summary,
  elementCpu: Summary | undefined,
): Array<Array<string | number>> {
  if (!wall?.length) return []; // older results files
  const floorWall = summarize(wall);
  const rows: Array<Array<string | number>> = [
    [
      `floor: the same UI stamped without Lit or our code (shadow root, style sheet, markup parsed and cloned), fresh pages alternating with the element's (ms); the element's median is ${fmt(element.median / floorWall.median, 2)}× it`,
      floorWall.n,
      mspread(floorWall, 2),
      `${fmt(floorWall.min, 1)}–${fmt(floorWall.max, 1)}`,
    ],
  ];
  if (cpu?.length && elementCpu) {
    const floorCpu = summarize(cpu);
    rows.push([
      `the floor's main-thread CPU time (trace) (ms); the element's median is ${fmt(elementCpu.median / floorCpu.median, 2)}× it`,
      floorCpu.n,
      mspread(floorCpu, 2),
      `${fmt(floorCpu.min, 1)}–${fmt(floorCpu.max, 1)}`,
    ]);
  }
  return rows;
}

out.push('\n## Element `<notify-phone>`\n');
out.push(measuredApart('element'));
const el = browser.element;
const cold = summarize(el.firstRenderCold);
// Older results files have no CPU times (bench/render-cpu.ts).
const coldCpu = el.firstRenderCpu?.length ? summarize(el.firstRenderCpu) : undefined;
const warm = summarize(el.renderWarm);
const upd = summarize(el.update);
const cyc = summarize(el.cycleTimes);
out.push(
  table(
    ['measure', 'n', 'median (p25–p75)', 'min–max'],
    [
      [
        'first render in a fresh page: create + append → `updateComplete` (ms)',
        cold.n,
        mspread(cold, 2),
        `${fmt(cold.min, 1)}–${fmt(cold.max, 1)}`,
      ],
      ...(coldCpu
        ? [
            [
              'the same, main-thread CPU time of the task that renders (trace, other fresh pages) (ms)',
              coldCpu.n,
              mspread(coldCpu, 2),
              `${fmt(coldCpu.min, 1)}–${fmt(coldCpu.max, 1)}`,
            ],
          ]
        : []),
      ...floorRows(el.floorCold, el.floorCpu, cold, coldCpu),
      [
        'later instances: create + append → `updateComplete` (ms)',
        warm.n,
        mspread(warm, 2),
        `${fmt(warm.min, 1)}–${fmt(warm.max, 1)}`,
      ],
      [
        'update: toggle `available` → `updateComplete` (ms)',
        upd.n,
        mspread(upd, 2),
        `${fmt(upd.min, 1)}–${fmt(upd.max, 1)}`,
      ],
      [
        'full lifecycle with a no-network driver: create with caller-id (starts itself) → ONLINE, call → CALL_START, hang up, remove (ms)',
        cyc.n,
        mspread(cyc, 2),
        `${fmt(cyc.min, 1)}–${fmt(cyc.max, 1)}`,
      ],
    ],
  ),
);
out.push('');
out.push(
  table(
    [
      `after ${el.cycleTimes.length} lifecycles (each with one call) in one page`,
      'before',
      'after',
      'growth',
    ],
    [
      [
        'JS heap used after forced GC (CDP Runtime.getHeapUsage)',
        `${el.heapBefore} B`,
        `${el.heapAfter} B`,
        `**${((el.heapAfter - el.heapBefore) / 1000).toFixed(1)} KB**`,
      ],
      [
        'listeners on window',
        el.listenersBefore.window,
        el.listenersAfter.window,
        el.listenersAfter.window - el.listenersBefore.window,
      ],
      [
        'listeners on document',
        el.listenersBefore.document,
        el.listenersAfter.document,
        el.listenersAfter.document - el.listenersBefore.document,
      ],
      [
        'DOM elements in the document',
        el.domNodesBefore,
        el.domNodesAfter,
        el.domNodesAfter - el.domNodesBefore,
      ],
    ],
  ),
);
out.push('');
out.push(
  'Times are `performance.now()` in the page, which Chromium coarsens to 0.1 ms here; updates are ' +
    'therefore timed in batches of 10. The lifecycle loop uses a no-network driver and backend (bench/page/bench-page.js) ' +
    'so that it measures the element and the client, not the emulator; 20 warm-up lifecycles precede the ' +
    'heap baseline.',
);

out.push('\n## Backend\n');
out.push('### getAvailableClients (`GET /sessions/available`) by number of sessions\n');
out.push(
  "Every session is available and belongs to a distinct user in the viewer's group; the route answers one " +
    'page of them (the default page size; `next` is the cursor of the following page), so `users returned` is ' +
    'the page, not the group. `HTTP` is `app.inject` (routing, auth, the query, JSON serialisation, no socket); ' +
    '`query` is the store call alone (its first page).\n',
);
const scaleRows = scale.map((r: ScaleResult) => {
  const q = summarize(r.query);
  const h = r.http ? summarize(r.http) : undefined;
  return [
    r.store,
    r.sessions.toLocaleString('en-US'),
    r.returned.toLocaleString('en-US'),
    h ? `${fmt(h.median, 2)} (${fmt(h.p25, 2)}–${fmt(h.p75, 2)})` : (r.httpError ?? '–'),
    h ? `**${fmt(h.p99, 2)}**` : '–',
    `${fmt(q.median, 2)} (${fmt(q.p25, 2)}–${fmt(q.p75, 2)})`,
    fmt(q.p99, 2),
    h ? h.n : q.n,
  ];
});
out.push(
  table(
    [
      'store',
      'sessions',
      'users returned',
      'HTTP p50 (p25–p75) ms',
      'HTTP p99 ms',
      'query p50 (p25–p75) ms',
      'query p99 ms',
      'n',
    ],
    scaleRows,
  ),
);
if (!postgres.startsWith('measured')) out.push(`\nPostgreSQL: ${postgres}.`);
out.push('\n### Routing an incoming call (`sessionsToRing`) by number of live sessions\n');
out.push(
  "Every session is available and live, on the called number, of a member of the number's group; each " +
    'user holds two sessions. One decision is the indexed store query `listRingableSessions` (twice when ' +
    'the ring wraps around) plus the routing rule, for a new CallSid each time: at most ten users, one ' +
    'session each (`rung`). `before` is the rule it replaced (every live session read and filtered in ' +
    'memory), measured in the same run. Alone: `npm run bench:routing` (also prints the query plans).\n',
);
out.push(data.routing?.length ? routingTable(data.routing) : 'Not measured in this run.');
out.push('\n### Token minting\n');
const tw = summarize(mint.twilio);
const jo = summarize(mint.jose);
out.push(
  table(
    [`tokens per second, one core (${mint.twilio.length} runs)`, 'median (p25–p75)', 'ratio'],
    [
      ['baseline: jose `SignJWT` HS256 with the same claims', mspread(jo, 0), '1.00×'],
      [
        "the backend's `mintVoiceToken` (twilio `AccessToken` + VoiceGrant)",
        mspread(tw, 0),
        `**${fmt(tw.median / jo.median, 2)}×**`,
      ],
    ],
  ),
);
out.push('\n### Presence: connected agents (`GET /presence`, Server-Sent Events) on one backend process\n');
out.push(
  'The backend runs alone in a child process (SQLite in memory); each agent is a distinct user of one ' +
    'group holding one SSE response open over its own loopback socket. On connect each stream gets one ' +
    '`available` snapshot, the first page (≤ 100) of `GET /sessions/available`; after that every change is one ' +
    'delta: `session` to every stream of the group, and `availability` `{client, available}` when the change ' +
    "added a user to or removed them from the available list. Memory is the server's, after forced GC, with " +
    'the streams open (snapshots sent) minus before (users already signed in). The change is one more agent ' +
    'coming online (`POST /sessions`); times run from that request until every agent has received the ' +
    '`session` event and the `availability` delta naming the new agent.\n',
);
out.push(
  table(
    [
      'agents',
      'RSS per agent',
      'V8 heap per agent',
      'time to open all',
      '`session` event: median / all agents',
      '`availability` delta: median / all agents',
      '`POST /sessions` (the change) answered after',
    ],
    presence.map((p) =>
      'error' in p
        ? [p.agents.toLocaleString('en-US'), `failed: ${p.error}`, '', '', '', '', '']
        : [
            p.agents.toLocaleString('en-US'),
            `${(p.rssPerAgent / 1000).toFixed(1)} KB (**${((p.rssPerAgent * 10_000) / 1e6).toFixed(0)} MB per 10k**)`,
            `${(p.heapPerAgent / 1000).toFixed(1)} KB`,
            `${p.connectSeconds.toFixed(1)} s`,
            `${fmt(p.sessionEventMedian, 0)} / **${fmt(p.sessionEventAll, 0)} ms**${p.received.session < p.agents ? ` (only ${p.received.session} received in 60 s)` : ''}`,
            `${fmt(p.availableEventMedian, 0)} / **${fmt(p.availableEventAll, 0)} ms**${p.received.available < p.agents ? ` (only ${p.received.available} received in 60 s)` : ''}`,
            `${fmt(p.changeRequestMs, 0)} ms`,
          ],
    ),
  ),
);
out.push('');
out.push(
  'One run each. Reference point: an idle `ws` socket costs 6.6 KB RSS at 10k and a broadcast reaches 10k ' +
    'in 120–280 ms on this class of machine (research notes). The fan-out (`server/presence-hub.ts`) encodes ' +
    'each change once and writes the same bytes to every stream of the group; no stream reads the store per ' +
    'change. When the change request answers only as late as the fan-out, the process was busy writing it. ' +
    "Each stream's response carries the backend's security headers as one set computed once, and its header " +
    'block is flushed on its own (server/routes/presence.ts): about 4 KB less heap per stream than through ' +
    'the per-request middleware.',
);
out.push('');
out.push(measuredApart('presence'));

writeFileSync(`${root}BENCHMARKS.md`, out.join('\n'));
log('wrote BENCHMARKS.md');
