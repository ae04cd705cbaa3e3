import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the tests use; CI starts one at this address (trust auth). */
export const PG_URL = process.env.NOTIFY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema name, so that concurrent test runs on one database never see each other's rows. */
export function testSchema(): string {
  return `notify_test_${randomBytes(6).toString('hex')}`;
}

/** The connection URL with the `schema` parameter the stores read. */
export function pgUrl(schema: string): string {
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);
  return url.toString();
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

let reachable: Promise<boolean> | undefined;

/**
 * Whether PostgreSQL answers (asked once per process).
 */
export function pgReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/**
 * `skip` option for node:test. PostgreSQL is required: a missing database fails the suite with how to start
 * it, never passes it quietly. Only an explicit `NOTIFY_SKIP_PG=1` skips these suites, and node:test then counts
 * them as skipped.
 */
export async function skipWithoutPg(): Promise<string | false> {
  if (await pgReachable()) return false;
  if (process.env.NOTIFY_SKIP_PG === '1') return `PostgreSQL not reachable at ${PG_URL} (NOTIFY_SKIP_PG=1)`;
  throw new Error(
    `PostgreSQL is not reachable at ${PG_URL}. Start it with \`bash scripts/ensure-services.sh\` ` +
      '(or point NOTIFY_TEST_PG_URL at one); NOTIFY_SKIP_PG=1 skips the PostgreSQL suites instead.',
  );
}
