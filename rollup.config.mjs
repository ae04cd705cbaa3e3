// @ts-check
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minifyCssTemplates } from './scripts/rollup-minify-css.mjs';
import { minifyHtmlTemplates } from './scripts/rollup-minify-html.mjs';

/** The id the bundles import the SDK chunk by; `output.paths` turns it into the file next to them. */
const SDK_ID = 'notify-phone:twilio-voice-sdk';
const SDK_FILE = './twilio-voice-sdk.js';

/** The SIP driver with JsSIP (issue 15): one file of its own, `dist/sip-driver.js`, in both bundles' place. */
const SIP_ID = 'notify-phone:sip-driver';
const SIP_FILE = './sip-driver.js';

/** Keeps `import('./sdk.js')` of load-sdk.ts (and the factory's `import('./sip/sip-driver.js')`) out of the bundles. */
const externalSdk = () => ({
  name: 'external-twilio-sdk',
  /** @param {string} source @param {string | undefined} importer */
  resolveId(source, importer) {
    if (importer && /[\\/]drivers[\\/]twilio[\\/]load-sdk\.ts$/.test(importer) && source === './sdk.js') {
      return { id: SDK_ID, external: true };
    }
    if (importer && /[\\/]drivers[\\/]factory\.ts$/.test(importer) && source === './sip/sip-driver.js') {
      return { id: SIP_ID, external: true };
    }
    return null;
  },
});

/**
 * The SNC.Notify global's later units (issue 13): the IIFE keeps the client's facade, and what init() and
 * watchAvailableClients() import (registration, session, driver, calls, presence stream) is one ES file next
 * to it, `dist/snc-notify.online.js`, imported from the script's own URL as the SDK is.
 */
const SNC_ONLINE_ID = 'notify-phone:snc-online';
const SNC_ONLINE_FILE = './snc-notify.online.js';

/**
 * In the IIFE: the client's imports of its later units (client-core.ts, client-extras.ts) become the online
 * file, and so does explainError()'s of the errors' long texts (errors.ts), which are rare before init().
 */
const sncOnlineExternal = () => ({
  name: 'snc-online-external',
  /** @param {string} source @param {string | undefined} importer */
  resolveId(source, importer) {
    if (
      importer &&
      ((/[\\/]client[\\/]client-(core|extras)\.ts$/.test(importer) &&
        /^\.\/(client-start|available-clients)\.js$/.test(source)) ||
        (/[\\/]client[\\/]errors\.ts$/.test(importer) && source === './error-docs.js'))
    )
      return { id: SNC_ONLINE_ID, external: true };
    return null;
  },
});

/**
 * The client modules the IIFE and its online file share (src/legacy/snc-shared.ts publishes the same list on
 * the global): in the online file each is a module of the script's instance's exports, not a copy.
 */
const SNC_SHARED = ['constants', 'emitter', 'errors', 'find-parent', 'state', 'targets'];
const SHARED_PREFIX = '\0snc-shared:';

const sncShared = () => {
  const publisher = readFileSync(new URL('./src/legacy/snc-shared.ts', import.meta.url), 'utf8');
  for (const name of SNC_SHARED)
    if (!publisher.includes(`'../client/${name}.js'`))
      throw new Error(`rollup.config.mjs: src/legacy/snc-shared.ts does not publish ${name}.`);
  return {
    name: 'snc-shared',
    /** @param {string} source @param {string | undefined} importer @param {any} options */
    async resolveId(source, importer, options) {
      if (source === SHARED_PREFIX) return source;
      if (!importer || source.startsWith('\0')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const match = resolved && /[\\/]src[\\/]client[\\/]([\w-]+)\.ts$/.exec(resolved.id);
      return match && SNC_SHARED.includes(match[1]) ? `${SHARED_PREFIX}${match[1]}` : null;
    },
    /** @param {string} id */
    async load(id) {
      if (id === SHARED_PREFIX)
        return [
          `export const shared = globalThis[Symbol.for('notify-phone/snc-shared')];`,
          `if (!shared) throw new Error('snc-notify.online.js is loaded by snc-notify.js only.');`,
        ].join('\n');
      if (!id.startsWith(SHARED_PREFIX)) return null;
      const name = id.slice(SHARED_PREFIX.length);
      const { exports } = await this.load({
        id: fileURLToPath(new URL(`./src/client/${name}.ts`, import.meta.url)),
      });
      if (!exports?.length) throw new Error(`snc-shared: no exports found in src/client/${name}.ts`);
      const names = exports.filter((exported) => exported !== 'default');
      // Pure reads, so that the exports no module of the online file imports are dropped.
      return [
        `import { shared } from ${JSON.stringify(SHARED_PREFIX)};`,
        `const m = shared[${JSON.stringify(name)}];`,
        ...names.map((exported) => `export const ${exported} = /* @__PURE__ */ (() => m.${exported})();`),
      ].join('\n');
    },
  };
};

/**
 * The SNC.Notify global leaves out the agent's desk extensions (device choice, quality events, the pre-call
 * test, call history) and the tabs' shared registration (`shareTabs`): those modules resolve to
 * src/legacy/without-desk.ts in that build (docs/decisions.md §19), audio-devices.ts and agent.ts to
 * src/legacy/without-audio-devices.ts and without-share-tabs.ts; the news of a warm transfer (§26) to
 * src/legacy/without-transfer-news.ts.
 */
const withoutDesk = () => ({
  name: 'without-desk',
  /** @param {string} source @param {string | undefined} importer */
  resolveId(source, importer) {
    if (importer && /^\.\/(transfer-watch|twilio-messages)\.js$/.test(source))
      return fileURLToPath(new URL('./src/legacy/without-transfer-news.ts', import.meta.url));
    // Imported dynamically (all of a module's exports come along): stand-ins of their own.
    if (importer && source === './audio-devices.js')
      return fileURLToPath(new URL('./src/legacy/without-audio-devices.ts', import.meta.url));
    if (importer && source === './agent.js')
      return fileURLToPath(new URL('./src/legacy/without-share-tabs.ts', import.meta.url));
    if (
      !importer ||
      !/^\.\/(desk|call-history|transfer-notes|twilio-audio|twilio-quality|twilio-preflight)\.js$/.test(
        source,
      )
    )
      return null;
    return fileURLToPath(new URL('./src/legacy/without-desk.ts', import.meta.url));
  },
});

/**
 * The classic script cannot load chunks of its own, so in its two files the HTTP backend's requests are
 * not behind HttpNotifyBackend's first request (src/client/backend.ts): `./backend.js` resolves to the
 * implementation itself, src/client/http-backend.ts, which exports the same class name.
 */
const eagerBackend = () => ({
  name: 'eager-backend',
  /** @param {string} source @param {string | undefined} importer */
  resolveId(source, importer) {
    if (source !== './backend.js' || !importer || !/[\\/]src[\\/]client[\\/][\w-]+\.ts$/.test(importer))
      return null;
    if (/[\\/]http-backend\.ts$/.test(importer)) return null;
    return fileURLToPath(new URL('./src/client/http-backend.ts', import.meta.url));
  },
});

/**
 * JsSIP reads its own package.json (`require('../package.json')`, for its name and version): only that file
 * is turned into a module of its two fields. Written here rather than adding @rollup/plugin-json for one
 * file whose other fields (scripts, devDependencies) must not be bundled anyway.
 */
const jssipPackageJson = () => ({
  name: 'jssip-package-json',
  /** @param {string} code @param {string} id */
  transform(code, id) {
    if (!/[\\/]jssip[\\/]package\.json$/.test(id)) return null;
    const { title, version } = JSON.parse(code);
    return { code: `export default ${JSON.stringify({ title, version })};`, map: null };
  },
});

const ts = (outDir = 'dist') =>
  typescript({
    tsconfig: './tsconfig.json',
    declaration: false,
    declarationDir: undefined,
    sourceMap: true,
    // The maps carry our sources: the package has no src/ for them to point at.
    inlineSources: true,
    outDir,
    include: ['src/**/*.ts'],
  });

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The packages our sources import at run time: external in the build for bundlers (the app resolves them).
 * The peer dependencies (react, @lit/react) are imported by notify-phone/react only.
 */
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const dependencies = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];
/** @param {string} id */
const isDependency = (id) => dependencies.some((name) => id === name || id.startsWith(`${name}/`));

const common = () => [
  replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
  nodeResolve({ browser: true, preferBuiltins: false, exportConditions: ['browser', 'import', 'default'] }),
  commonjs(),
  ts(),
  // After ts(): the TypeScript plugin compiles from the files on disk, not from earlier transforms.
  minifyCssTemplates(),
  minifyHtmlTemplates(),
];

/** passes: 3 lets terser inline and drop what the earlier passes exposed (bench: 2 about -30 B gz, 3 another -28 B; no behaviour change). */
const min = () =>
  terser({
    // Only the compile hint of the element's entry (its output's banner) survives.
    format: { comments: /^# allFunctionsCalledOnLoad$/ },
    ecma: 2020,
    module: true,
    compress: { passes: 3 },
  });

/** @type {import('rollup').RollupOptions[]} */
export default [
  {
    // The build for bundlers (package exports `.` and `./client`): one file per module, unminified (the
    // app minifies), and lit, @twilio/voice-sdk and eventsource-parser left as imports, so the app's
    // bundler resolves them from node_modules once for the app and us. `import('./sdk.js')` of
    // load-sdk.ts stays a dynamic import of a module re-exporting '@twilio/voice-sdk': the app splits
    // the SDK into its own lazy chunk. See docs/decisions.md, "Two builds".
    input: {
      index: 'src/index.ts',
      'client/index': 'src/client/index.ts',
      'react/index': 'src/react/index.ts',
      'vue/index': 'src/vue/index.ts',
    },
    external: isDependency,
    plugins: [ts('dist/esm'), minifyCssTemplates()],
    output: {
      dir: 'dist/esm',
      format: 'es',
      preserveModules: true,
      preserveModulesRoot: 'src',
      sourcemap: true,
      // The TypeScript plugin's paths are one level off with preserveModules; point them at src/ again.
      sourcemapPathTransform: (source, map) => {
        const file = resolve(dirname(map), source);
        const at = file.lastIndexOf(`${sep}src${sep}`);
        return at < 0 ? source : relative(dirname(map), resolve(root, file.slice(at + 1)));
      },
    },
  },
  {
    // The CDN files: the element (its first load) and the client's API, which the element imports when it
    // first needs a client (decision 30).
    input: { 'notify-phone': 'src/cdn.ts', 'notify-client': 'src/client/index.ts' },
    // The chunks import what they share with the entry from it (no extra shared chunk or facade).
    preserveEntrySignatures: 'allow-extension',
    plugins: [externalSdk(), ...common()],
    output: {
      // Code used only later (the vendor driver, the presence stream) is split into chunks next to the
      // entry, imported on first use relative to it.
      dir: 'dist',
      entryFileNames: '[name].js',
      chunkFileNames: 'notify-phone.[name].js',
      // What both files use (the constants) stays in the element's file, which the client's then imports,
      // rather than a third file the element's first load would wait for.
      manualChunks: { 'notify-phone': ['src/cdn.ts', 'src/client/constants.ts'] },
      // V8's explicit compile hint (v8.dev/blog/explicit-compile-hints): the entry's functions are compiled
      // as the script streams in, off the main thread, instead of lazily on their first call. Lazy
      // compilation was most of the element's first render in a fresh page (decision 29).
      banner: (chunk) => (chunk.name === 'notify-phone' ? '//# allFunctionsCalledOnLoad' : ''),
      format: 'es',
      sourcemap: true,
      paths: { [SDK_ID]: SDK_FILE, [SIP_ID]: SIP_FILE },
      plugins: [min()],
    },
  },
  {
    input: 'src/legacy/snc-notify.ts',
    plugins: [sncOnlineExternal(), externalSdk(), withoutDesk(), eagerBackend(), ...common()],
    output: {
      file: 'dist/snc-notify.js',
      format: 'iife',
      // A classic script cannot load chunks of its own: its later units are one file (below), the small
      // lazily imported modules left are inlined.
      inlineDynamicImports: true,
      sourcemap: true,
      paths: { [SDK_ID]: SDK_FILE, [SIP_ID]: SIP_FILE, [SNC_ONLINE_ID]: SNC_ONLINE_FILE },
      plugins: [terser({ format: { comments: false }, ecma: 2020, compress: { passes: 2 } })],
    },
  },
  {
    input: 'src/legacy/snc-online.ts',
    plugins: [sncShared(), externalSdk(), withoutDesk(), eagerBackend(), ...common()],
    output: {
      file: 'dist/snc-notify.online.js',
      format: 'es',
      inlineDynamicImports: true,
      sourcemap: true,
      paths: { [SDK_ID]: SDK_FILE, [SIP_ID]: SIP_FILE },
      plugins: [min()],
    },
  },
  {
    input: 'src/drivers/twilio/sdk.ts',
    plugins: common(),
    output: { file: 'dist/twilio-voice-sdk.js', format: 'es', sourcemap: true, plugins: [min()] },
  },
  {
    input: 'src/drivers/sip/sip-driver.ts',
    plugins: [jssipPackageJson(), ...common()],
    output: { file: 'dist/sip-driver.js', format: 'es', sourcemap: true, plugins: [min()] },
  },
];
