/**
 * Rewrites README.md's "Error codes" table from the client's error registry (`NOTIFY_ERRORS` in
 * src/client/errors.ts, `NOTIFY_ERROR_DOCS` in src/client/error-docs.ts): every code with its message and how to fix it (explanation and solution).
 * Only the text between the two markers is replaced; the result is formatted with the project's Prettier
 * configuration, so `prettier --check` stays clean. test/browser/unit/error-docs.test.ts fails when the
 * table and the registry differ.
 *
 *   npm run docs:errors            # rewrite the section
 *   npm run docs:errors -- --check # exit 1 when README.md is not up to date
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import { NOTIFY_ERROR_DOCS } from '../src/client/error-docs.js';
import { NOTIFY_ERRORS } from '../src/client/errors.js';
// The recovery codes join the registry when their module loads (as they do in the client, with init()).
import '../src/client/recovery-errors.js';

export const START_MARKER = '<!-- error-codes:start (npm run docs:errors) -->';
export const END_MARKER = '<!-- error-codes:end -->';

interface ErrorDoc {
  message: string;
  explanation?: string;
  solution?: string;
}

const readme = fileURLToPath(new URL('../README.md', import.meta.url));

/** A code's message (errors.ts) with its explanation and solution (error-docs.ts, out of the first load). */
function docOf(code: string): ErrorDoc {
  const key = code as keyof typeof NOTIFY_ERRORS;
  return { message: NOTIFY_ERRORS[key].message, ...NOTIFY_ERROR_DOCS[key] };
}

const cell = (text: string | undefined) => (text ?? '').replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

export function errorTable(): string {
  const rows = Object.keys(NOTIFY_ERRORS).map((code) => {
    const { message, explanation, solution } = docOf(code);
    const fix = [explanation, solution].filter(Boolean).join(' ');
    return `| \`${code}\` | ${cell(message)} | ${cell(fix)} |`;
  });
  return ['| Code | Message | What it means and how to fix it |', '| --- | --- | --- |', ...rows].join('\n');
}

/** README text with the section between the markers replaced by the current table. */
export async function renderReadme(text: string): Promise<string> {
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start)
    throw new Error(`README.md needs the markers ${START_MARKER} … ${END_MARKER}`);
  const next = `${text.slice(0, start + START_MARKER.length)}\n\n${errorTable()}\n\n${text.slice(end)}`;
  const options = (await prettier.resolveConfig(readme)) ?? {};
  return prettier.format(next, { ...options, filepath: readme });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const current = await readFile(readme, 'utf8');
  const next = await renderReadme(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('README.md: the error table is out of date; run npm run docs:errors');
      process.exitCode = 1;
    } else console.log('README.md: the error table is up to date');
  } else if (next !== current) {
    await writeFile(readme, next);
    console.log(`README.md: error table rewritten (${Object.keys(NOTIFY_ERRORS).length} codes)`);
  } else console.log('README.md: the error table is already up to date');
}
