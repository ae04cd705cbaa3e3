import type { CallQualityWarning } from '../client/config.js';
import type { AudioDevice } from '../drivers/driver.js';
import { notifyEvent } from './event-class.js';

// The desk's DOM events (ours, issue 14), dispatched on <notify-phone> by <notify-desk> (a lazy part). Their
// classes load with it; src/element/events.ts re-exports them as types only, so the first load does
// without them.

/** The vendor raised or cleared a call-quality warning on the call `detail.callId`. */
export const NotifyCallQualityEvent = notifyEvent<CallQualityWarning, 'notify-call-quality'>(
  'notify-call-quality',
);
export type NotifyCallQualityEvent = InstanceType<typeof NotifyCallQualityEvent>;

export interface NotifyAudioInputLostDetail {
  lost: AudioDevice;
  /** The microphone now in use; null when none was left. */
  fallback: AudioDevice | null;
}

/** The chosen microphone went away (unplugged); the call goes on with the default one. */
export const NotifyAudioInputLostEvent = notifyEvent<NotifyAudioInputLostDetail, 'notify-audio-input-lost'>(
  'notify-audio-input-lost',
);
export type NotifyAudioInputLostEvent = InstanceType<typeof NotifyAudioInputLostEvent>;
