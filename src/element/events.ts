import type { Status } from '../client/constants.js';
import type { NotifyErrorCode } from '../client/errors.js';
import type { CallEndOutcome } from '../client/notify-call.js';

const init = <T>(detail: T): CustomEventInit<T> => ({ bubbles: true, composed: true, detail });

/** The session is registered and can make and take calls. */
export class NotifyOnlineEvent extends CustomEvent<Record<string, never>> {
  static readonly eventName = 'notify-online';
  constructor() {
    super(NotifyOnlineEvent.eventName, init({}));
  }
}

/** The session is not (or no longer) registered. */
export class NotifyOfflineEvent extends CustomEvent<Record<string, never>> {
  static readonly eventName = 'notify-offline';
  constructor() {
    super(NotifyOfflineEvent.eventName, init({}));
  }
}

export interface NotifyErrorDetail {
  message: string;
  code: NotifyErrorCode;
}

/** Something failed; `detail.code` is a stable code of the error registry. */
export class NotifyErrorEvent extends CustomEvent<NotifyErrorDetail> {
  static readonly eventName = 'notify-error';
  constructor(detail: NotifyErrorDetail) {
    super(NotifyErrorEvent.eventName, init(detail));
  }
}

export interface NotifyIncomingCallDetail {
  from: string;
  to: string;
  callId: string;
  parentId: string | undefined;
  sysId: string | undefined;
  isFromClient: boolean;
}

/** A call is coming in; answer with `pickupCall()`, decline with `hangupCall()`. */
export class NotifyIncomingCallEvent extends CustomEvent<NotifyIncomingCallDetail> {
  static readonly eventName = 'notify-incoming-call';
  constructor(detail: NotifyIncomingCallDetail) {
    super(NotifyIncomingCallEvent.eventName, init(detail));
  }
}

export interface NotifyCallInitDetail {
  status: Status;
  callId: string | undefined;
}

/** A call object exists (outgoing placed or incoming accepted). */
export class NotifyCallInitEvent extends CustomEvent<NotifyCallInitDetail> {
  static readonly eventName = 'notify-call-init';
  constructor(detail: NotifyCallInitDetail) {
    super(NotifyCallInitEvent.eventName, init(detail));
  }
}

export interface NotifyCallDetail {
  callId: string | undefined;
}

/** The call is established. */
export class NotifyCallStartEvent extends CustomEvent<NotifyCallDetail> {
  static readonly eventName = 'notify-call-start';
  constructor(detail: NotifyCallDetail) {
    super(NotifyCallStartEvent.eventName, init(detail));
  }
}

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
export class NotifyCallCancelEvent extends CustomEvent<NotifyCallEndDetail> {
  static readonly eventName = 'notify-call-cancel';
  constructor(detail: NotifyCallEndDetail) {
    super(NotifyCallCancelEvent.eventName, init(detail));
  }
}

/** The current call ended; `detail.outcome` says how (busy, no answer, declined, completed…). */
export class NotifyCallDisconnectEvent extends CustomEvent<NotifyCallEndDetail> {
  static readonly eventName = 'notify-call-disconnect';
  constructor(detail: NotifyCallEndDetail) {
    super(NotifyCallDisconnectEvent.eventName, init(detail));
  }
}

/** The microphone was muted. */
export class NotifyCallMuteEvent extends CustomEvent<Record<string, never>> {
  static readonly eventName = 'notify-call-mute';
  constructor() {
    super(NotifyCallMuteEvent.eventName, init({}));
  }
}

/** The microphone was unmuted. */
export class NotifyCallUnmuteEvent extends CustomEvent<Record<string, never>> {
  static readonly eventName = 'notify-call-unmute';
  constructor() {
    super(NotifyCallUnmuteEvent.eventName, init({}));
  }
}

export interface NotifyAvailableChangeDetail {
  available: boolean;
}

/** The user switched the availability toggle of the default UI (not fired for property changes). */
export class NotifyAvailableChangeEvent extends CustomEvent<NotifyAvailableChangeDetail> {
  static readonly eventName = 'notify-available-change';
  constructor(detail: NotifyAvailableChangeDetail) {
    super(NotifyAvailableChangeEvent.eventName, init(detail));
  }
}

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
