import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import { NotifyError } from '../errors.js';
import type { NotifyStore } from '../store/store.js';
import { SqliteStore } from '../store/sqlite.js';
import { callSid, createSession, makeApp, postWebhook, signIn, type TestApp } from './helpers.js';

const METRICS_TOKEN = 'metrics-token-for-the-ops-tests';

describe('operations', () => {
  const account = createDevAccount();
  let app: TestApp;
  before(async () => {
    app = await makeApp({
      account,
      corsOrigins: ['https://host.example'],
      processMetrics: false,
      metricsToken: METRICS_TOKEN,
    });
  });
  after(() => app?.close());

  it('GET /healthz and /readyz answer ok while the database answers', async () => {
    assert.deepEqual((await app.inject({ method: 'GET', url: '/healthz' })).json(), { ok: true });
    assert.deepEqual((await app.inject({ method: 'GET', url: '/readyz' })).json(), { ok: true });
  });

  it('GET /readyz is 503 NOT_READY when the database does not answer', async () => {
    const store = new SqliteStore(':memory:');
    const broken = new Proxy(store, {
      get(target, property) {
        if (property === 'ping') return async () => Promise.reject(new Error('connection refused'));
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as NotifyStore;
    const other = await makeApp({ store: broken, processMetrics: false });
    try {
      const res = await other.inject({ method: 'GET', url: '/readyz' });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().error.code, 'NOT_READY');
    } finally {
      await other.close();
      await store.close();
    }
  });

  it('echoes or assigns a request id', async () => {
    const given = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'req-42' } });
    assert.equal(given.headers['x-request-id'], 'req-42');
    const assigned = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\n' },
    });
    assert.match(String(assigned.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('allows CORS only from the configured origins', async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/sessions',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const ok = await preflight('https://host.example');
    assert.equal(ok.headers['access-control-allow-origin'], 'https://host.example');
    assert.equal(ok.headers['access-control-allow-credentials'], 'true');
    const evil = await preflight('https://evil.example');
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
  });

  it('exposes Prometheus metrics: sessions, calls by status, webhook latency, errors by code', async () => {
    const alice = await signIn(app, 'alice');
    const { session } = await createSession(app, alice);
    await postWebhook(app, account.authToken, '/twilio/voice', {
      AccountSid: account.accountSid,
      CallSid: callSid(77),
      From: `client:${session.identity}`,
      To: '+15551234567',
      CallStatus: 'ringing',
    });
    await postWebhook(
      app,
      account.authToken,
      '/twilio/status',
      { CallSid: callSid(78), From: 'x', CallStatus: 'busy' },
      'forged',
    );
    await app.inject({ method: 'GET', url: '/me' });
    const res = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const text = res.body;
    assert.match(text, /^notify_client_sessions\{available="true"\} 1$/m);
    assert.match(text, /^notify_calls\{status="ringing"\} 1$/m);
    assert.match(text, /^notify_calls\{status="completed"\} 0$/m);
    assert.match(
      text,
      /^notify_webhook_duration_seconds_count\{route="\/twilio\/voice",status_code="200"\} 1$/m,
    );
    assert.match(
      text,
      /^notify_webhook_duration_seconds_count\{route="\/twilio\/status",status_code="403"\} 1$/m,
    );
    assert.match(text, /^notify_errors_total\{code="UNAUTHENTICATED"\} 1$/m);
    assert.match(text, /^notify_errors_total\{code="INVALID_SIGNATURE"\} 1$/m);
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.match(doc.openapi, /^3\./);
    for (const [path, method] of [
      ['/auth/dev-sign-in', 'post'],
      ['/me', 'get'],
      ['/caller-ids/{number}', 'get'],
      ['/sessions', 'post'],
      ['/sessions/{sysId}/token', 'post'],
      ['/sessions/{sysId}', 'patch'],
      ['/sessions/{sysId}', 'delete'],
      ['/sessions/available', 'get'],
      ['/calls/{callSid}/parent', 'get'],
      ['/presence', 'get'],
      ['/twilio/voice', 'post'],
      ['/twilio/status', 'post'],
      ['/healthz', 'get'],
      ['/readyz', 'get'],
      ['/metrics', 'get'],
    ] as const) {
      assert.ok(doc.paths[path]?.[method], `${method} ${path} missing`);
    }
    assert.equal(doc.paths['/openapi.json'], undefined);
  });

  it('bounds request bodies (413 PAYLOAD_TOO_LARGE) before reading them', async () => {
    const small = await makeApp({ bodyLimit: 2048, processMetrics: false });
    try {
      const res = await small.inject({
        method: 'POST',
        url: '/auth/dev-sign-in',
        payload: { name: 'x'.repeat(4096) },
      });
      assert.equal(res.statusCode, 413);
      assert.equal(res.json().error.code, 'PAYLOAD_TOO_LARGE');
    } finally {
      await small.close();
    }
  });

  it('maps a rate-limit refusal to RATE_LIMITED', () => {
    assert.equal(new NotifyError('RATE_LIMITED').statusCode, 429);
  });
});
