import type { QualityWarning } from '../driver.js';

/** What the SDK's `warning` event carries (its StatsMonitor's data): the threshold and the samples that crossed it. */
interface SdkWarningData {
  threshold?: { name?: string; value?: number };
  value?: number;
  values?: number[];
}

/** The part of the SDK's `Call` the quality watch uses. */
interface WarningSource {
  on(event: 'warning', listener: (name: string, data?: SdkWarningData | null) => void): unknown;
  on(event: 'warning-cleared', listener: (name: string) => void): unknown;
}

const number = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * Turns one SDK call's `warning` / `warning-cleared` (names such as `high-rtt`, `high-jitter`,
 * `high-packet-loss`, `low-mos`, `constant-audio-input-level`) into our one QualityWarning shape. A cleared
 * warning carries no data in the SDK: its threshold is the one it was raised with.
 */
export function watchQuality(call: WarningSource, emit: (warning: QualityWarning) => void): void {
  const thresholds = new Map<string, number | null>();
  call.on('warning', (name, data) => {
    const threshold = number(data?.threshold?.value);
    thresholds.set(name, threshold);
    const value = number(data?.values?.at(-1)) ?? number(data?.value);
    emit({ name, value, threshold, cleared: false });
  });
  call.on('warning-cleared', (name) => {
    emit({ name, value: null, threshold: thresholds.get(name) ?? null, cleared: true });
    thresholds.delete(name);
  });
}
