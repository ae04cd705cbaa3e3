import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { newSysId, sessionIdentity } from '../ids.js';
import { PG_SCHEMA_VERSION, PostgresStore } from '../store/postgres.js';
import { describeStoreContract } from './store-contract.js';
import { describeIdentityContract } from './store-identity-contract.js';
import { dropSchema, PG_URL, pgUrl, skipWithoutPg, testSchema } from './pg.js';

const skip = await skipWithoutPg();

describeStoreContract(
  'postgres',
  () => PostgresStore.open({ connectionString: pgUrl(testSchema()), dropSchemaOnClose: true }),
  { skip },
);
describeIdentityContract(
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

  it('migrates a version 3 schema: existing calls get a null duration, later ones record it', async () => {
    const schema = testSchema();
    try {
      const base = { direction: 'outbound', from: '+15005550006', to: '+15551234567' } as const;
      const current = await PostgresStore.open({ connectionString: PG_URL, schema });
      await current.upsertCall({ ...base, call_sid: 'CA1', status: 'in-progress' });
      await current.close();
      // Back to version 3 as it shipped: notify_call without duration.
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        // Later migrations (5: host identities and sign-out; 6: ring_key and its index; 7: conferences and
        // call waiting; 8: the call's user, its index dropped with the column) are undone too.
        await client.query(`DROP TABLE ${schema}.notify_call_waiting;
          ALTER TABLE ${schema}.notify_call DROP COLUMN conference;
          DROP TABLE ${schema}.notify_host_identity;
          ALTER TABLE ${schema}.sys_user DROP COLUMN signed_out_at, DROP COLUMN token_generation;
          ALTER TABLE ${schema}.notify_client_session DROP COLUMN ring_key;
          ALTER TABLE ${schema}.notify_call DROP COLUMN duration, DROP COLUMN "user"`);
        await client.query(`DELETE FROM ${schema}.notify_schema_migrations WHERE version > 3`);
      } finally {
        await client.end();
      }

      const store = await PostgresStore.open({ connectionString: PG_URL, schema });
      try {
        assert.equal((await store.getCall('CA1'))?.duration, null);
        const done = await store.upsertCall({ ...base, call_sid: 'CA1', status: 'completed', duration: 7 });
        assert.equal(done.call.duration, 7);
        assert.deepEqual(await store.getCall('CA1'), done.call);
      } finally {
        await store.close();
      }
      const check = new pg.Client({ connectionString: PG_URL });
      await check.connect();
      try {
        const { rows } = await check.query(
          `SELECT data_type, is_nullable FROM information_schema.columns
           WHERE table_schema = $1 AND table_name = 'notify_call' AND column_name = 'duration'`,
          [schema],
        );
        assert.deepEqual(rows, [{ data_type: 'integer', is_nullable: 'YES' }]);
        const versions = await check.query(
          `SELECT max(version) AS v FROM ${schema}.notify_schema_migrations`,
        );
        assert.equal(versions.rows[0].v, PG_SCHEMA_VERSION);
      } finally {
        await check.end();
      }
    } finally {
      await dropSchema(schema);
    }
  });

  it('migrates a version 7 schema: legs of live sessions get their user, legs of gone ones none', async () => {
    const schema = testSchema();
    try {
      const current = await PostgresStore.open({ connectionString: PG_URL, schema });
      const alice = await current.findOrCreateUser('alice');
      const sysId = newSysId();
      await current.createSession({
        sys_id: sysId,
        user: alice.sys_id,
        name: 'alice',
        number: '+15005550006',
        vendor: 'TWILIO_DIRECT',
        identity: sessionIdentity(sysId),
        available: true,
      });
      const base = { direction: 'outbound', from: '+15005550006', to: '+15551234567' } as const;
      await current.upsertCall({ ...base, call_sid: 'CA1', session: sysId, status: 'completed' });
      await current.upsertCall({ ...base, call_sid: 'CA2', session: newSysId(), status: 'completed' });
      await current.close();
      // Back to version 7 as it shipped: notify_call without its user (the index goes with the column).
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`ALTER TABLE ${schema}.notify_call DROP COLUMN "user"`);
        await client.query(`DELETE FROM ${schema}.notify_schema_migrations WHERE version > 7`);
      } finally {
        await client.end();
      }
      const store = await PostgresStore.open({ connectionString: PG_URL, schema });
      try {
        assert.equal((await store.getCall('CA1'))?.user, alice.sys_id);
        assert.equal((await store.getCall('CA2'))?.user, null);
        assert.deepEqual(
          (await store.listCallHistory(alice.sys_id)).map((r) => r.leg.call_sid),
          ['CA1'],
        );
      } finally {
        await store.close();
      }
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

describe('PostgresStore session sweep', { skip }, () => {
  it('is safe on several instances at once: each expired row is removed and published exactly once', async () => {
    const schema = testSchema();
    const [a, b] = await Promise.all([
      PostgresStore.open({ connectionString: PG_URL, schema }),
      PostgresStore.open({ connectionString: PG_URL, schema }),
    ]);
    try {
      const events: string[] = [];
      const unsubscribe = await a.onPresence((event) => {
        if (event.type === 'session.removed') events.push(event.session.sys_id);
      });
      const created: string[] = [];
      for (let i = 0; i < 6; i++) {
        const user = await a.findOrCreateUser(`user${i}`);
        await a.setUserGroups(user.sys_id, ['support']);
        for (let j = 0; j < 5; j++) {
          const sysId = newSysId();
          await (j % 2 ? a : b).createSession({
            sys_id: sysId,
            user: user.sys_id,
            name: `user${i}`,
            number: '+15005550006',
            vendor: 'TWILIO_DIRECT',
            identity: sessionIdentity(sysId),
            available: true,
          });
          created.push(sysId);
        }
      }
      const cutoff = new Date(Date.now() + 1000).toISOString();
      const results = await Promise.all([
        a.deleteStaleSessions(cutoff),
        b.deleteStaleSessions(cutoff),
        a.deleteStaleSessions(cutoff),
        b.deleteStaleSessions(cutoff),
      ]);
      const removed = results.flat().map((s) => s.sys_id);
      assert.deepEqual([...removed].sort(), [...created].sort(), 'every row removed by exactly one sweep');
      assert.deepEqual(await a.listSessions(), []);
      // Settled, not slept on: a marker session removed after the sweeps committed is notified after every
      // removal they published (PostgreSQL delivers notifications in commit order), so once it is heard any
      // duplicate would be in `events` already.
      const marker = newSysId();
      const markerUser = await a.findOrCreateUser('marker');
      await a.setUserGroups(markerUser.sys_id, ['support']);
      await b.createSession({
        sys_id: marker,
        user: markerUser.sys_id,
        name: 'marker',
        number: '+15005550006',
        vendor: 'TWILIO_DIRECT',
        identity: sessionIdentity(marker),
        available: true,
      });
      assert.equal(await b.deleteSession(marker), true);
      const deadline = Date.now() + 5000;
      while (!events.includes(marker) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(events.at(-1), marker, 'the marker removal is heard, last');
      assert.deepEqual(events.slice(0, -1).sort(), [...created].sort(), 'each removal published once');
      await unsubscribe();
    } finally {
      await Promise.all([a.close(), b.close()]);
      await dropSchema(schema);
    }
  });
});
