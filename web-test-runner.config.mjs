// @ts-check
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { stackPlugin } from './test/browser/e2e/stack-plugin.ts';
import { pagePlugin } from './test/browser/e2e/page-plugin.ts';
import { tabPlugin } from './test/browser/e2e/tab-plugin.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.ts';

/**
 * The test pages' origin; the stack's backend allows it through CORS. `WTR_PORT` lets two runs share a
 * machine (e.g. two work trees).
 */
const port = Number(process.env.WTR_PORT ?? 8000);

/** The Debian system Chromium; the runner must never download a browser. */
export const browsers = [
  chromeLauncher({
    launchOptions: { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS },
  }),
];

/** Dev-server plugins shared by every group; append e.g. a server-starting plugin for e2e. */
export const plugins = [
  esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
  // The e2e group's real backend and Twilio emulator (needs the runner started under tsx: npm run test:browser).
  stackPlugin(`http://localhost:${port}`),
  // What only the browser can do to a test page: grant notifications, hide it behind another tab.
  pagePlugin(),
  // More tabs of the test page's browser context: an agent's other tabs (shareTabs).
  tabPlugin(),
];

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  nodeResolve: true,
  port,
  browsers,
  plugins,
  concurrency: 1,
  // End-to-end files place real calls; the default 2 minutes per run is too short for them.
  testsFinishTimeout: 600000,
  // The client logs every state transition at debug level; keep test output readable.
  filterBrowserLogs: ({ type }) => type !== 'debug',
  testFramework: { config: { timeout: 5000 } },
  // WTR_FILES (a glob) runs just those files, e.g. one end-to-end file while working on it.
  groups: process.env.WTR_FILES
    ? [{ name: 'only', files: process.env.WTR_FILES }]
    : [
        { name: 'unit', files: 'test/browser/unit/**/*.test.ts' },
        { name: 'e2e', files: 'test/browser/e2e/**/*.test.ts' },
      ],
};
