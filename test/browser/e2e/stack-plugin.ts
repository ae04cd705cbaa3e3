import type { TestRunnerPlugin } from '@web/test-runner';
import { startStack, DEMO_NUMBER, FOREIGN_NUMBER, type Stack } from '../../../scripts/stack.js';

/**
 * A web-test-runner plugin that starts the real stack (backend + Twilio emulator over HTTPS) for the
 * end-to-end group and hands its addresses to the test pages as the module `/__stack.js`.
 * A second stack mints short-lived tokens, for the expiry tests.
 */
export function stackPlugin(testPageOrigin: string): TestRunnerPlugin {
  let starting: Promise<{ main: Stack; shortTokens: Stack }> | undefined;
  // Started on the first request for /__stack.js, so that test groups that do not use it pay nothing.
  const start = async () => {
    const corsOrigins = [testPageOrigin];
    return {
      main: await startStack({ corsOrigins }),
      shortTokens: await startStack({ corsOrigins, tokenTtlSeconds: 5 }),
    };
  };
  return {
    name: 'notify-stack',
    async serverStop() {
      const stacks = await starting;
      await Promise.all([stacks?.main.close(), stacks?.shortTokens.close()]);
    },
    async serve(context) {
      if (context.path !== '/__stack.js') return undefined;
      const stacks = await (starting ??= start());
      const describe = (s: Stack) => ({ origin: s.origin, backendUrl: s.backendUrl });
      const body = {
        ...describe(stacks.main),
        shortTokens: describe(stacks.shortTokens),
        demoNumber: DEMO_NUMBER,
        foreignNumber: FOREIGN_NUMBER,
      };
      return { body: `export const stack = ${JSON.stringify(body)};`, type: 'js' };
    },
  };
}
