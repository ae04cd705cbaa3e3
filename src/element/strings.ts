import type { NotifyErrorCode } from '../client/errors.js';
import type { CallStrings } from './parts/call-strings.js';

/**
 * Every visible (or announced) string of the default UI. Override any subset through the element's
 * `strings` property or its `strings` attribute (JSON). `{caller}`, `{status}`, `{name}`, `{count}`
 * and `{key}` are replaced where they appear. The strings of calls (their status, the call buttons, hold,
 * call waiting, transfer) are in `CallStrings` (parts/call-strings.ts), whose defaults load with that UI, as
 * does `format()`, which replaces the placeholders (the first render's strings have none).
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
  numberLabel: 'Phone number',
  numberPlaceholder: '+15551234567',
  dialPad: 'Dial pad',
  inCallKeypad: 'Keypad (sends tones)',
  keyStar: 'Star',
  keyPound: 'Pound',
  callControls: 'Call controls',
  call: 'Call',
  invalidNumber: 'Not a phone number: enter it with + and the country code, like +1 555 123 4567.',
  dismissError: 'Dismiss',
  errors: {
    MEDIA_PERMISSION_DENIED: 'The microphone is blocked: allow it for this site, then call again.',
    CALL_FAILED: 'The call could not be connected. Try again.',
    BACKEND_UNREACHABLE: 'The phone service cannot be reached. Check your connection.',
  },
};

/** Merges overrides into the defaults (one level deep for `presence` and `errors`; `callStatus`: call-strings.ts). */
export function mergeStrings(
  overrides: Partial<NotifyPhoneStrings> | null | undefined,
): BaseStrings & Partial<CallStrings> {
  if (!overrides) return defaultStrings;
  return {
    ...defaultStrings,
    ...overrides,
    presence: { ...defaultStrings.presence, ...overrides.presence },
    errors: { ...defaultStrings.errors, ...overrides.errors },
  };
}
