import type { Status } from '../client/constants.js';
import type { NotifyErrorCode } from '../client/errors.js';
import type { CallEndOutcome } from '../client/notify-call.js';
import { notifyEvent } from './event-class.js';

/** The session is registered and can make and take calls. */
export const NotifyOnlineEvent = notifyEvent<Record<string, never>, 'notify-online'>('notify-online');
export type NotifyOnlineEvent = InstanceType<typeof NotifyOnlineEvent>;

/** The session is not (or no longer) registered. */
export const NotifyOfflineEvent = notifyEvent<Record<string, never>, 'notify-offline'>('notify-offline');
export type NotifyOfflineEvent = InstanceType<typeof NotifyOfflineEvent>;

export interface NotifyErrorDetail {
  message: string;
  code: NotifyErrorCode;
}

/** Something failed; `detail.code` is a stable code of the error registry. */
export const NotifyErrorEvent = notifyEvent<NotifyErrorDetail, 'notify-error'>('notify-error');
export type NotifyErrorEvent = InstanceType<typeof NotifyErrorEvent>;

export interface NotifyIncomingCallDetail {
  from: string;
  to: string;
  callId: string;
  parentId: string | undefined;
  sysId: string | undefined;
  isFromClient: boolean;
}

/** A call is coming in; answer with `pickupCall()`, decline with `hangupCall()`. */
export const NotifyIncomingCallEvent = notifyEvent<NotifyIncomingCallDetail, 'notify-incoming-call'>(
  'notify-incoming-call',
);
export type NotifyIncomingCallEvent = InstanceType<typeof NotifyIncomingCallEvent>;

export interface NotifyCallInitDetail {
  status: Status;
  callId: string | undefined;
}

/** A call object exists (outgoing placed or incoming accepted). */
export const NotifyCallInitEvent = notifyEvent<NotifyCallInitDetail, 'notify-call-init'>('notify-call-init');
export type NotifyCallInitEvent = InstanceType<typeof NotifyCallInitEvent>;

export interface NotifyCallDetail {
  callId: string | undefined;
}

/** The call is established. */
export const NotifyCallStartEvent = notifyEvent<NotifyCallDetail, 'notify-call-start'>('notify-call-start');
export type NotifyCallStartEvent = InstanceType<typeof NotifyCallStartEvent>;

/** How a call ended (our extension; `NotifyCall.outcome`, `endedBy`, `duration`). */
export interface NotifyCallEndDetail extends NotifyCallDetail {
  /** `completed`, `busy`, `no-answer`, `declined`, `failed` or `canceled`. */
  outcome: CallEndOutcome;
  /** `local`: hung up or declined here; `remote`: by the other party or the network. */
  endedBy: 'local' | 'remote';
  /** Whole seconds from answer to end; null for a call never answered. */
  duration: number | null;
}

/** The caller gave up before the incoming call was picked up. */
export const NotifyCallCancelEvent = notifyEvent<NotifyCallEndDetail, 'notify-call-cancel'>(
  'notify-call-cancel',
);
export type NotifyCallCancelEvent = InstanceType<typeof NotifyCallCancelEvent>;

/** The current call ended; `detail.outcome` says how (busy, no answer, declined, completed…). */
export const NotifyCallDisconnectEvent = notifyEvent<NotifyCallEndDetail, 'notify-call-disconnect'>(
  'notify-call-disconnect',
);
export type NotifyCallDisconnectEvent = InstanceType<typeof NotifyCallDisconnectEvent>;

/** The microphone was muted. */
export const NotifyCallMuteEvent = notifyEvent<Record<string, never>, 'notify-call-mute'>('notify-call-mute');
export type NotifyCallMuteEvent = InstanceType<typeof NotifyCallMuteEvent>;

/** The microphone was unmuted. */
export const NotifyCallUnmuteEvent = notifyEvent<Record<string, never>, 'notify-call-unmute'>(
  'notify-call-unmute',
);
export type NotifyCallUnmuteEvent = InstanceType<typeof NotifyCallUnmuteEvent>;

export interface NotifyAvailableChangeDetail {
  available: boolean;
}

/** The user switched the availability toggle of the default UI (not fired for property changes). */
export const NotifyAvailableChangeEvent = notifyEvent<NotifyAvailableChangeDetail, 'notify-available-change'>(
  'notify-available-change',
);
export type NotifyAvailableChangeEvent = InstanceType<typeof NotifyAvailableChangeEvent>;

declare global {
  interface GlobalEventHandlersEventMap {
    'notify-online': NotifyOnlineEvent;
    'notify-offline': NotifyOfflineEvent;
    'notify-error': NotifyErrorEvent;
    'notify-incoming-call': NotifyIncomingCallEvent;
    'notify-call-init': NotifyCallInitEvent;
    'notify-call-start': NotifyCallStartEvent;
    'notify-call-cancel': NotifyCallCancelEvent;
    'notify-call-disconnect': NotifyCallDisconnectEvent;
    'notify-call-mute': NotifyCallMuteEvent;
    'notify-call-unmute': NotifyCallUnmuteEvent;
    'notify-available-change': NotifyAvailableChangeEvent;
  }
}

// The desk's events (ours): types only here, their classes load with the lazy parts (desk-events.ts).
export type {
  NotifyAudioInputLostDetail,
  NotifyAudioInputLostEvent,
  NotifyCallQualityEvent,
} from './desk-events.js';
