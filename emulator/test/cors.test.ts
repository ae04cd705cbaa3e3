import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createDevAccount } from '../../scripts/dev-account.js';
import { buildEmulator } from '../app.js';

const TEST_PAGE = 'http://localhost:8123';
const FOREIGN = 'https://evil.example';

describe('emulator CORS', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await buildEmulator({
      account: createDevAccount(),
      voiceUrl: 'https://127.0.0.1:1/api/twilio/voice',
      corsOrigins: [TEST_PAGE],
    });
  });
  after(() => app?.close());

  const settings = async () => (await app.inject({ method: 'GET', url: '/emulator/settings' })).json();

  it('refuses a foreign Origin’s preflight, with no Access-Control-Allow-Origin', async () => {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/emulator/phones/%2B15551230000/hangup',
      headers: { origin: FOREIGN, 'access-control-request-method': 'POST' },
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
  });

  it('refuses a foreign Origin’s reads and writes, changing nothing', async () => {
    const before = await settings();
    for (const [method, url, payload] of [
      ['GET', '/emulator/calls', undefined],
      ['GET', '/sounds/incoming.wav', undefined],
      ['PUT', '/emulator/settings', { parentCallbackDelayMs: 1234 }],
      ['POST', '/emulator/phones/%2B15551230000/dial', { to: '+15005550006' }],
      ['POST', '/emulator/phones/%2B15551230000/hangup', undefined],
      ['GET', '/emulator/faults', undefined],
      ['POST', '/emulator/faults/signaling/refuse', { durationMs: 60_000 }],
      ['DELETE', '/emulator/faults', undefined],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        headers: { origin: FOREIGN },
        ...(payload && { payload }),
      });
      assert.equal(res.statusCode, 403, `${method} ${url}`);
      assert.equal(res.json().error.code, 'ORIGIN_NOT_ALLOWED');
      assert.equal(res.headers['access-control-allow-origin'], undefined, `${method} ${url}`);
    }
    assert.deepEqual(await settings(), before);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/emulator/calls' })).json().calls ?? [], []);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/emulator/faults' })).json().faults, []);
  });

  it('allows a configured test page origin and its own origin, with credentials', async () => {
    for (const [origin, host] of [
      [TEST_PAGE, undefined],
      ['http://emulator.test:8443', 'emulator.test:8443'],
    ] as const) {
      const preflight = await app.inject({
        method: 'OPTIONS',
        url: '/emulator/calls',
        headers: { origin, 'access-control-request-method': 'GET', ...(host && { host }) },
      });
      assert.equal(preflight.statusCode, 204, origin);
      assert.equal(preflight.headers['access-control-allow-origin'], origin);
      const res = await app.inject({
        method: 'GET',
        url: '/emulator/calls',
        headers: { origin, ...(host && { host }) },
      });
      assert.equal(res.statusCode, 200, origin);
      assert.equal(res.headers['access-control-allow-origin'], origin);
      assert.equal(res.headers['access-control-allow-credentials'], 'true');
    }
  });

  it('serves clients without Origin (the backend, scripts) without CORS headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/emulator/calls' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });
});
