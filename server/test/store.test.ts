import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { legacySysIdFor } from '../auth.js';
import { newSysId, ringKey, sessionIdentity } from '../ids.js';
import { SCHEMA_VERSION, SqliteStore } from '../store/sqlite.js';
import { describeStoreContract } from './store-contract.js';
import { describeIdentityContract } from './store-identity-contract.js';

/** Undoes migration 9 (notify_call's user), for the tests that take a database back to an older version. */
const UNDO_VERSION_9 = `DROP INDEX notify_call_user; ALTER TABLE notify_call DROP COLUMN "user";`;

describeStoreContract('sqlite :memory:', async () => new SqliteStore(':memory:'));
describeIdentityContract('sqlite :memory:', async () => new SqliteStore(':memory:'));

describe('SqliteStore on a file', () => {
  it('uses WAL, migrates once and keeps data across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-store-'));
    try {
      const file = join(dir, 'notify.db');
      const first = new SqliteStore(file);
      const alice = await first.findOrCreateUser('alice');
      await first.close();

      const second = new SqliteStore(file);
      assert.deepEqual(await second.getUser(alice.sys_id), alice);
      await second.close();

      const raw = new Database(file, { readonly: true });
      try {
        assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
        assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      } finally {
        raw.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates a version 1 database to non-unique user names, keeping rows and references', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-store-'));
    try {
      const file = join(dir, 'notify.db');
      const raw = new Database(file);
      raw.exec(`
        CREATE TABLE sys_user (sys_id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE notify_group (sys_id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE notify_group_member (
          "group" TEXT NOT NULL REFERENCES notify_group(sys_id) ON DELETE CASCADE,
          "user" TEXT NOT NULL REFERENCES sys_user(sys_id) ON DELETE CASCADE,
          PRIMARY KEY ("group", "user"));
        CREATE TABLE notify_client_session (
          sys_id TEXT PRIMARY KEY,
          "user" TEXT NOT NULL REFERENCES sys_user(sys_id) ON DELETE CASCADE,
          name TEXT NOT NULL, number TEXT NOT NULL, vendor TEXT, identity TEXT NOT NULL UNIQUE,
          available INTEGER NOT NULL DEFAULT 1, connected_at TEXT NOT NULL, last_seen TEXT NOT NULL);
        CREATE INDEX notify_client_session_user ON notify_client_session("user");
        CREATE TABLE notify_call (
          sys_id TEXT PRIMARY KEY, call_sid TEXT NOT NULL UNIQUE, parent_call_sid TEXT, parent_sys_id TEXT,
          session TEXT, direction TEXT NOT NULL, "from" TEXT NOT NULL, "to" TEXT NOT NULL,
          status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        INSERT INTO sys_user VALUES ('${'a'.repeat(32)}', 'alice');
        INSERT INTO notify_group VALUES ('${'b'.repeat(32)}', 'demo');
        INSERT INTO notify_group_member VALUES ('${'b'.repeat(32)}', '${'a'.repeat(32)}');
      `);
      raw.pragma('user_version = 1');
      raw.close();
      // Version 1 as shipped had more tables and indexes; the migrations only touch sys_user and its
      // references, the membership and session indexes, and notify_call (version 5 adds its duration).
      const store = new SqliteStore(file);
      assert.deepEqual(await store.getUser('a'.repeat(32)), { sys_id: 'a'.repeat(32), name: 'alice' });
      assert.deepEqual(await store.listUserGroups('a'.repeat(32)), [
        { sys_id: 'b'.repeat(32), name: 'demo' },
      ]);
      await store.upsertUser({ sys_id: 'c'.repeat(32), name: 'alice' });
      await store.close();
      const check = new Database(file, { readonly: true });
      try {
        assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
        assert.deepEqual(check.pragma('foreign_key_check'), []);
        const fk = check.prepare(`SELECT "table" FROM pragma_foreign_key_list('notify_group_member')`).all();
        assert.deepEqual(fk.map((r) => (r as { table: string }).table).sort(), ['notify_group', 'sys_user']);
      } finally {
        check.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates a version 5 database: users keep their rows, are signed in at generation 0, and a hash-derived one is adopted by its host identity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-store-'));
    try {
      const file = join(dir, 'notify.db');
      const current = new SqliteStore(file);
      const legacy = { sys_id: legacySysIdFor('https://host.test', 'dave'), name: 'Dave' };
      await current.upsertUser(legacy);
      await current.close();
      // Back to version 5 as it shipped: no host identity table, no sign-out columns (nor version 7's ring_key).
      const raw = new Database(file);
      raw.exec(`${UNDO_VERSION_9}
        DROP TABLE notify_call_waiting;
        DROP INDEX notify_call_conference;
        ALTER TABLE notify_call DROP COLUMN conference;
        DROP INDEX notify_client_session_ring;
        ALTER TABLE notify_client_session DROP COLUMN ring_key;
        DROP TABLE notify_host_identity;
        ALTER TABLE sys_user DROP COLUMN signed_out_at;
        ALTER TABLE sys_user DROP COLUMN token_generation`);
      raw.pragma('user_version = 5');
      raw.close();

      const store = new SqliteStore(file);
      try {
        assert.deepEqual(await store.getSignInState(legacy.sys_id), {
          user: legacy,
          tokenGeneration: 0,
          signedOutAt: null,
        });
        const dave = await store.createHostUser('https://host.test', 'dave', 'Dave', legacy.sys_id);
        assert.equal(dave.user.sys_id, legacy.sys_id);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates a version 4 database: existing calls get a null duration, later ones record it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-store-'));
    try {
      const file = join(dir, 'notify.db');
      const base = { direction: 'outbound', from: '+15005550006', to: '+15551234567' } as const;
      const current = new SqliteStore(file);
      await current.upsertCall({ ...base, call_sid: 'CA1', status: 'in-progress' });
      await current.close();
      // Back to version 4 as it shipped: notify_call without duration (and no later migration's ring_key).
      const raw = new Database(file);
      raw.exec(`${UNDO_VERSION_9}
        DROP TABLE notify_call_waiting;
        DROP INDEX notify_call_conference;
        ALTER TABLE notify_call DROP COLUMN conference;
        DROP INDEX notify_client_session_ring;
        ALTER TABLE notify_client_session DROP COLUMN ring_key;
        DROP TABLE notify_host_identity;
        ALTER TABLE sys_user DROP COLUMN signed_out_at;
        ALTER TABLE sys_user DROP COLUMN token_generation;
        ALTER TABLE notify_call DROP COLUMN duration`);
      raw.pragma('user_version = 4');
      raw.close();

      const store = new SqliteStore(file);
      try {
        assert.equal((await store.getCall('CA1'))?.duration, null);
        const done = await store.upsertCall({ ...base, call_sid: 'CA1', status: 'completed', duration: 7 });
        assert.equal(done.call.duration, 7);
        assert.deepEqual(await store.getCall('CA1'), done.call);
      } finally {
        await store.close();
      }
      const check = new Database(file, { readonly: true });
      try {
        assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
        const columns = check
          .prepare(`SELECT name, type, "notnull" FROM pragma_table_info('notify_call')`)
          .all();
        assert.deepEqual(
          columns.find((c) => (c as { name: string }).name === 'duration'),
          { name: 'duration', type: 'INTEGER', notnull: 0 },
        );
      } finally {
        check.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates a version 6 database: existing sessions get their ring key and ring', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-store-'));
    try {
      const file = join(dir, 'notify.db');
      const current = new SqliteStore(file);
      const alice = await current.findOrCreateUser('alice');
      const demo = await current.findOrCreateGroup('demo');
      await current.addGroupMember(demo.sys_id, alice.sys_id);
      await current.upsertNumber({ number: '+15005550006', vendor: 'TWILIO_DIRECT', group: demo.sys_id });
      const sysId = newSysId();
      const session = await current.createSession({
        sys_id: sysId,
        user: alice.sys_id,
        name: 'alice',
        number: '+15005550006',
        vendor: 'TWILIO_DIRECT',
        identity: sessionIdentity(sysId),
        available: true,
      });
      await current.close();
      // Back to version 6 as it shipped: no ring_key, no ring index.
      const raw = new Database(file);
      raw.exec(UNDO_VERSION_9);
      raw.exec(`DROP TABLE notify_call_waiting;
        DROP INDEX notify_call_conference;
        ALTER TABLE notify_call DROP COLUMN conference;`);
      raw.exec('DROP INDEX notify_client_session_ring');
      raw.exec('ALTER TABLE notify_client_session DROP COLUMN ring_key');
      raw.pragma('user_version = 6');
      raw.close();

      const store = new SqliteStore(file);
      try {
        const ring = await store.listRingableSessions('+15005550006', { liveSince: '', limit: 10 });
        assert.deepEqual(ring, [session]);
      } finally {
        await store.close();
      }
      const check = new Database(file, { readonly: true });
      try {
        assert.equal(
          check.prepare('SELECT ring_key FROM notify_client_session').pluck().get(),
          ringKey(alice.sys_id),
        );
      } finally {
        check.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates a version 8 database: legs of live sessions get their user, legs of gone ones none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-store-'));
    try {
      const file = join(dir, 'notify.db');
      const current = new SqliteStore(file);
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
      // Back to version 8 as it shipped: notify_call without its user.
      const raw = new Database(file);
      raw.exec(UNDO_VERSION_9);
      raw.pragma('user_version = 8');
      raw.close();

      const store = new SqliteStore(file);
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
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a database from a newer schema', () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-store-'));
    try {
      const file = join(dir, 'notify.db');
      const raw = new Database(file);
      raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      raw.close();
      assert.throws(() => new SqliteStore(file), /newer than this server/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
