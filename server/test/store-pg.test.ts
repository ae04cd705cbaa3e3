import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { PG_SCHEMA_VERSION, PostgresStore } from '../store/postgres.js';
import { describeStoreContract } from './store-contract.js';
import { dropSchema, PG_URL, pgUrl, skipWithoutPg, testSchema } from './pg.js';

const skip = await skipWithoutPg();

describeStoreContract(
  'postgres',
  () => PostgresStore.open({ connectionString: pgUrl(testSchema()), dropSchemaOnClose: true }),
  { skip },
);

describe('PostgresStore migrations', { skip }, () => {
  it('migrates once, records the version, and two instances starting together agree', async () => {
    const schema = testSchema();
    try {
      const [a, b] = await Promise.all([
        PostgresStore.open({ connectionString: PG_URL, schema }),
        PostgresStore.open({ connectionString: PG_URL, schema }),
      ]);
      const alice = await a.findOrCreateUser('alice');
      assert.deepEqual(await b.getUser(alice.sys_id), alice);
      await Promise.all([a.close(), b.close()]);

      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        const { rows } = await client.query(
          `SELECT version FROM ${schema}.notify_schema_migrations ORDER BY 1`,
        );
        assert.deepEqual(
          rows.map((r: { version: number }) => r.version),
          Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1),
        );
      } finally {
        await client.end();
      }
    } finally {
      await dropSchema(schema);
    }
  });

  it('refuses a database from a newer schema', async () => {
    const schema = testSchema();
    try {
      const store = await PostgresStore.open({ connectionString: PG_URL, schema });
      await store.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`INSERT INTO ${schema}.notify_schema_migrations (version) VALUES ($1)`, [
        PG_SCHEMA_VERSION + 1,
      ]);
      await client.end();
      await assert.rejects(
        PostgresStore.open({ connectionString: PG_URL, schema }),
        /newer than this server/,
      );
    } finally {
      await dropSchema(schema);
    }
  });

  it('serialises concurrent status callbacks of one call', async () => {
    const schema = testSchema();
    const store = await PostgresStore.open({ connectionString: PG_URL, schema, dropSchemaOnClose: true });
    try {
      const base = { direction: 'outbound', from: '+15005550006', to: '+15551234567' } as const;
      const results = await Promise.all(
        (['initiated', 'ringing', 'in-progress', 'completed', 'completed'] as const).map((status) =>
          store.upsertCall({ ...base, call_sid: 'CA2', parent_call_sid: 'CA1', status }),
        ),
      );
      assert.ok(results.some((r) => r.changed));
      const parent = await store.upsertCall({ ...base, call_sid: 'CA1', status: 'in-progress' });
      const calls = await store.listCalls();
      assert.equal(calls.length, 2);
      assert.equal((await store.getCall('CA2'))?.status, 'completed');
      assert.equal((await store.getCall('CA2'))?.parent_sys_id, parent.call.sys_id);
    } finally {
      await store.close();
    }
  });
});
