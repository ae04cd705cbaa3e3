import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadOrCreateDevSecrets, secretsFileBeside } from '../../../scripts/dev-secrets.js';
import { startStack, type Stack } from '../../../scripts/stack.js';

const me = (stack: Stack, token: string) =>
  stack.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });

describe('the development stack keeps its account and session secret across restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'notify-secrets-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stores them beside the database, mode 0600', () => {
    assert.equal(secretsFileBeside(join(dir, 'notify-demo.db')), join(dir, 'notify-demo.secrets.json'));
    const file = join(dir, 'a.secrets.json');
    const first = loadOrCreateDevSecrets(file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(first.account.accountSid, /^AC[0-9a-f]{32}$/);
    assert.deepEqual(loadOrCreateDevSecrets(file), first, 'read back, not created again');
    chmodSync(file, 0o644);
    loadOrCreateDevSecrets(file);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'a loosened mode is tightened again');
  });

  it('refuses a file that is not a secrets file instead of overwriting it', () => {
    const file = join(dir, 'broken.secrets.json');
    writeFileSync(file, '{"account": {}}', { mode: 0o600 });
    assert.throws(() => loadOrCreateDevSecrets(file), /not a development secrets file/);
    assert.equal(readFileSync(file, 'utf8'), '{"account": {}}');
  });

  it('a token signed before a restart is still valid after it; without the file each run is fresh', async () => {
    const database = join(dir, 'notify-demo.db');
    const secretsFile = secretsFileBeside(database);
    const first = await startStack({ database, secretsFile });
    let token: string;
    try {
      const signIn = await first.app.inject({
        method: 'POST',
        url: '/api/auth/dev-sign-in',
        payload: { name: 'restart-user' },
      });
      assert.equal(signIn.statusCode, 200);
      token = (signIn.json() as { token: string }).token;
    } finally {
      await first.close();
    }
    const second = await startStack({ database, secretsFile });
    const fresh = await startStack({});
    try {
      assert.deepEqual(second.account, first.account);
      const after = await me(second, token);
      assert.equal(after.statusCode, 200, 'the old token is accepted after the restart');
      assert.equal((after.json() as { user: { name: string } }).user.name, 'restart-user');
      assert.notEqual(fresh.account.accountSid, first.account.accountSid);
      assert.equal((await me(fresh, token)).statusCode, 401, 'a stack without the file has its own secret');
    } finally {
      await second.close();
      await fresh.close();
    }
  });
});
