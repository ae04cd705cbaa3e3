// @ts-check
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

/** The id the bundles import the SDK chunk by; `output.paths` turns it into the file next to them. */
const SDK_ID = 'notify-phone:twilio-voice-sdk';
const SDK_FILE = './twilio-voice-sdk.js';

/** Keeps `import('./sdk.js')` of load-sdk.ts out of the bundles: the SDK is its own chunk. */
const externalSdk = () => ({
  name: 'external-twilio-sdk',
  /** @param {string} source @param {string | undefined} importer */
  resolveId(source, importer) {
    if (importer && /[\\/]drivers[\\/]twilio[\\/]load-sdk\.ts$/.test(importer) && source === './sdk.js') {
      return { id: SDK_ID, external: true };
    }
    return null;
  },
});

const ts = () =>
  typescript({
    tsconfig: './tsconfig.json',
    declaration: false,
    declarationDir: undefined,
    sourceMap: true,
    outDir: 'dist',
    include: ['src/**/*.ts'],
  });

const common = () => [
  replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
  nodeResolve({ browser: true, preferBuiltins: false, exportConditions: ['browser', 'import', 'default'] }),
  commonjs(),
  ts(),
];

const min = () => terser({ format: { comments: false }, ecma: 2020, module: true });

/** @type {import('rollup').RollupOptions[]} */
export default [
  {
    input: 'src/index.ts',
    plugins: [externalSdk(), ...common()],
    output: {
      file: 'dist/notify-phone.js',
      format: 'es',
      sourcemap: true,
      paths: { [SDK_ID]: SDK_FILE },
      plugins: [min()],
    },
  },
  {
    input: 'src/legacy/snc-notify.ts',
    plugins: [externalSdk(), ...common()],
    output: {
      file: 'dist/snc-notify.js',
      format: 'iife',
      sourcemap: true,
      paths: { [SDK_ID]: SDK_FILE },
      plugins: [terser({ format: { comments: false }, ecma: 2020 })],
    },
  },
  {
    input: 'src/drivers/twilio/sdk.ts',
    plugins: common(),
    output: { file: 'dist/twilio-voice-sdk.js', format: 'es', sourcemap: true, plugins: [min()] },
  },
];
