import type { AuthToken, NotifyBackend } from './backend.js';
import { NOTIFY_EVENTS, STD_EVENTS, type Status, type Vendor } from './constants.js';
import type { AudioDevice, DriverFactory, QualityWarning } from '../drivers/driver.js';
import type { NotifyErrorCode } from './errors.js';
import type { NotifyCall } from './notify-call.js';

/** Listener arguments of every STD_EVENT. */
export interface NotifyClientEvents {
  [STD_EVENTS.ONLINE]: [];
  [STD_EVENTS.OFFLINE]: [];
  [STD_EVENTS.ERROR]: [message: string, code: NotifyErrorCode];
  [STD_EVENTS.INCOMING_CALL]: [
    from: string,
    to: string,
    callId: string,
    parentId: string | undefined,
    sysId: string | undefined,
    isFromClient: boolean,
  ];
  [STD_EVENTS.CALL_INIT]: [status: Status, callId: string | undefined];
  [STD_EVENTS.CALL_START]: [callId: string | undefined];
  /** `call` is our extension (its `outcome` says how it ended); ServiceNow's listeners read only `callId`. */
  [STD_EVENTS.CALL_CANCEL]: [callId: string | undefined, call: NotifyCall];
  /** `call` is our extension (`outcome`, `endedBy`, `duration`); ServiceNow's listeners read only `callId`. */
  [STD_EVENTS.CALL_DISCONNECT]: [callId: string | undefined, call: NotifyCall];
  [STD_EVENTS.CALL_MUTE]: [];
  [STD_EVENTS.CALL_UNMUTE]: [];
  /** Ours (NOTIFY_EVENTS): no callId, the registration; a callId, that call. */
  [NOTIFY_EVENTS.RECONNECT]: [state: 'reconnecting' | 'reconnected', callId: string | undefined];
  /** Ours (NOTIFY_EVENTS): a call's media warning, raised (`active`) or cleared. */
  [NOTIFY_EVENTS.CALL_WARNING]: [warning: 'no-audio', active: boolean, callId: string | undefined];
  [NOTIFY_EVENTS.CALL_QUALITY]: [warning: CallQualityWarning];
  [NOTIFY_EVENTS.AUDIO_INPUT_LOST]: [lost: AudioDevice, fallback: AudioDevice | null];
}

/** The argument of NOTIFY_EVENTS.CALL_QUALITY (ours): a vendor warning about the call `callId`. */
export interface CallQualityWarning extends QualityWarning {
  callId: string | undefined;
}

/** The configuration object; the client writes `vendor` and `callerId` back into it. */
export interface NotifyConfig {
  /** Vendor of the caller ID; set by setCallerId() in lazy mode. */
  vendor?: Vendor | string;
  /** Notify number in E.164; do not set directly, use setCallerId(). */
  callerId?: string;
  /** true: load the vendor SDK chunk; false (default): use the page's `window.Twilio`. */
  autoLoadScriptResources?: boolean;
  /** Refresh the token before it expires (default true). */
  forceRefreshToken?: boolean;
  /** true: fire INCOMING_CALL at once, without resolving the parent call. */
  skipParentId?: boolean;
  /**
   * Ours, not ServiceNow's: what a call that comes in during a call does. `'busy'` (default): the backend
   * treats this agent as busy, so the other available agents ring (or the caller hears that nobody is
   * available); `'ring'`: it is announced as a waiting call, and answering it puts the current call on hold.
   */
  callWaiting?: 'ring' | 'busy';
  /**
   * Ours, not ServiceNow's: prepare the next call while online, so that call() reaches the first remote audio
   * sooner (the driver and the vendor SDK are loaded by init(); this also opens the microphone's input stream
   * once registered and keeps it open until destroy(): releasing it on a mere loss of connection could take
   * the microphone from a call that is recovering). Off by default: the browser shows the microphone as in
   * use the whole time the phone is online.
   */
  warmUp?: boolean;
  /**
   * Ours, not ServiceNow's: the tabs of one agent in this browser (same origin, user and number) share one
   * registration. One tab (the leader, elected with Web Locks) registers with the vendor and holds the backend
   * session; the others show its state and calls, emit the same events and can answer, hang up, mute and dial,
   * which the leader carries out in its tab (calls stay in the tab that owns their media). A closed or frozen
   * leader is replaced by another tab within about 2 s. Off by default: each client registers on its own.
   */
  shareTabs?: boolean;
  /** Base URL of the backend routes; default `'/api'`. */
  backendUrl?: string;
  /** Bearer token (or a function returning one) for the backend. */
  authToken?: AuthToken;
  /** Display name stored on the session row. */
  name?: string;
  /** Geneva-era handlers: the session is ready. */
  onReady?: () => void;
  /** Geneva-era handlers: the session is not active. */
  onOffline?: () => void;
  /** Geneva-era handlers: an error. */
  onError?: (message: string, code?: NotifyErrorCode) => void;
  /** Geneva-era handlers: a call status change of an incoming or outgoing call. */
  onConnect?: (status: Status) => void;
  /** Geneva-era handlers: the call disconnected. */
  onDisconnect?: () => void;
  /** Geneva-era handlers: a call is coming in (same arguments as INCOMING_CALL). */
  onIncoming?: (...args: NotifyClientEvents[typeof STD_EVENTS.INCOMING_CALL]) => void;
  /** @internal Replaces the HTTP backend (tests). */
  backend?: NotifyBackend;
  /** @internal Replaces the vendor driver factory (tests). */
  driverFactory?: DriverFactory;
}

/** The target of call(): `phoneNumber` wins when both are given. */
export interface CallIdentifier {
  phoneNumber?: string;
  userId?: string;
}
