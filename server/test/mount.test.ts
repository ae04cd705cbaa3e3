import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import twilio from 'twilio';
import { createDevAccount } from '../../scripts/dev-account.js';
import { notifyBackend } from '../app.js';

describe('notifyBackend mounted under /api in a host app', () => {
  it('serves the routes under the prefix and checks signatures against publicUrl + route path', async () => {
    const account = createDevAccount();
    const host = Fastify();
    await host.register(formbody); // the host (emulator) already parses forms
    host.get('/emulator/calls', async () => []);
    await host.register(notifyBackend, {
      prefix: '/api',
      database: ':memory:',
      account,
      publicUrl: 'https://127.0.0.1:8443/api/',
      sessionSecret: 'test-session-secret-at-least-32-chars!',
      devSignIn: true,
      seed: { numbers: [{ number: '+15005550006', vendor: 'TWILIO_DIRECT', group: 'demo' }] },
    });
    try {
      assert.deepEqual((await host.inject({ method: 'GET', url: '/api/healthz' })).json(), { ok: true });
      const signInRes = await host.inject({
        method: 'POST',
        url: '/api/auth/dev-sign-in',
        payload: { name: 'al' },
      });
      const headers = { authorization: `Bearer ${signInRes.json().token}` };
      const created = await host.inject({
        method: 'POST',
        url: '/api/sessions',
        headers,
        payload: { callerId: '+15005550006' },
      });
      assert.equal(created.statusCode, 201);

      const params = {
        CallSid: `CA${'a'.repeat(32)}`,
        From: `client:${created.json().session.identity}`,
        To: '+15551234567',
      };
      const url = 'https://127.0.0.1:8443/api/twilio/voice';
      const res = await host.inject({
        method: 'POST',
        url: '/api/twilio/voice',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(account.authToken, url, params),
        },
        payload: new URLSearchParams(params).toString(),
      });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<Dial callerId="\+15005550006" answerOnBridge="true">/);

      const missing = await host.inject({ method: 'GET', url: '/api/nope' });
      assert.equal(missing.json().error.code, 'NOT_FOUND');
      assert.deepEqual((await host.inject({ method: 'GET', url: '/emulator/calls' })).json(), []);
    } finally {
      await host.close();
    }
  });
});
