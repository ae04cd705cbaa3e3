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
 * Whether PostgreSQL answers. Without it the PostgreSQL tests are skipped, except under CI (`CI` set), where
 * they must run: there a missing database fails the suite rather than passing it quietly.
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

/** `skip` option for node:test: a reason when PostgreSQL is missing and that is allowed, else false. */
export async function skipWithoutPg(): Promise<string | false> {
  if (await pgReachable()) return false;
  if (process.env.CI) throw new Error(`PostgreSQL is required under CI and not reachable at ${PG_URL}.`);
  return `PostgreSQL not reachable at ${PG_URL}`;
}
