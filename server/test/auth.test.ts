import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeApp, signIn, type TestApp } from './helpers.js';

describe('dev sign-in and /me', () => {
  let app: TestApp;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('creates the user, returns a token and sets the session cookie', async () => {
    const res = await app.inject({ method: 'POST', url: '/auth/dev-sign-in', payload: { name: 'alice' } });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.match(body.user.sys_id, /^[0-9a-f]{32}$/);
    assert.equal(body.user.name, 'alice');
    const cookie = String(res.headers['set-cookie']);
    assert.ok(cookie.startsWith(`notify_session=${body.token};`), cookie);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/'])
      assert.ok(cookie.includes(attribute));
  });

  it('finds the same user again by name', async () => {
    const first = await signIn(app, 'bob');
    const second = await signIn(app, 'bob');
    assert.equal(second.user.sys_id, first.user.sys_id);
  });

  it('rejects an empty name with VALIDATION_FAILED', async () => {
    const res = await app.inject({ method: 'POST', url: '/auth/dev-sign-in', payload: { name: '   ' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'VALIDATION_FAILED');
  });

  it('GET /me answers the user for a Bearer token and for the cookie', async () => {
    const alice = await signIn(app, 'alice');
    const bearer = await app.inject({ method: 'GET', url: '/me', headers: alice.headers });
    assert.equal(bearer.statusCode, 200);
    assert.deepEqual(bearer.json(), { user: alice.user });
    const cookie = await app.inject({
      method: 'GET',
      url: '/me',
      headers: { cookie: `x=1; notify_session=${alice.token}` },
    });
    assert.equal(cookie.statusCode, 200);
    assert.deepEqual(cookie.json(), { user: alice.user });
  });

  it('GET /me without identity, or with a forged token, is 401 UNAUTHENTICATED', async () => {
    const none = await app.inject({ method: 'GET', url: '/me' });
    assert.equal(none.statusCode, 401);
    assert.deepEqual(Object.keys(none.json().error).sort(), ['code', 'message']);
    assert.equal(none.json().error.code, 'UNAUTHENTICATED');
    const alice = await signIn(app, 'alice');
    const forged = `${alice.token.slice(0, -4)}AAAA`;
    const res = await app.inject({
      method: 'GET',
      url: '/me',
      headers: { authorization: `Bearer ${forged}` },
    });
    assert.equal(res.statusCode, 401);
  });

  it('a token from a server with another secret is refused', async () => {
    const other = await makeApp({ sessionSecret: 'another-secret-another-secret-123456' });
    try {
      const mallory = await signIn(other, 'alice');
      const res = await app.inject({ method: 'GET', url: '/me', headers: mallory.headers });
      assert.equal(res.statusCode, 401);
    } finally {
      await other.close();
    }
  });

  it('healthz answers ok; unknown routes answer NOT_FOUND', async () => {
    assert.deepEqual((await app.inject({ method: 'GET', url: '/healthz' })).json(), { ok: true });
    const res = await app.inject({ method: 'GET', url: '/nope' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'NOT_FOUND');
  });
});

describe('dev sign-in disabled (the default)', () => {
  it('answers 404 DEV_SIGN_IN_DISABLED and creates nobody', async () => {
    const app = await makeApp({ devSignIn: undefined });
    try {
      const res = await app.inject({ method: 'POST', url: '/auth/dev-sign-in', payload: { name: 'alice' } });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'DEV_SIGN_IN_DISABLED');
      assert.equal(res.headers['set-cookie'], undefined);
    } finally {
      await app.close();
    }
  });
});
