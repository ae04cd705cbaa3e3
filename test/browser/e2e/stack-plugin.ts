import type { TestRunnerPlugin } from '@web/test-runner';
import pg from 'pg';
import { startStack, DEMO_NUMBER, FOREIGN_NUMBER, type Stack } from '../../../scripts/stack.js';
import { startSipWebStack, sipCommand, type SipWebStack } from './sip-stack-plugin.js';
import { startRestartableStack, type RestartableStack } from './restart-stack.js';
import { PHONE_TONE_HZ } from '../../../emulator/media/g711.js';
import { FAKE_MICROPHONE_HZ } from '../../../scripts/fake-microphone.js';
import { dropSchema, PG_URL, pgUrl, skipWithoutPg, testSchema } from '../../../server/test/pg.js';

/** Two backend instances on one fresh PostgreSQL schema, or why they are skipped. */
type TwoInstances = { stack: Stack; schema: string } | { skip: string };

/** Payload of the `two-instances-rows` command: which rows of the two-instance database to read. */
export interface RowsQuery {
  callSids?: string[];
  sessionSysIds?: string[];
}

/** The rows read straight from PostgreSQL, for a test to compare with what each instance answered. */
async function readRows(schema: string, { callSids = [], sessionSysIds = [] }: RowsQuery) {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    // The schema name is our own (testSchema(): notify_test_<hex>), never the page's.
    const calls = await client.query(
      `SELECT sys_id, call_sid, parent_call_sid, parent_sys_id, session, direction, "from", "to", status,
              duration
         FROM ${schema}.notify_call WHERE call_sid = ANY($1::text[]) ORDER BY seq`,
      [callSids],
    );
    const sessions = await client.query(
      `SELECT sys_id, "user", number, available FROM ${schema}.notify_client_session
         WHERE sys_id = ANY($1::text[]) ORDER BY seq`,
      [sessionSysIds],
    );
    return { calls: calls.rows as unknown[], sessions: sessions.rows as unknown[] };
  } finally {
    await client.end();
  }
}

/**
 * `promise`, and on failure `forget()`: the next file that asks starts that stack again, so one failed start
 * (a port taken by another process meanwhile, say) fails only the files that were waiting for it.
 */
function forgettingFailure<T>(promise: Promise<T>, forget: () => void): Promise<T> {
  return promise.catch((error: unknown) => {
    forget();
    throw error;
  });
}

/**
 * A web-test-runner plugin that starts the real stack (backend + Twilio emulator over HTTPS) for the
 * end-to-end group and hands its addresses to the test pages as the module `/__stack.js`.
 * A second stack mints short-lived tokens, for the expiry tests. A third, `twoInstances`, mounts two
 * backend instances (/api, /api-2) on one PostgreSQL schema created for the run and dropped at the end;
 * it starts only for a page that imports `/__stack.js?twoInstances` (and is `{skip}` without PostgreSQL,
 * except under CI, where that fails). `shortSessions` (a 3 s session TTL) starts for `/__stack.js?shortSessions`.
 * `sip` (issue 15) starts the SIP stack and a web stack serving a SIP number through it, for
 * `/__stack.js?sip` only (sip-stack-plugin.ts), so the other files never pay for it. `restartable`
 * (restart-stack.ts: the backend on its own server, restarted by the `restart-backend` command while the
 * emulator runs on, 9 s session TTL) starts for `/__stack.js?restartable`.
 */
export function stackPlugin(testPageOrigin: string): TestRunnerPlugin {
  const corsOrigins = [testPageOrigin];
  let starting: Promise<{ main: Stack; shortTokens: Stack }> | undefined;
  let startingTwo: Promise<TwoInstances> | undefined;
  // Sessions expire 3 s after their last heartbeat (clients beat every second): vanished-client tests.
  let startingShortSessions: Promise<Stack> | undefined;
  // A web stack whose backend serves a SIP number through a real SIP stack (Kamailio, rtpengine, baresip).
  let startingSip: Promise<SipWebStack> | undefined;
  let startingRestartable: Promise<RestartableStack> | undefined;
  // Started on the first request for /__stack.js, so that test groups that do not use it pay nothing.
  const start = async () => {
    const main = await startStack({ corsOrigins });
    try {
      return { main, shortTokens: await startStack({ corsOrigins, tokenTtlSeconds: 5 }) };
    } catch (error) {
      await main.close(); // a failed start leaves nothing running (the next file starts both again)
      throw error;
    }
  };
  const startTwo = async (): Promise<TwoInstances> => {
    const skip = await skipWithoutPg();
    if (skip) return { skip };
    const schema = testSchema();
    try {
      return { stack: await startStack({ corsOrigins, database: pgUrl(schema), instances: 2 }), schema };
    } catch (error) {
      await dropSchema(schema).catch(() => undefined);
      throw error;
    }
  };
  return {
    name: 'notify-stack',
    async executeCommand({ command, payload }) {
      if (command.startsWith('sip-')) return sipCommand(await startingSip, command, payload);
      if (command === 'restart-backend') {
        const restartable = await startingRestartable;
        if (!restartable) throw new Error('restart-backend: the restartable stack is not running');
        await restartable.restartBackend((payload as { failedRequests: number }).failedRequests);
        return true;
      }
      if (command !== 'two-instances-rows') return undefined;
      const two = await startingTwo;
      if (!two || !('stack' in two))
        throw new Error('two-instances-rows: the two-instance stack is not running');
      return readRows(two.schema, (payload ?? {}) as RowsQuery);
    },
    async serverStop() {
      const [stacks, two] = await Promise.all([
        starting?.catch(() => undefined),
        startingTwo?.catch(() => undefined),
      ]);
      const shortSessions = await startingShortSessions?.catch(() => undefined);
      await (await startingSip?.catch(() => undefined))?.close();
      await (await startingRestartable?.catch(() => undefined))?.close();
      await Promise.all([stacks?.main.close(), stacks?.shortTokens.close(), shortSessions?.close()]);
      if (two && 'stack' in two) {
        await two.stack.close();
        await dropSchema(two.schema);
      }
    },
    async serve(context) {
      if (context.path !== '/__stack.js') return undefined;
      const stacks = await (starting ??= forgettingFailure(start(), () => (starting = undefined)));
      const describe = (s: Stack) => ({ origin: s.origin, backendUrl: s.backendUrl });
      let twoInstances: object | undefined;
      if (context.URL.searchParams.has('twoInstances')) {
        const two = await (startingTwo ??= forgettingFailure(startTwo(), () => (startingTwo = undefined)));
        twoInstances =
          'skip' in two ? { skip: two.skip } : { ...describe(two.stack), backendUrls: two.stack.backendUrls };
      }
      let shortSessions: object | undefined;
      if (context.URL.searchParams.has('shortSessions')) {
        shortSessions = describe(
          await (startingShortSessions ??= forgettingFailure(
            startStack({ corsOrigins, sessionTtlSeconds: 3 }),
            () => (startingShortSessions = undefined),
          )),
        );
      }
      let sip: object | undefined;
      if (context.URL.searchParams.has('sip')) {
        sip = (
          await (startingSip ??= forgettingFailure(
            startSipWebStack(corsOrigins),
            () => (startingSip = undefined),
          ))
        ).describe();
      }
      const restartable = context.URL.searchParams.has('restartable')
        ? (
            await (startingRestartable ??= forgettingFailure(
              startRestartableStack(corsOrigins, 9),
              () => (startingRestartable = undefined),
            ))
          ).describe()
        : undefined;
      const body = {
        ...(sip && { sip }),
        ...(restartable && { restartable }),
        ...describe(stacks.main),
        ...(shortSessions && { shortSessions }),
        shortTokens: describe(stacks.shortTokens),
        ...(twoInstances && { twoInstances }),
        demoNumber: DEMO_NUMBER,
        foreignNumber: FOREIGN_NUMBER,
        pageToneHz: FAKE_MICROPHONE_HZ,
        phoneToneHz: PHONE_TONE_HZ,
      };
      return { body: `export const stack = ${JSON.stringify(body)};`, type: 'js' };
    },
  };
}
