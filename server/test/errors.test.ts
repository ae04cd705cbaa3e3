import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERRORS, NotifyError, toNotifyError, type ErrorCode } from '../errors.js';
import { makeApp } from './helpers.js';

describe('error registry', () => {
  it('server/README.md lists every code with its status, and nothing else', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const documented = new Map(
      [...readme.matchAll(/^\| `([A-Z_]+)` +\| (\d{3}) +\|/gm)].map((m) => [m[1], Number(m[2])] as const),
    );
    const registered = new Map(
      Object.entries(ERRORS).map(([code, { statusCode }]) => [code, statusCode] as const),
    );
    assert.deepEqual(documented, registered);
  });

  it('codes are UPPER_SNAKE with an HTTP error status and a message', () => {
    for (const [code, { statusCode, message }] of Object.entries(ERRORS)) {
      assert.match(code, /^[A-Z]+(_[A-Z]+)*$/);
      assert.ok(statusCode >= 400 && statusCode < 600, code);
      assert.ok(message.length > 0, code);
    }
  });

  it('wraps framework errors and bugs without leaking details', () => {
    assert.equal(toNotifyError(new NotifyError('FORBIDDEN')).code, 'FORBIDDEN');
    assert.equal(
      toNotifyError(Object.assign(new Error('x'), { statusCode: 415 })).code,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const bug = toNotifyError(new Error('secret stack detail'));
    assert.equal(bug.code satisfies ErrorCode, 'INTERNAL_ERROR');
    assert.doesNotMatch(bug.message, /secret/);
  });

  it('malformed JSON is a BAD_REQUEST in the standard shape', async () => {
    const app = await makeApp();
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/auth/dev-sign-in',
        headers: { 'content-type': 'application/json' },
        payload: '{"name":',
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error.code, 'BAD_REQUEST');
    } finally {
      await app.close();
    }
  });
});
