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
  statusStopped: string;
  /** `{status}`: the translated call status (see `callStatus`). */
  statusInCall: string;
  statusMuted: string;
  /** `{caller}`: the caller's number or client name. */
  statusIncoming: string;
  /** Names of `Status` values shown in `statusInCall`. */
  callStatus: Record<'pending' | 'connecting' | 'ringing' | 'open' | 'reconnecting' | 'closed', string>;
  /** Announced through the live region when a call comes in; `{caller}`. */
  announceIncoming: string;
  incomingTitle: string;
  numberLabel: string;
  numberPlaceholder: string;
  dialPad: string;
  inCallKeypad: string;
  /** Accessible names of dial keys that are not digits. */
  keyStar: string;
  keyPound: string;
  callControls: string;
  call: string;
  hangUp: string;
  pickUp: string;
  decline: string;
  mute: string;
  forward: string;
  /** Accessible name of the call timer. */
  callTimer: string;
  available: string;
  agents: string;
  /** `{count}`: the number of available agents. */
  agentsCount: string;
  noAgents: string;
  refreshAgents: string;
  /** `{name}`: the agent's name. */
  callAgent: string;
  dismissError: string;
  /** Messages per error code; unlisted codes show the client's message. */
  errors: Partial<Record<NotifyErrorCode, string>>;
}

/** The strings of the first render (without `CallStrings`). */
export type BaseStrings = Omit<NotifyPhoneStrings, keyof CallStrings>;

/** The English defaults of the first render. */
export const defaultStrings: BaseStrings = {
  phone: 'Phone',
  statusOffline: 'Offline',
  statusConnecting: 'Connecting…',
  statusReady: 'Ready',
  statusStopped: 'Stopped',
  statusInCall: 'Call {status}',
  statusMuted: 'muted',
  statusIncoming: 'Incoming call from {caller}',
  callStatus: {
    pending: 'waiting',
    connecting: 'connecting',
    ringing: 'ringing',
    open: 'in progress',
    reconnecting: 'reconnecting',
    closed: 'ended',
  },
  announceIncoming: 'Incoming call from {caller}',
  incomingTitle: 'Incoming call',
  numberLabel: 'Phone number',
  numberPlaceholder: '+15551234567',
  dialPad: 'Dial pad',
  inCallKeypad: 'Keypad (sends tones)',
  keyStar: 'Star',
  keyPound: 'Pound',
  callControls: 'Call controls',
  call: 'Call',
  hangUp: 'Hang up',
  pickUp: 'Pick up',
  decline: 'Decline',
  mute: 'Mute',
  forward: 'Forward…',
  callTimer: 'Call duration',
  available: 'Available for calls',
  agents: 'Available agents',
  agentsCount: 'Available agents ({count})',
  noAgents: 'No other agent is available.',
  refreshAgents: 'Refresh',
  callAgent: 'Call {name}',
  dismissError: 'Dismiss',
  errors: {},
};

/** Merges overrides into the defaults (one level deep for `callStatus` and `errors`). */
export function mergeStrings(
  overrides: Partial<NotifyPhoneStrings> | null | undefined,
): BaseStrings & Partial<CallStrings> {
  if (!overrides) return defaultStrings;
  return {
    ...defaultStrings,
    ...overrides,
    callStatus: { ...defaultStrings.callStatus, ...overrides.callStatus },
    errors: { ...defaultStrings.errors, ...overrides.errors },
  };
}

/** Replaces `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) =>
    key in values ? String(values[key]) : match,
  );
}
