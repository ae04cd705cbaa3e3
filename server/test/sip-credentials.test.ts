import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config.js';
import { mintSipCredentials, sipRoutingToken } from '../sip.js';
import { DEMO_NUMBER, createSession, makeApp, signIn, type SignedIn, type TestApp } from './helpers.js';

const SIP_NUMBER = '+15005550020';
const sip = { domain: 'pbx.example.test', wsUrl: 'wss://pbx.example.test:8443', secret: 's'.repeat(40) };

/** What the proxy (Kamailio's auth_ephemeral) checks: the HMAC, and that the expiry is in the future. */
function proxyAccepts(token: string, secret: string, now: number): { user: string } | null {
  const split = token.lastIndexOf(':');
  const username = token.slice(0, split);
  const password = token.slice(split + 1);
  const expected = createHmac('sha1', secret).update(username).digest('base64');
  const [expiry, user] = [
    username.slice(0, username.indexOf(':')),
    username.slice(username.indexOf(':') + 1),
  ];
  if (password !== expected || Number(expiry) * 1000 <= now) return null;
  return { user };
}

describe('SIP vendor credentials (issue 15)', () => {
  let app: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;

  before(async () => {
    app = await makeApp({
      tokenTtlSeconds: 600,
      sip,
      seed: {
        numbers: [
          { number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT', group: 'demo' },
          { number: SIP_NUMBER, vendor: 'SIP', group: 'demo' },
        ],
      },
    });
    alice = await signIn(app, 'alice');
    bob = await signIn(app, 'bob');
  });
  after(() => app.close());

  it('mints <expiry>:<user> with base64(HMAC-SHA1(secret, username)) (the auth_ephemeral scheme)', () => {
    const now = Date.UTC(2026, 11, 6, 5, 0, 0);
    const minted = mintSipCredentials('secret', 's_abc', 60, now);
    assert.equal(minted.username, `${now / 1000 + 60}:s_abc`);
    // An independently computed value (openssl dgst -sha1 -hmac secret -binary | base64).
    assert.equal(minted.password, createHmac('sha1', 'secret').update(minted.username).digest('base64'));
    assert.equal(minted.expiresAt, now + 60_000);
    assert.notEqual(mintSipCredentials('other', 's_abc', 60, now).password, minted.password);
  });

  it('GET /caller-ids/:number names the SIP vendor', async () => {
    const res = await app.inject({
      url: `/caller-ids/${encodeURIComponent(SIP_NUMBER)}`,
      headers: alice.headers,
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { number: SIP_NUMBER, vendor: 'SIP' });
  });

  it('POST /sessions on a SIP number returns short-lived SIP credentials, never a Twilio token', async () => {
    const before = Date.now();
    const created = await createSession(app, alice, SIP_NUMBER);
    assert.equal(created.vendor, 'SIP');
    assert.equal(created.ttl, 600);
    assert.deepEqual(created.device, {
      domain: sip.domain,
      wsUrl: sip.wsUrl,
      user: created.session.identity,
    });
    assert.doesNotMatch(created.token, /^ey/); // not a JWT
    const accepted = proxyAccepts(created.token, sip.secret, Date.now());
    assert.deepEqual(accepted, { user: created.session.identity });
    // Expires after the TTL, not before, and the proxy refuses it then.
    const expiresAt = new Date(created.expiresAt).getTime();
    assert.ok(expiresAt >= Math.floor(before / 1000) * 1000 + 600_000);
    assert.ok(expiresAt <= Date.now() + 600_000);
    assert.equal(proxyAccepts(created.token, sip.secret, expiresAt), null);
    assert.equal(proxyAccepts(created.token, 'x'.repeat(40), Date.now()), null);
    const row = await app.notifyStore.getSession(created.session.sys_id);
    assert.equal(row?.vendor, 'SIP');
  });

  it('POST /sessions/:sysId/token renews the SIP credentials (later expiry, still the session identity)', async () => {
    const created = await createSession(app, alice, SIP_NUMBER);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the expiry has a one-second resolution
    const res = await app.inject({
      method: 'POST',
      url: `/sessions/${created.session.sys_id}/token`,
      headers: alice.headers,
    });
    assert.equal(res.statusCode, 200);
    const renewed = res.json() as { token: string; ttl: number; expiresAt: string };
    assert.notEqual(renewed.token, created.token);
    assert.ok(new Date(renewed.expiresAt) > new Date(created.expiresAt));
    assert.deepEqual(proxyAccepts(renewed.token, sip.secret, Date.now()), { user: created.session.identity });
  });

  it("another user cannot renew a SIP session's credentials", async () => {
    const created = await createSession(app, alice, SIP_NUMBER);
    const res = await app.inject({
      method: 'POST',
      url: `/sessions/${created.session.sys_id}/token`,
      headers: bob.headers,
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'FORBIDDEN');
  });

  it('GET /sip/route names the available sessions of the SIP number for the proxy to fork to', async () => {
    const proxy = { authorization: `Bearer ${sipRoutingToken(sip.secret)}` };
    const route = (to: string) =>
      app.inject({ url: `/sip/route?to=${encodeURIComponent(to)}&callId=c1`, headers: proxy });
    const carol = await signIn(app, 'carol');
    const dave = await signIn(app, 'dave');
    const carolSession = await createSession(app, carol, SIP_NUMBER);
    const daveSession = await createSession(app, dave, SIP_NUMBER);
    const res = await route(SIP_NUMBER);
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    const [number, callerUser, parentId, ...targets] = res.body.split('|');
    assert.deepEqual([number, callerUser], [SIP_NUMBER, '']);
    assert.match(parentId ?? '', /^[0-9a-f]{32}$/);
    // One session per user (the newest), so carol and dave both ring, alongside the earlier tests' users.
    assert.ok(targets.includes(carolSession.session.identity));
    assert.ok(targets.includes(daveSession.session.identity));
    // Unavailable: not rung.
    await app.inject({
      method: 'PATCH',
      url: `/sessions/${daveSession.session.sys_id}`,
      headers: dave.headers,
      payload: { available: false },
    });
    assert.ok(!(await route(SIP_NUMBER)).body.split('|').includes(daveSession.session.identity));
    // A Twilio number is not routed by the proxy.
    assert.equal((await route(DEMO_NUMBER)).statusCode, 404);

    // A session calling a colleague's user sys_id: that colleague's available sessions, the caller named.
    // Asking recorded c1 as ringing carol and dave (busy meanwhile): the caller gives up.
    const ended = await app.inject({
      method: 'POST',
      url: '/sip/calls/ended',
      headers: { ...proxy, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'callId=c1&code=487',
    });
    assert.equal(ended.statusCode, 204, ended.body);
    // The caller's INVITE report records its call first (server/routes/sip-calls.ts).
    const placed = await app.inject({
      method: 'POST',
      url: '/sip/calls',
      headers: { ...proxy, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        callId: 'c2',
        from: daveSession.session.identity,
        to: carol.user.sys_id,
      }).toString(),
    });
    assert.equal(placed.statusCode, 204, placed.body);
    // Carol's Twilio tab cannot take a SIP INVITE: the proxy is never told to ring it.
    await createSession(app, carol, DEMO_NUMBER);
    const colleague = (from: string) =>
      app.inject({
        url: `/sip/route?to=${carol.user.sys_id}&from=${encodeURIComponent(from)}&callId=c2`,
        headers: proxy,
      });
    const fromDave = await colleague(daveSession.session.identity);
    assert.equal(fromDave.statusCode, 200);
    const parent = await app.notifyStore.getCall('c2');
    assert.equal(
      fromDave.body,
      [SIP_NUMBER, dave.user.sys_id, parent?.sys_id, carolSession.session.identity].join('|'),
    );
    // Not from one of our sessions: nothing to route.
    assert.equal((await colleague('s_0000')).statusCode, 404);
  });

  it('without a configured proxy a SIP number has no compatible vendor', async () => {
    const bare = await makeApp({ seed: { numbers: [{ number: SIP_NUMBER, vendor: 'SIP', group: 'demo' }] } });
    try {
      const carol = await signIn(bare, 'carol');
      const lookup = await bare.inject({
        url: `/caller-ids/${encodeURIComponent(SIP_NUMBER)}`,
        headers: carol.headers,
      });
      assert.equal(lookup.json().vendor, null);
      const res = await bare.inject({
        method: 'POST',
        url: '/sessions',
        headers: carol.headers,
        payload: { callerId: SIP_NUMBER },
      });
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().error.code, 'NO_COMPATIBLE_VENDOR');
    } finally {
      await bare.close();
    }
  });

  it('the configuration reads the SIP proxy from the environment, all three settings or none', () => {
    const base = {
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 't',
      TWILIO_API_KEY: `SK${'0'.repeat(32)}`,
      TWILIO_API_SECRET: 's',
      TWILIO_TWIML_APP_SID: `AP${'0'.repeat(32)}`,
      NOTIFY_PUBLIC_URL: 'https://example.test/api',
      NOTIFY_SESSION_SECRET: 'x'.repeat(32),
      NOTIFY_SEED_NUMBERS: `${SIP_NUMBER}:SIP:demo`,
    };
    const config = loadConfig({
      ...base,
      NOTIFY_SIP_DOMAIN: sip.domain,
      NOTIFY_SIP_WS_URL: sip.wsUrl,
      NOTIFY_SIP_SECRET: sip.secret,
    });
    assert.deepEqual(config.options.sip, sip);
    assert.deepEqual(config.options.seed?.numbers, [{ number: SIP_NUMBER, vendor: 'SIP', group: 'demo' }]);
    assert.throws(() => loadConfig({ ...base, NOTIFY_SIP_DOMAIN: sip.domain }), /go together/);
    assert.throws(
      () =>
        loadConfig({
          ...base,
          NOTIFY_SIP_DOMAIN: 'd',
          NOTIFY_SIP_WS_URL: 'ws://d',
          NOTIFY_SIP_SECRET: sip.secret,
        }),
      /wss:\/\//,
    );
    assert.throws(
      () =>
        loadConfig({
          ...base,
          NOTIFY_SIP_DOMAIN: 'd',
          NOTIFY_SIP_WS_URL: sip.wsUrl,
          NOTIFY_SIP_SECRET: 'short',
        }),
      /at least 32/,
    );
  });
});
