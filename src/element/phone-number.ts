/**
 * Number entry with libphonenumber-js (its `min` metadata, about 40 KB): formatting as you type and national
 * formats turned into E.164 for `call()`. The library is imported on first use (focus on the number field,
 * or the first call), so the first load does without it.
 */
type PhoneLib = typeof import('libphonenumber-js/min');
type CountryCode = import('libphonenumber-js/min').CountryCode;

let phoneLib: Promise<PhoneLib> | undefined;
let loaded: PhoneLib | undefined;

/** Starts the import (once); resolves with the library. */
export function loadPhoneLib(): Promise<PhoneLib> {
  phoneLib ??= import('libphonenumber-js/min').then((lib) => (loaded = lib));
  phoneLib.catch(() => (phoneLib = undefined)); // a failed download is tried again next time
  return phoneLib;
}

const country = (lib: PhoneLib, code: string) => {
  const upper = code.toUpperCase();
  return lib.isSupportedCountry(upper) ? (upper as CountryCode) : undefined;
};

/**
 * The number as the user would write it (national format of `defaultCountry`, or international after a
 * `+`), or the text unchanged while the library is not loaded yet.
 */
export function formatAsYouType(text: string, defaultCountry: string): string {
  // Only what a phone number is written with: * and # (codes, extensions) stay as typed.
  if (!loaded || !/^[+\d\s().-]*\d[\s().-]*$/.test(text) || !(defaultCountry || text.startsWith('+')))
    return text;
  return new loaded.AsYouType(country(loaded, defaultCountry)).input(text);
}

/**
 * E.164 for a typed number (`+…`, or national in `defaultCountry`), or null when it cannot be a number. Waits
 * for the library: a number already in E.164 is the caller's to call at once (number-entry.ts, submit()).
 */
export async function toE164(text: string, defaultCountry: string): Promise<string | null> {
  const lib = await loadPhoneLib();
  const parsed = lib.parsePhoneNumberFromString(text, country(lib, defaultCountry));
  // isPossible (length and country code), not isValid: test and emulator numbers (+1 555 …) are not assigned.
  return parsed?.isPossible() ? parsed.number : null;
}
