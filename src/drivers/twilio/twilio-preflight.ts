import { NotifyError } from '../../client/errors.js';
import type { PreflightRange, PreflightReport } from '../driver.js';
import { mapTwilioError } from './twilio-errors.js';
import type { TwilioSdkModule } from './load-sdk.js';

/** The parts of the SDK's PreflightTest report we read (its types are the SDK's own, loosely followed here). */
interface SdkReport {
  callSid?: string;
  callQuality?: string;
  networkTiming?: Record<string, { duration?: number } | undefined>;
  stats?: Record<'rtt' | 'jitter' | 'mos', Partial<PreflightRange> | undefined>;
  totals?: { packetsLostFraction?: number };
  selectedIceCandidatePairStats?: {
    localCandidate?: { candidateType?: string };
    remoteCandidate?: { candidateType?: string };
  };
  warnings?: { name?: string }[];
}

const finite = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

function range(value: Partial<PreflightRange> | undefined): PreflightRange | null {
  const [min, average, max] = [finite(value?.min), finite(value?.average), finite(value?.max)];
  return min === null || average === null || max === null ? null : { min, average, max };
}

/** The SDK's report as ours: only real numbers, null for what it did not measure. */
export function toPreflightReport(report: SdkReport): PreflightReport {
  const timing = report.networkTiming ?? {};
  const pair = report.selectedIceCandidatePairStats;
  const local = pair?.localCandidate?.candidateType;
  const remote = pair?.remoteCandidate?.candidateType;
  return {
    callSid: report.callSid || null,
    signalingMs: finite(timing.signaling?.duration),
    iceMs: finite(timing.ice?.duration),
    dtlsMs: finite(timing.dtls?.duration),
    rtt: range(report.stats?.rtt),
    jitter: range(report.stats?.jitter),
    mos: range(report.stats?.mos),
    packetLoss: finite(report.totals?.packetsLostFraction),
    quality: report.callQuality ?? null,
    candidates: local && remote ? { local, remote } : null,
    warnings: (report.warnings ?? []).flatMap((w) => (w.name ? [w.name] : [])),
  };
}

/**
 * Runs the SDK's PreflightTest (`Device.runPreflight`): a Device of the test's own token registers and places a
 * call to the TwiML App, which the backend answers with the test's TwiML (server/calls/preflight.ts). With
 * `fakeMicInput` the SDK sends a sound file instead of the microphone (no permission prompt, no agent's voice)
 * and ends the call itself after its echo duration (20 s), then reports.
 */
export function runTwilioPreflight(
  sdk: TwilioSdkModule,
  token: string,
  device: Record<string, unknown>,
): Promise<PreflightReport> {
  // chunderw and eventgw (the emulator's or Twilio's addresses, from the backend) are internal SDK options.
  const options = {
    chunderw: device.chunderw,
    eventgw: device.eventgw,
    edge: device.edge,
    codecPreferences: ['opus', 'pcmu'],
    fakeMicInput: true,
    logLevel: 'error',
  } as unknown as Parameters<TwilioSdkModule['Device']['runPreflight']>[1];
  return new Promise((resolve, reject) => {
    let test: ReturnType<TwilioSdkModule['Device']['runPreflight']>;
    try {
      test = sdk.Device.runPreflight(token, options);
    } catch (error) {
      return reject(mapTwilioError(error));
    }
    test.on('completed', (report: unknown) => resolve(toPreflightReport(report as SdkReport)));
    test.on('failed', (error: unknown) =>
      reject(
        error instanceof Error || (error as { code?: unknown })?.code !== undefined
          ? mapTwilioError(error)
          : new NotifyError('CALL_FAILED', 'The pre-call test failed.', { cause: error }),
      ),
    );
  });
}
