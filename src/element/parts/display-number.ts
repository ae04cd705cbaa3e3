import { loadPhoneLib } from '../phone-number.js';

type PhoneLib = Awaited<ReturnType<typeof loadPhoneLib>>;

/** The library once imported here; the call UI asks for it on its first number shown. */
let lib: PhoneLib | undefined;
let asked = false;

/**
 * A call's party as people read it: a number formatted (national in `defaultCountry`, else international)
 * once libphonenumber-js is loaded, E.164 until then; an agent's `client:` identity without the prefix.
 * The first number shown imports the library (lazy, never in the first load) and re-renders on arrival.
 * @internal
 */
export function displayNumber(party: string, defaultCountry: string, rerender: () => void): string {
  const plain = party.replace(/^client:/, '');
  if (!/^\+[1-9]\d{1,14}$/.test(plain)) return plain;
  if (!lib) {
    if (!asked) {
      asked = true;
      loadPhoneLib().then(
        (loaded) => ((lib = loaded), rerender()),
        // Not loaded (offline, blocked): the number stays in E.164; the next number shown tries again.
        () => (asked = false),
      );
    }
    return plain;
  }
  const parsed = lib.parsePhoneNumberFromString(plain);
  if (!parsed) return plain;
  const country = defaultCountry.toUpperCase();
  // By calling code, not country: test and emulator numbers (+1 555 …) belong to no single country.
  const national =
    lib.isSupportedCountry(country) && parsed.countryCallingCode === lib.getCountryCallingCode(country);
  return national ? parsed.formatNational() : parsed.formatInternational();
}

/**
 * An agent's name for `client:<user sys_id>` (from the agents list, when it has them), else displayNumber's
 * (`rerender` once the number formatting library has loaded, for a part that shows it now).
 */
export function partyName(
  party: string,
  agents: readonly { sys_id: string; name: string }[] | null,
  defaultCountry: string,
  rerender: () => void = () => {},
): string {
  const id = party.replace(/^client:/, '');
  return agents?.find((agent) => agent.sys_id === id)?.name ?? displayNumber(party, defaultCountry, rerender);
}
