import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION, SqliteStore } from '../store/sqlite.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('sqlite :memory:', async () => new SqliteStore(':memory:'));

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
