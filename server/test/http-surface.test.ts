import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { createDevAccount } from '../../scripts/dev-account.js';
import { notifyBackend, notifyFrameworkErrors } from '../app.js';
import {
  createSession,
  DEMO_NUMBER,
  makeApp,
  PUBLIC_URL,
  signIn,
  type SignedIn,
  type TestApp,
} from './helpers.js';

const OWN_ORIGIN = new URL(PUBLIC_URL).origin;
const CORS_ORIGIN = 'https://host.example';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function assertErrorShape(res: { statusCode: number; json(): unknown }, status: number, code: string) {
  assert.equal(res.statusCode, status);
  const body = res.json() as { error: { code: string; message: string } };
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
}

describe('HTTP surface of the backend', () => {
  let app: TestApp;
  let alice: SignedIn;
  before(async () => {
    app = await makeApp({ corsOrigins: [CORS_ORIGIN], processMetrics: false });
    alice = await signIn(app, 'alice');
  });
  after(() => app?.close());

  describe('content types', () => {
    it('a form-encoded POST /sessions is refused with 415 and creates no session', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/sessions',
        headers: { ...alice.headers, ...FORM },
        payload: `callerId=${encodeURIComponent(DEMO_NUMBER)}`,
      });
      assertErrorShape(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      assert.deepEqual(await app.notifyStore.listSessions({ user: alice.user.sys_id }), []);
    });

    it('a form-encoded dev sign-in is refused with 415 and sets no cookie', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/auth/dev-sign-in',
        headers: FORM,
        payload: 'name=mallory',
      });
      assertErrorShape(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      assert.equal(res.headers['set-cookie'], undefined);
    });

    it('bodies are not type-coerced: name 123 and available "false" are 400 and change nothing', async () => {
      const signInAsNumber = await app.inject({
        method: 'POST',
        url: '/auth/dev-sign-in',
        payload: { name: 123 },
      });
      assertErrorShape(signInAsNumber, 400, 'VALIDATION_FAILED');
      const { session } = await createSession(app, alice);
      const patched = await app.inject({
        method: 'PATCH',
        url: `/sessions/${session.sys_id}`,
        headers: alice.headers,
        payload: { available: 'false' },
      });
      assertErrorShape(patched, 400, 'VALIDATION_FAILED');
      assert.equal((await app.notifyStore.getSession(session.sys_id))?.available, true);
      await app.inject({ method: 'DELETE', url: `/sessions/${session.sys_id}`, headers: alice.headers });
    });

    it('querystrings keep their coercion: ?limit=5 is a number', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/sessions/available?limit=5',
        headers: alice.headers,
      });
      assert.equal(res.statusCode, 200, res.body);
    });
  });

  describe('Origin of state-changing requests', () => {
    it('a foreign Origin is refused with 403 ORIGIN_NOT_ALLOWED and creates no session', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/sessions',
        headers: { ...alice.headers, origin: 'https://evil.example' },
        payload: { callerId: DEMO_NUMBER },
      });
      assertErrorShape(res, 403, 'ORIGIN_NOT_ALLOWED');
      assert.deepEqual(await app.notifyStore.listSessions({ user: alice.user.sys_id }), []);
    });

    it('the backend’s own origin and a configured CORS origin may create sessions', async () => {
      for (const origin of [OWN_ORIGIN, CORS_ORIGIN]) {
        const res = await app.inject({
          method: 'POST',
          url: '/sessions',
          headers: { ...alice.headers, origin },
          payload: { callerId: DEMO_NUMBER },
        });
        assert.equal(res.statusCode, 201, `${origin}: ${res.body}`);
        await app.inject({
          method: 'DELETE',
          url: `/sessions/${res.json().session.sys_id}`,
          headers: { ...alice.headers, origin },
        });
      }
    });

    it('without Origin a bearer token is accepted, the session cookie alone is not', async () => {
      const cookie = { cookie: `notify_session=${alice.token}` };
      const byCookie = await app.inject({
        method: 'POST',
        url: '/sessions',
        headers: cookie,
        payload: { callerId: DEMO_NUMBER },
      });
      assertErrorShape(byCookie, 403, 'ORIGIN_NOT_ALLOWED');
      assert.deepEqual(await app.notifyStore.listSessions({ user: alice.user.sys_id }), []);
      const cookieWithOrigin = await app.inject({
        method: 'POST',
        url: '/sessions',
        headers: { ...cookie, origin: OWN_ORIGIN },
        payload: { callerId: DEMO_NUMBER },
      });
      assert.equal(cookieWithOrigin.statusCode, 201, cookieWithOrigin.body);
      const byBearer = await createSession(app, alice);
      for (const { session } of [cookieWithOrigin.json(), byBearer]) {
        await app.inject({ method: 'DELETE', url: `/sessions/${session.sys_id}`, headers: alice.headers });
      }
    });

    it('reads are not subject to it (CORS keeps their answers from foreign pages)', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/me',
        headers: { ...alice.headers, origin: 'https://evil.example' },
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    });
  });

  describe('security headers', () => {
    it('every response has HSTS, a CSP denying framing, nosniff, no-referrer and no-store', async () => {
      for (const res of [
        await app.inject({ method: 'GET', url: '/me', headers: alice.headers }),
        await app.inject({ method: 'GET', url: '/me' }),
        await app.inject({ method: 'GET', url: '/healthz' }),
      ]) {
        assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
        const csp = String(res.headers['content-security-policy']);
        assert.match(csp, /default-src 'none'/);
        assert.match(csp, /frame-ancestors 'none'/);
        assert.equal(res.headers['x-frame-options'], 'DENY');
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
        assert.equal(res.headers['referrer-policy'], 'no-referrer');
        assert.equal(res.headers['cache-control'], 'no-store');
      }
    });

    it('HSTS can be turned off (the development stack does: HSTS ignores ports)', async () => {
      const local = await makeApp({ processMetrics: false, hsts: false });
      try {
        const res = await local.inject({ method: 'GET', url: '/healthz' });
        assert.equal(res.headers['strict-transport-security'], undefined);
        assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
      } finally {
        await local.close();
      }
    });

    it('responses carrying a token are not cacheable: dev sign-in, session creation, token refresh', async () => {
      const signInRes = await app.inject({
        method: 'POST',
        url: '/auth/dev-sign-in',
        payload: { name: 'bob' },
      });
      const created = await app.inject({
        method: 'POST',
        url: '/sessions',
        headers: alice.headers,
        payload: { callerId: DEMO_NUMBER },
      });
      const sysId = created.json().session.sys_id as string;
      const refreshed = await app.inject({
        method: 'POST',
        url: `/sessions/${sysId}/token`,
        headers: alice.headers,
      });
      for (const res of [signInRes, created, refreshed]) {
        assert.ok(res.statusCode < 300, res.body);
        assert.ok(res.json().token, 'carries a token');
        assert.equal(res.headers['cache-control'], 'no-store');
      }
      await app.inject({ method: 'DELETE', url: `/sessions/${sysId}`, headers: alice.headers });
    });
  });

  describe('framework errors in our shape', () => {
    it('an over-long path parameter is 414 URI_TOO_LONG', async () => {
      const res = await app.inject({
        method: 'POST',
        url: `/sessions/${'a'.repeat(200)}/heartbeat`,
        headers: alice.headers,
      });
      assertErrorShape(res, 414, 'URI_TOO_LONG');
    });

    it('a bad URL encoding is 400 BAD_REQUEST', async () => {
      const res = await app.inject({ method: 'GET', url: '/caller-ids/%E0%A4%A', headers: alice.headers });
      assertErrorShape(res, 400, 'BAD_REQUEST');
    });

    it('unknown routes are 404 NOT_FOUND, whatever the method', async () => {
      for (const method of ['GET', 'POST', 'DELETE'] as const) {
        assertErrorShape(await app.inject({ method, url: '/nope/deeper' }), 404, 'NOT_FOUND');
      }
    });
  });

  describe('GET /metrics', () => {
    it('is not served without a configured token', async () => {
      assertErrorShape(await app.inject({ method: 'GET', url: '/metrics' }), 404, 'NOT_FOUND');
    });

    it('refuses requests without its token, or with another one', async () => {
      const guarded = await makeApp({ processMetrics: false, metricsToken: 'the-metrics-token' });
      try {
        for (const headers of [{}, { authorization: 'Bearer not-the-token' }, alice.headers]) {
          const res = await guarded.inject({ method: 'GET', url: '/metrics', headers });
          assertErrorShape(res, 401, 'UNAUTHENTICATED');
          assert.doesNotMatch(res.body, /notify_/);
        }
        const ok = await guarded.inject({
          method: 'GET',
          url: '/metrics',
          headers: { authorization: 'Bearer the-metrics-token' },
        });
        assert.equal(ok.statusCode, 200);
        assert.match(ok.body, /notify_client_sessions/);
      } finally {
        await guarded.close();
      }
    });
  });
});

describe('notifyBackend mounted in a host app', () => {
  let host: FastifyInstance;
  before(async () => {
    // Like the development stack: Fastify's default body limit (1 MiB), a global form parser (the
    // emulator's), a wildcard file route at the root, and our framework error handler.
    host = Fastify({ frameworkErrors: notifyFrameworkErrors }) as unknown as FastifyInstance;
    await host.register(formbody);
    host.get('/*', async (_request, reply) => reply.code(404).type('text/html').send('<h1>static 404</h1>'));
    await host.register(notifyBackend, {
      prefix: '/api',
      database: ':memory:',
      account: createDevAccount(),
      publicUrl: 'https://127.0.0.1:8443/api',
      sessionSecret: 'test-session-secret-at-least-32-chars!',
      devSignIn: true,
      processMetrics: false,
    });
  });
  after(() => host?.close());

  it('enforces its own body limit: 70 kB is 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await host.inject({
      method: 'POST',
      url: '/api/auth/dev-sign-in',
      payload: { name: 'x'.repeat(70_000) },
    });
    assertErrorShape(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses form bodies although the host parses them', async () => {
    const res = await host.inject({
      method: 'POST',
      url: '/api/auth/dev-sign-in',
      headers: FORM,
      payload: 'name=mallory',
    });
    assertErrorShape(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers unknown /api routes itself, before the host’s wildcard route', async () => {
    assertErrorShape(await host.inject({ method: 'GET', url: '/api/nope' }), 404, 'NOT_FOUND');
    assert.match((await host.inject({ method: 'GET', url: '/elsewhere' })).body, /static 404/);
  });

  it('with notifyFrameworkErrors, an over-long id is 414 in our shape', async () => {
    const res = await host.inject({
      method: 'DELETE',
      url: `/api/sessions/${'a'.repeat(200)}`,
    });
    assertErrorShape(res, 414, 'URI_TOO_LONG');
  });
});
