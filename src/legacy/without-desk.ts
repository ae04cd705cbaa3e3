import { NotifyError } from '../client/errors.js';

/**
 * What the `SNC.Notify` global (dist/snc-notify.js) has in place of the agent's desk extensions (issue 14):
 * rollup.config.mjs resolves src/client/audio-devices.ts, src/drivers/twilio/twilio-audio.ts and
 * twilio-quality.ts to this module in that build only. The global is ServiceNow's API, a classic script that
 * inlines everything it may load, within its own 15 KB budget; device choice and quality events are ours and
 * ship in the ESM build (the element and `notify-phone/client`). See docs/decisions.md §16.
 */
const unsupported = () =>
  Promise.reject(new NotifyError('NOT_SUPPORTED', 'Not in the SNC.Notify global: use the ESM build.'));

export const listAudioDevices = unsupported;
export const selectAudioDevice = unsupported;
export const restoreAudioDevices = (): Promise<void> => Promise.resolve();
/** No driver audio: the client answers NOT_SUPPORTED. */
export const createTwilioAudio = (): undefined => undefined;
/** No quality events. */
export const watchQuality = (): void => undefined;
