/**
 * `npm run test:package`: the package as an app gets it (run `npm run build` first).
 *
 * Packs the tarball and checks its file list, installs it into a fresh project in a temporary directory
 * (its dependencies from the npm cache or the registry), type-checks a TypeScript usage against the
 * declarations (test/package/fixture/types.ts, and react.tsx and vue.ts for notify-phone/react and
 * notify-phone/vue with those frameworks installed: misuses must be refused), bundles a page with esbuild and
 * checks what went where (the Twilio SDK once, from the app's node_modules, in a lazy chunk; the client
 * entry without Lit), then serves that page from the stack's own origin and places a real call from it in
 * Chromium: the virtual phone must hear the digits the page sent.
 *
 *   npm run build && npx tsx test/package/consumer.ts
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import { SDK_ONLY_STRINGS } from '../../scripts/check-size.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.js';
import { DEMO_NUMBER, startStack, type Stack } from '../../scripts/stack.js';
import { packageProblems } from './pack-list.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixture', import.meta.url));
const run = promisify(execFile);
const TIMEOUT = 20_000;
const PHONE = '+15551250010';
const FRAMEWORKS = ['react', '@types/react', '@lit/react', 'vue'];
const { devDependencies } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
  console.log(`ok    ${what}`);
}

async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + TIMEOUT;
  while (Date.now() < end) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out: ${what}`);
}

/** `npm pack` into `dir`: the tarball's path, after checking its file list against the exports. */
async function pack(dir: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
    cwd: root,
  });
  const [result] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = result!.files.map((file) => file.path);
  const problems = packageProblems(files);
  if (problems.length) throw new Error(`the tarball:\n  ${problems.join('\n  ')}`);
  check(true, `the tarball holds ${files.length} files, every export and nothing of the demos`);
  return join(dir, result!.filename);
}

/** A fresh app project with the tarball installed; npm's warnings must not include EBADENGINE. */
async function install(app: string, tarball: string): Promise<void> {
  await mkdir(app, { recursive: true });
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
  );
  for (const file of [
    'index.html',
    'app.ts',
    'types.ts',
    'client-only.ts',
    'react.tsx',
    'vue.ts',
    'tsconfig.json',
  ]) {
    await cp(join(fixture, file), join(app, file));
  }
  // The frameworks of notify-phone/react and notify-phone/vue (react and @lit/react are optional peer
  // dependencies: an app that uses the wrapper installs them), at the versions we develop against.
  const frameworks = FRAMEWORKS.map((name) => `${name}@${devDependencies[name]}`);
  const { stderr } = await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, ...frameworks],
    { cwd: app },
  );
  check(!/EBADENGINE/.test(stderr), 'npm install of the tarball: no engine warning');
}

/** tsc on the app's tsconfig: the declarations are found through the exports and every misuse is refused. */
async function typeCheck(app: string): Promise<void> {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  try {
    await run(process.execPath, [tsc, '-p', join(app, 'tsconfig.json')], { cwd: app });
  } catch (error) {
    throw new Error(`tsc on the consumer's TypeScript:\n${(error as { stdout?: string }).stdout ?? error}`, {
      cause: error,
    });
  }
  check(true, 'tsc: the usage type-checks against the declarations and each @ts-expect-error is refused');
}

/** The outputs of `metafile` whose inputs match `input`. */
const outputsWith = (metafile: Metafile, input: RegExp) =>
  Object.entries(metafile.outputs)
    .filter(([, output]) => Object.keys(output.inputs).some((path) => input.test(path)))
    .map(([path]) => path);

/** esbuild bundles the app's pages into `app/public`, as an app's build would. */
async function bundle(app: string): Promise<void> {
  const result = await build({
    absWorkingDir: app,
    entryPoints: ['app.ts', 'client-only.ts'],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    outdir: 'public',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  await mkdir(join(app, 'public'));
  for (const file of result.outputFiles) await writeFile(file.path, file.contents);
  await cp(join(app, 'index.html'), join(app, 'public/index.html'));
  const { inputs } = result.metafile;
  const ours = Object.keys(inputs).filter((path) => path.startsWith('node_modules/notify-phone/'));
  check(
    ours.length > 0 && ours.every((path) => path.startsWith('node_modules/notify-phone/dist/esm/')),
    `our code comes from the build for bundlers (${ours.length} modules of dist/esm)`,
  );
  const sdk = /^node_modules\/@twilio\/voice-sdk\//;
  const sdkOutputs = outputsWith(result.metafile, sdk);
  check(
    sdkOutputs.length === 1 && !sdkOutputs[0]!.endsWith('/app.js'),
    `the Twilio SDK from the app's node_modules, in one lazy chunk shared by the app and us (${sdkOutputs.join(', ')})`,
  );
  // By content too (a copy bundled into our files would not show as an input of its own): a file with
  // every SDK-only string holds the SDK's code; a facade chunk re-exporting PreflightTest does not.
  const withSdkCode = result.outputFiles.filter((file) =>
    SDK_ONLY_STRINGS.every((text) => file.text.includes(text)),
  );
  check(
    withSdkCode.length === 1,
    `the SDK's code is in one output file (${withSdkCode.map((file) => file.path).join(', ')})`,
  );
  const lit = /^node_modules\/(lit|lit-html|lit-element|@lit\/reactive-element)\//;
  check(
    outputsWith(result.metafile, lit).every((path) => !path.endsWith('/client-only.js')) &&
      Object.keys(result.metafile.outputs['public/client-only.js']!.inputs).every(
        (path) => !/\/element\//.test(path),
      ),
    'notify-phone/client brings neither Lit nor the element',
  );
}

async function heardCall(
  stack: Stack,
): Promise<{ digits: string; audioPacketsReceived?: number } | undefined> {
  const response = await stack.app.inject({
    method: 'GET',
    url: `/emulator/phones/${encodeURIComponent(PHONE)}`,
  });
  return (response.json() as { calls: Array<{ digits: string; audioPacketsReceived?: number }> }).calls.at(
    -1,
  );
}

/** The bundled page, from the stack's origin: online, a call to a virtual phone, digits, hang up. */
async function call(page: Page, stack: Stack): Promise<void> {
  const log = page.locator('#log');
  const logged = (text: string) => log.getByText(text).first().waitFor({ timeout: TIMEOUT });
  await page.goto(`${stack.origin}/consumer/index.html`);
  await logged('notify-online');
  await logged('app sdk: supported true');
  await page.locator('#call').click();
  await logged('notify-call-start');
  check(
    (await log.getByText('status open').count()) === 1,
    'the page placed a call: notify-call-start, status open',
  );
  // DTMF needs media flowing: wait until the phone hears the page's microphone.
  await until(
    'the phone hears the page',
    async () => ((await heardCall(stack))?.audioPacketsReceived ?? 0) > 0,
  );
  await page.locator('#dtmf').click();
  await until(`${PHONE} heard 123`, async () => (await heardCall(stack))?.digits === '123');
  check(true, `the virtual phone ${PHONE} heard the digits 123 the page sent`);
  await page.locator('#hangup').click();
  await logged('notify-call-disconnect');
  const errors = await log.getByText('notify-error').allTextContents();
  check(errors.length === 0, `no notify-error on the page ${errors.join('; ')}`);
}

const work = await mkdtemp(join(tmpdir(), 'notify-phone-consumer-'));
try {
  const tarball = await pack(work);
  const app = join(work, 'app');
  await install(app, tarball);
  await typeCheck(app);
  await bundle(app);
  const stack = await startStack({ staticDirs: [{ prefix: '/consumer/', root: join(app, 'public') }] });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['microphone'] });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
    try {
      await call(page, stack);
    } catch (error) {
      const log = await page.locator('#log').textContent();
      throw new Error(
        `${(error as Error).message.split('\n')[0]}\n  page errors: ${problems.join('; ')}\n  log: ${log}`,
        { cause: error },
      );
    }
    check(problems.length === 0, `no page error or CSP violation ${problems.join('; ')}`);
  } finally {
    await browser.close();
    await stack.close();
  }
  console.log(`package: a consumer installed, type-checked, bundled and called from ${DEMO_NUMBER}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
