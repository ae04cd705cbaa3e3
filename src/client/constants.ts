/**
 * The public constant sets of `SNC.Notify`. ServiceNow documents the names only; the string values
 * are this library's own choice (see docs), so always compare against the constants, never literals.
 */

/** Event names for {@link NotifyClient.addEventListener}. */
export const STD_EVENTS = {
  /** The session is registered and can make and take calls. No arguments. */
  ONLINE: 'online',
  /** The session is not (or no longer) registered. No arguments. */
  OFFLINE: 'offline',
  /** Something failed: `(message: string, code: NotifyErrorCode)`. */
  ERROR: 'error',
  /** A call is coming in: `(from, to, callId, parentId, sysId, isFromClient)`. */
  INCOMING_CALL: 'incoming_call',
  /** A call object exists (outgoing placed or incoming accepted): `(status, callId)`. */
  CALL_INIT: 'call_init',
  /** The call is established (status OPEN): `(callId)`. */
  CALL_START: 'call_start',
  /** The caller gave up before the incoming call was picked up: `(callId)`. */
  CALL_CANCEL: 'call_cancel',
  /** The current call ended: `(callId)`. */
  CALL_DISCONNECT: 'call_disconnect',
  /** The microphone of the current call is muted. No arguments. */
  CALL_MUTE: 'call_mute',
  /** The microphone of the current call is unmuted. No arguments. */
  CALL_UNMUTE: 'call_unmute',
} as const;

export type StdEvent = (typeof STD_EVENTS)[keyof typeof STD_EVENTS];

/** Ours, not ServiceNow's: the extension events addEventListener() also accepts. */
export const NOTIFY_EVENTS = {
  /**
   * The connection is being recovered, or is back: `(state: 'reconnecting' | 'reconnected', callId)`. Without
   * a callId it is the registration (the device); with one, that call. See docs/decisions.md §21.
   */
  RECONNECT: 'reconnect',
  /**
   * A call's media has a problem the vendor may not recover from by itself: `(warning: 'no-audio', active,
   * callId)`. `no-audio`: no audio arrives (RTP stopped while the connection looks up); `active` false: it
   * cleared. The call goes on; MEDIA_LOST ends it if the vendor gives up.
   */
  CALL_WARNING: 'call_warning',
  /** The vendor's call-quality warning was raised or cleared: `(warning: CallQualityWarning)` (issue 14). */
  CALL_QUALITY: 'call_quality',
  /** The selected microphone went away mid-call or idle; the default took over: `(lost, fallback)`. */
  AUDIO_INPUT_LOST: 'audio_input_lost',
} as const;

/** The name of one of our NOTIFY_EVENTS. */
export type NotifyEventName = (typeof NOTIFY_EVENTS)[keyof typeof NOTIFY_EVENTS];

/** Normalized call status returned by {@link NotifyClient.getStatus}. `CLOSED` also means "no call". */
export const Status = {
  PENDING: 'pending',
  CONNECTING: 'connecting',
  RINGING: 'ringing',
  OPEN: 'open',
  RECONNECTING: 'reconnecting',
  CLOSED: 'closed',
} as const;

export type Status = (typeof Status)[keyof typeof Status];

/** Telephony vendors. `TWILIO` is the deprecated alias of `TWILIO_DIRECT`. */
export const Vendor = {
  TWILIO_DIRECT: 'TwilioDirect',
  /** @deprecated Use `Vendor.TWILIO_DIRECT`; accepted with a one-time console warning. */
  TWILIO: 'Twilio',
  /** Standard SIP over WebSocket to any PBX (our extension, not a ServiceNow vendor; issue 15). */
  SIP: 'SIP',
} as const;

export type Vendor = (typeof Vendor)[keyof typeof Vendor];

/** Device (registration) state of a client. */
export const DeviceState = {
  OFFLINE: 'offline',
  INITIALIZING: 'initializing',
  ONLINE: 'online',
  DESTROYED: 'destroyed',
} as const;

export type DeviceState = (typeof DeviceState)[keyof typeof DeviceState];

export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;
export const DTMF_PATTERN = /^[0-9*#A-Dw]+$/;

const STD_EVENT_VALUES: ReadonlySet<string> = new Set([
  ...Object.values(STD_EVENTS),
  ...Object.values(NOTIFY_EVENTS),
]);

/** A name addEventListener takes: one of STD_EVENTS or of our NOTIFY_EVENTS. */
export function isStdEvent(value: unknown): value is StdEvent | NotifyEventName {
  return typeof value === 'string' && STD_EVENT_VALUES.has(value);
}

let twilioAliasWarned = false;

/**
 * Normalizes a vendor given by a page or a backend: a `Vendor` value (`'TwilioDirect'`), a key
 * (`'TWILIO_DIRECT'`, as the backend sends it) or the deprecated `'Twilio'`. Returns null when unknown.
 */
export function normalizeVendor(value: unknown): Vendor | null {
  // The own [key, value] entries (a key such as 'toString' is no vendor); a non-string matches none.
  const vendor = Object.entries(Vendor).find((entry) => entry.includes(value as string))?.[1] ?? null;
  if (vendor === Vendor.TWILIO && !twilioAliasWarned) {
    twilioAliasWarned = true;
    console.warn('[notify] Vendor.TWILIO is deprecated; using Vendor.TWILIO_DIRECT.');
  }
  return vendor;
}
