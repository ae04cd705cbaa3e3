import { NotifyError } from './errors.js';

/**
 * Display names (dev sign-in, a session's name, the host identity's name claim) are shown to colleagues
 * in lists and call screens, so they are normalised in one place: NFC, trimmed, length counted in code
 * points. Input that would display as something it is not is refused rather than silently repaired:
 * control characters (NUL, newlines, …), bidirectional embeddings/overrides/isolates (which can reverse
 * how the rest of a list row reads), and names made only of invisible characters.
 */

// C0/C1 controls, DEL.
const CONTROL = /\p{Cc}/u;
// LRE RLE PDF LRO RLO, LRI RLI FSI PDI.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
// Format characters (zero-width space/joiners, LRM/RLM, BOM, …), whitespace and the invisible fillers.
const INVISIBLE = /[\p{Cf}\p{White_Space}\u115F\u1160\u3164\uFFA0\u2800]/gu;

export type NameProblem = 'control' | 'bidi' | 'invisible' | 'too-long';

/** The normalised name, or why it is refused. */
export function checkName(raw: string, maxCodePoints: number): { name: string } | { problem: NameProblem } {
  const name = raw.normalize('NFC').trim();
  if (CONTROL.test(name)) return { problem: 'control' };
  if (BIDI_CONTROL.test(name)) return { problem: 'bidi' };
  if (name.replace(INVISIBLE, '') === '') return { problem: 'invisible' };
  if ([...name].length > maxCodePoints) return { problem: 'too-long' };
  return { name };
}

const MESSAGES: Record<NameProblem, string> = {
  control: 'The name contains control characters.',
  bidi: 'The name contains bidirectional formatting characters.',
  invisible: 'The name has no visible characters.',
  'too-long': 'The name is too long.',
};

/** The normalised name; throws 400 INVALID_NAME. For names a client sends. */
export function normalizeName(raw: string, maxCodePoints: number): string {
  const checked = checkName(raw, maxCodePoints);
  if ('problem' in checked) throw new NotifyError('INVALID_NAME', MESSAGES[checked.problem]);
  return checked.name;
}

/**
 * The first of `candidates` that is an acceptable name (cut to `maxCodePoints`), else undefined. For names
 * the backend is handed by a trusted party (the host identity's claim), where refusing the whole sign-in
 * over a display name would be worse than falling back to the next candidate.
 */
export function firstAcceptableName(candidates: unknown[], maxCodePoints: number): string | undefined {
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const checked = checkName(
      [...candidate.normalize('NFC').trim()].slice(0, maxCodePoints).join(''),
      maxCodePoints,
    );
    if ('name' in checked) return checked.name;
  }
  return undefined;
}
