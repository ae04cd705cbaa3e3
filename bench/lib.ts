/** Shared helpers of the benchmarks: statistics, the machine header, markdown tables. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Summary {
  n: number;
  median: number;
  p25: number;
  p75: number;
  p99: number;
  min: number;
  max: number;
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    p99: quantile(sorted, 0.99),
    min: sorted[0] ?? NaN,
    max: sorted.at(-1) ?? NaN,
  };
}

/** `1.23` with the given decimals; '–' for NaN. */
export const fmt = (value: number, decimals = 1): string =>
  Number.isFinite(value) ? value.toFixed(decimals) : '–';

/** "median (p25–p75)" */
export const mspread = (s: Summary, decimals = 1): string =>
  `${fmt(s.median, decimals)} (${fmt(s.p25, decimals)}–${fmt(s.p75, decimals)})`;

export function table(header: string[], rows: Array<Array<string | number>>, align?: string[]): string {
  const sep = align ?? header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [
    `| ${header.join(' | ')} |`,
    `| ${sep.join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(String).join(' | ')} |`),
  ].join('\n');
}

/** Ratios of paired runs (ours[i] / base[i]) summarised, plus the ratio of medians. */
export function ratio(ours: number[], base: number[]): { ofMedians: number; paired: Summary } {
  const pairs = ours.map((value, i) => value / base[i]!).filter(Number.isFinite);
  return { ofMedians: summarize(ours).median / summarize(base).median, paired: summarize(pairs) };
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  chromium: string;
  date: string;
  /** µs to touch a fresh 4 KiB page (fault + zeroing); absent in results written before it was measured. */
  pageFaultMicros?: number;
}

export function machine(chromiumPath: string): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':')[1]!.trim();
  } catch {
    /* not Linux */
  }
  let chromium = 'not found';
  try {
    chromium = execFileSync(chromiumPath, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    /* reported as not found */
  }
  return {
    cpu,
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium,
    date: new Date().toISOString(),
    pageFaultMicros: pageFaultMicros(),
  };
}

/**
 * What the first touch of a fresh memory page costs here. A fresh page's first render runs in a new renderer
 * process, which touches much memory for the first time: on a machine where that costs 15 µs a page (a
 * virtual machine's, seen here) instead of well under 1 µs, the first render's CPU time was 2.7× another
 * machine's with the same build, while warm renders were 1.7×. Without this figure two runs' machines look
 * alike in the table.
 */
function pageFaultMicros(): number {
  const bytes = 64 * 2 ** 20;
  const buffer = Buffer.allocUnsafeSlow(bytes); // a fresh mapping: its pages are touched by fill()
  const started = performance.now();
  buffer.fill(1);
  return Math.round((((performance.now() - started) * 1000) / (bytes / 4096)) * 100) / 100;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
