import type { PropertyValues } from 'lit';
import { E164_PATTERN, normalizeVendor, type Status } from '../client/constants.js';
import type { NotifyErrorCode } from '../client/errors.js';
import type { NotifyPhoneStrings } from './strings.js';

/** Boolean attributes whose absence keeps the default and `="false"` turns them off. */
export const booleanString = {
  fromAttribute: (value: string | null) => value !== null && value.trim().toLowerCase() !== 'false',
  toAttribute: (value: boolean) => (value ? '' : 'false'),
};
const BOOLEAN_ATTRIBUTES: ReadonlySet<string> = new Set([
  'available',
  'auto-load-script-resources',
  'force-refresh-token',
  'skip-parent-id',
  'lazy-vendor',
]);
const BOOLEAN_VALUES: ReadonlySet<string> = new Set(['', 'true', 'false']);

/** Properties read when a session starts: changing one on a running phone starts a new client. */
export const RESTART_ON = [
  'callerId',
  'backend',
  'vendor',
  'lazyVendor',
  'autoLoadScriptResources',
  'forceRefreshToken',
  'displayName',
  'callWaiting',
] as const;

/** The `strings` attribute is JSON; a value that is not a JSON object is reported, not thrown. */
export const jsonStrings = {
  fromAttribute: (value: string | null): Partial<NotifyPhoneStrings> => parseStrings(value) ?? {},
};
function parseStrings(value: string | null): Partial<NotifyPhoneStrings> | undefined {
  if (value === null || value.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Partial<NotifyPhoneStrings>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with an attribute value, or null when it may be applied: a bad value is reported and
 * ignored (the property keeps its previous value).
 * @internal
 */
export function attributeProblem(name: string, value: string | null): string | null {
  const normalized = value?.trim().toLowerCase() ?? null;
  if (BOOLEAN_ATTRIBUTES.has(name) && normalized !== null && normalized !== name) {
    if (!BOOLEAN_VALUES.has(normalized))
      return `The ${name} attribute must be "true" or "false", not "${value}".`;
  }
  if (name === 'call-waiting' && !/^(ring|busy)$/.test(normalized ?? 'busy')) {
    return `call-waiting must be ring or busy, not "${value}".`;
  }
  if (name === 'strings' && parseStrings(value) === undefined)
    return 'The strings attribute must be a JSON object.';
  return null;
}

/**
 * Reports a caller ID that is not E.164 and a vendor that is not known, set as attribute or as property
 * (attributeProblem() sees only attributes); NotifyPhone checks them before each update. The value is kept:
 * no session starts with such a caller ID, and an unknown vendor leaves the default one.
 * @internal
 */
export function checkSettings(
  phone: { readonly callerId: string; readonly vendor: string },
  changed: PropertyValues,
  errors: { report(code: NotifyErrorCode, message: string): void },
): void {
  if (changed.has('callerId') && phone.callerId && !E164_PATTERN.test(phone.callerId)) {
    errors.report(
      'INVALID_NUMBER',
      `The caller ID "${phone.callerId}" is not a phone number in E.164 format (like +15551234567).`,
    );
  }
  if (changed.has('vendor') && phone.vendor && !normalizeVendor(phone.vendor)) {
    errors.report('INVALID_ARGUMENT', `The vendor "${phone.vendor}" is not known; use TwilioDirect.`);
  }
}

/** The read-only state NotifyPhone reflects after every update, for CSS and tests (`:host([in-call])`). */
export interface ReflectedState extends Element {
  readonly status: Status;
  readonly online: boolean;
  readonly muted: boolean;
  readonly ringing: boolean;
  readonly inCall: boolean;
  readonly held: boolean;
}

/**
 * Reflects the read-only state as attributes: `status`, `online`, `muted`, `ringing`, `in-call`, `held`.
 * @internal
 */
export function reflectState(phone: ReflectedState): void {
  phone.setAttribute('status', phone.status);
  phone.toggleAttribute('online', phone.online);
  phone.toggleAttribute('muted', phone.muted);
  phone.toggleAttribute('ringing', phone.ringing);
  phone.toggleAttribute('in-call', phone.inCall);
  phone.toggleAttribute('held', phone.held);
}
