import { answer } from '../client/emitter.js';
import { NotifyError } from '../client/errors.js';

/**
 * What the `SNC.Notify` global (dist/snc-notify.js) has in place of the agent's desk extensions (issue 14):
 * rollup.config.mjs resolves src/client/desk.ts, call-history.ts, transfer-notes.ts and the Twilio driver's
 * twilio-audio.ts, twilio-quality.ts and twilio-preflight.ts to this module in that build only. The global is
 * ServiceNow's API: a classic script that inlines everything it may load, within its own 15 KB budget. Device
 * choice, quality events, the pre-call test and call history are ours and ship in the ESM build (the element
 * and `notify-phone/client`); here they answer NOT_SUPPORTED. See docs/decisions.md §22. audio-devices.ts and
 * agent.ts (the tabs' shared registration) have stand-ins of their own: without-audio-devices.ts and
 * without-share-tabs.ts.
 */
const unsupported = () =>
  new NotifyError('NOT_SUPPORTED', 'Not in the SNC.Notify global: use the ESM build.');
const rejected = () => Promise.reject(unsupported());

export const listAudioDevices = rejected;
export const selectAudioDevice = rejected;
export const runPreflight = rejected;
export const runTwilioPreflight = rejected;
/** No driver audio: the client answers NOT_SUPPORTED. */
export const createTwilioAudio = (): undefined => undefined;
/** No quality events. */
export const watchQuality = (): void => undefined;
/** No transfer facts on the calls (NotifyCall.transferredBy / transferredTo are the element's). */
export const noteTransferredBy = (): void => undefined;
export const noteTransferredTo = (): void => undefined;

/** getCallHistory(): reported NOT_SUPPORTED, an empty page with the error (call-history.ts's contract). */
export function getCallHistory(
  _backend: unknown,
  signal: AbortSignal,
  report: (error: NotifyError) => unknown,
  options?: unknown,
  callback?: (page: { calls: never[]; next: null; error: NotifyError }) => void,
) {
  if (typeof options === 'function') callback = options as typeof callback;
  const error = signal.aborted ? new NotifyError('DESTROYED') : unsupported();
  if (!signal.aborted) report(error);
  return answer(Promise.resolve({ calls: [], next: null, error }), 'getCallHistory callback', callback);
}
