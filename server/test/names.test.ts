import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NotifyError } from '../errors.js';
import { checkName, firstAcceptableName, normalizeName } from '../names.js';
import { makeApp, type TestApp } from './helpers.js';
import { bearer, hostIdentity, hostToken } from './identity.js';

describe('names', () => {
  it('are NFC-normalised and trimmed', () => {
    // "é" as e + combining acute becomes the one precomposed code point.
    assert.equal(normalizeName('  Rene\u0301e  ', 80), 'Ren\u00e9e');
  });

  it('count their length in code points, not UTF-16 units', () => {
    const emoji = '\u{1F600}'.repeat(80); // 160 UTF-16 units
    assert.equal(normalizeName(emoji, 80), emoji);
    assert.deepEqual(checkName(`${emoji}x`, 80), { problem: 'too-long' });
  });

  it('refuse control characters: NUL, newline, escape, DEL', () => {
    for (const name of ['a\u0000b', 'a\nb', 'a\u001b[31mb', 'a\u007fb', 'a\u0085b']) {
      assert.deepEqual(checkName(name, 80), { problem: 'control' }, JSON.stringify(name));
    }
  });

  it('refuse bidirectional embeddings, overrides and isolates', () => {
    for (const name of ['ab\u202Ecd', 'ab\u202Acd', 'ab\u2066cd', 'ab\u2069cd']) {
      assert.deepEqual(checkName(name, 80), { problem: 'bidi' }, JSON.stringify(name));
    }
  });

  it('refuse names of invisible characters only', () => {
    for (const name of ['\u200B', '\u200B\u200C\u200D\u2060', '\uFEFF', '\u3164', ' \u200E ']) {
      assert.deepEqual(checkName(name, 80), { problem: 'invisible' }, JSON.stringify(name));
    }
  });

  it('keep visible names with joiners and other scripts as they are', () => {
    for (const name of ['Zoë', 'محمد', '山田 太郎', '\u{1F469}\u200D\u{1F4BB} dev']) {
      assert.equal(normalizeName(name, 80), name);
    }
  });

  it('throw 400 INVALID_NAME for client input', () => {
    assert.throws(
      () => normalizeName('\u200B', 80),
      (error: unknown) => error instanceof NotifyError && error.code === 'INVALID_NAME',
    );
  });

  it('from a trusted party fall back to the next acceptable candidate, cut to length', () => {
    assert.equal(firstAcceptableName(['evil\u202Eoc.exe', 'sub-1'], 100), 'sub-1');
    assert.equal(firstAcceptableName([undefined, 42, 'x'.repeat(120)], 100), 'x'.repeat(100));
    assert.equal(firstAcceptableName(['\u0000', '\u200B'], 100), undefined);
  });
});

describe('names where the backend accepts them', () => {
  let app: TestApp;
  let hostApp: TestApp;
  before(async () => {
    app = await makeApp({ processMetrics: false });
    hostApp = await makeApp({ processMetrics: false, devSignIn: false, hostIdentity });
  });
  after(async () => {
    await app?.close();
    await hostApp?.close();
  });

  it('dev sign-in refuses NUL, bidi overrides and zero-width-only names, without signing in', async () => {
    for (const name of ['al\u0000ice', 'alice\u202Egnp.exe', '\u200B\u200B']) {
      const res = await app.inject({ method: 'POST', url: '/auth/dev-sign-in', payload: { name } });
      assert.equal(res.statusCode, 400, JSON.stringify(name));
      assert.equal(res.json().error.code, 'INVALID_NAME');
      assert.equal(res.headers['set-cookie'], undefined);
    }
  });

  it('dev sign-in stores the NFC form', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/auth/dev-sign-in',
      payload: { name: 'Rene\u0301e' },
    });
    assert.equal(res.json().user.name, 'Ren\u00e9e');
  });

  it('a host identity’s name claim with a bidi override is replaced by its subject', async () => {
    const token = await hostToken({ sub: 'carol@host', name: 'carol\u202Efdp.exe', groups: ['demo'] });
    const res = await hostApp.inject({ method: 'GET', url: '/me', headers: bearer(token) });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().user.name, 'carol@host');
  });
});
