/**
 * What the tarball may hold: what a consumer needs and nothing else. `packageProblems(files)` takes the
 * paths `npm pack --json` lists and says what is wrong, or nothing.
 */
import { readFileSync } from 'node:fs';

/** The files a consumer needs, by kind; anything else in the tarball is a problem. */
const ALLOWED: Array<[RegExp, string]> = [
  [/^(package\.json|README\.md|LICENSE|custom-elements\.json)$/, 'package metadata and the manifest'],
  [/^dist\/[a-z-]+(\.[a-z-]+)?\.js(\.map)?$/, 'the CDN build (entry, lazy chunks, SDK chunk, SNC global)'],
  [/^dist\/esm\/[a-z/.-]+\.js(\.map)?$/, 'the build for bundlers'],
  [/^dist\/types\/[a-z/.-]+\.d\.ts$/, 'the declarations'],
  [/^types\/[a-z-]+\.d\.ts$/, 'hand-written declarations (the manifest)'],
];

interface PackageJson {
  exports: Record<string, string | Record<string, string>>;
  sideEffects: string[];
  main: string;
  types: string;
}

export function packageProblems(files: readonly string[]): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageJson;
  const listed = new Set(files);
  const problems: string[] = [];
  for (const file of files) {
    if (!ALLOWED.some(([pattern]) => pattern.test(file)))
      problems.push(`${file}: not something a consumer needs`);
  }
  const targets = [
    pkg.main,
    pkg.types,
    ...pkg.sideEffects,
    ...Object.values(pkg.exports).flatMap((target) =>
      typeof target === 'string' ? [target] : Object.values(target),
    ),
  ];
  for (const target of targets) {
    if (!listed.has(target.replace(/^\.\//, ''))) problems.push(`${target}: named in package.json, missing`);
  }
  for (const name of ['.', './client', './react', './vue', './snc-notify.js', './custom-elements.json']) {
    const target = pkg.exports[name];
    if (typeof target !== 'object' || !target['types']) problems.push(`exports["${name}"]: no types`);
  }
  return problems;
}
