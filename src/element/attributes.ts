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
