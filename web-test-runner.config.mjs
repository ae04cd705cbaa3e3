// @ts-check
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

/** Chromium flags for headless media tests (fake microphone, loopback ICE, no first-run noise). */
export const chromiumArgs = [
  '--no-sandbox',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
  '--ignore-certificate-errors',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Debian system Chromium; the runner must never download a browser. */
export const browsers = [
  chromeLauncher({
    launchOptions: { executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs },
  }),
];

/** Dev-server plugins shared by every group; append e.g. a server-starting plugin for e2e. */
export const plugins = [
  esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
];

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  nodeResolve: true,
  browsers,
  plugins,
  concurrency: 1,
  // The client logs every state transition at debug level; keep test output readable.
  filterBrowserLogs: ({ type }) => type !== 'debug',
  testFramework: { config: { timeout: 5000 } },
  groups: [{ name: 'unit', files: 'test/browser/unit/**/*.test.ts' }],
};
