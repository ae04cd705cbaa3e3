import type { NotifyErrorCode } from '../client/errors.js';
import type { CallStrings } from './parts/call-strings.js';

/**
 * Every visible (or announced) string of the default UI. Override any subset through the element's
 * `strings` property or its `strings` attribute (JSON). `{caller}`, `{status}`, `{name}`, `{count}`
 * and `{key}` are replaced where they appear. The second line's strings (hold, call waiting, transfer) are
 * in `CallStrings` (parts/call-strings.ts), whose defaults load with that UI.
 */
export interface NotifyPhoneStrings extends CallStrings {
  /** Accessible name of the whole phone. */
  phone: string;
  statusOffline: string;
  statusConnecting: string;
  statusReady: string;
  /** Online, but not taking calls (the availability switch is off). */
  statusUnavailable: string;
  statusStopped: string;
  /** The presence pill (the availability switch's visible text). */
  presence: Record<'offline' | 'available' | 'unavailable', string>;
  /** `{status}`: the translated call status (see `callStatus`). */
  statusInCall: string;
  statusMuted: string;
  /** The status while a call rings (who calls is shown under it); `{caller}` may be used. */
  statusIncoming: string;
  /** Names of `Status` values shown in `statusInCall`. */
  callStatus: Record<'pending' | 'connecting' | 'ringing' | 'open' | 'reconnecting' | 'closed', string>;
  /** Announced through the live region when a call comes in; `{caller}`. */
  announceIncoming: string;
  numberLabel: string;
  numberPlaceholder: string;
  dialPad: string;
  inCallKeypad: string;
  /** Accessible names of dial keys that are not digits. */
  keyStar: string;
  keyPound: string;
  callControls: string;
  call: string;
  /** Under the number field when the number cannot be called (a national number needs `default-country`). */
  invalidNumber: string;
  /** Accessible name of the call timer. */
  callTimer: string;
  dismissError: string;
  /** Messages per error code; unlisted codes show the client's message. */
  errors: Partial<Record<NotifyErrorCode, string>>;
}

/** The strings of the first render (without `CallStrings`). */
export type BaseStrings = Omit<NotifyPhoneStrings, keyof CallStrings>;

/** The English defaults of the first render. */
export const defaultStrings: BaseStrings = {
  phone: 'Phone',
  statusOffline: 'Not connected',
  statusConnecting: 'Connecting…',
  statusReady: 'Ready',
  statusUnavailable: 'Not taking calls',
  statusStopped: 'Stopped',
  presence: { offline: 'Offline', available: 'Available', unavailable: 'Unavailable' },
  statusInCall: 'Call {status}',
  statusMuted: 'muted',
  statusIncoming: 'Incoming call',
  callStatus: {
    pending: 'waiting',
    connecting: 'connecting',
    ringing: 'ringing',
    open: 'in progress',
    reconnecting: 'reconnecting',
    closed: 'ended',
  },
  announceIncoming: 'Incoming call from {caller}',
  numberLabel: 'Phone number',
  numberPlaceholder: '+15551234567',
  dialPad: 'Dial pad',
  inCallKeypad: 'Keypad (sends tones)',
  keyStar: 'Star',
  keyPound: 'Pound',
  callControls: 'Call controls',
  call: 'Call',
  invalidNumber: 'Not a phone number: enter it with + and the country code, like +1 555 123 4567.',
  callTimer: 'Call duration',
  dismissError: 'Dismiss',
  errors: {
    MEDIA_PERMISSION_DENIED: 'The microphone is blocked: allow it for this site, then call again.',
    CALL_FAILED: 'The call could not be connected. Try again.',
    BACKEND_UNREACHABLE: 'The phone service cannot be reached. Check your connection.',
  },
};

/** Merges overrides into the defaults (one level deep for `callStatus`, `presence` and `errors`). */
export function mergeStrings(
  overrides: Partial<NotifyPhoneStrings> | null | undefined,
): BaseStrings & Partial<CallStrings> {
  if (!overrides) return defaultStrings;
  return {
    ...defaultStrings,
    ...overrides,
    callStatus: { ...defaultStrings.callStatus, ...overrides.callStatus },
    presence: { ...defaultStrings.presence, ...overrides.presence },
    errors: { ...defaultStrings.errors, ...overrides.errors },
  };
}

/** Replaces `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) =>
    key in values ? String(values[key]) : match,
  );
}
