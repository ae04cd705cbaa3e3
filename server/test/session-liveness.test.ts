import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import { loadConfig } from '../config.js';
import { SqliteStore } from '../store/sqlite.js';
import type { PresenceEvent } from '../store/store.js';
import {
  DEMO_NUMBER,
  callSid,
  createSession,
  makeApp,
  postWebhook,
  signIn,
  type CreatedSession,
  type SignedIn,
  type TestApp,
} from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const identities = (twiml: string) => [...twiml.matchAll(/<Identity>([^<]+)<\/Identity>/g)].map((m) => m[1]);

/**
 * Liveness of `notify_client_session` rows: a client sends `POST /sessions/:sysId/heartbeat` every
 * `heartbeatSeconds`; a row not seen for `sessionTtlSeconds` is expired (never rung, never listed, never
 * revived) and the app's sweep removes it, publishing `session.removed`.
 */
describe('session liveness (heartbeat, expiry, sweep)', () => {
  const account = createDevAccount();
  const TTL = 1;
  let app: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let aliceS: CreatedSession;
  let bobS: CreatedSession;
  let n = 0x7000;

  const heartbeat = (who: SignedIn, sysId: string) =>
    app.inject({ method: 'POST', url: `/sessions/${sysId}/heartbeat`, headers: who.headers });

  before(async () => {
    // Not ready(): no sweep, so expired rows stay in the table and the filters alone are tested here.
    app = await makeApp({ account, sessionTtlSeconds: TTL });
    alice = await signIn(app, 'alice');
    bob = await signIn(app, 'bob');
  });
  after(() => app.close());

  it('POST /sessions hands out heartbeatSeconds; a heartbeat answers 204 and moves last_seen', async () => {
    aliceS = await createSession(app, alice);
    assert.equal((aliceS as CreatedSession & { heartbeatSeconds: number }).heartbeatSeconds, TTL / 3);
    const before = (await app.notifyStore.getSession(aliceS.session.sys_id))!.last_seen;
    await sleep(5);
    const res = await heartbeat(alice, aliceS.session.sys_id);
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(res.body, '');
    assert.ok((await app.notifyStore.getSession(aliceS.session.sys_id))!.last_seen > before);
  });

  it('a heartbeat asking about calls answers which of its own ended (issue 10); others read as not ended', async () => {
    aliceS = await createSession(app, alice);
    bobS = await createSession(app, bob);
    const [ended, live, bobs] = [callSid(++n), callSid(++n), callSid(++n)];
    const leg = (sid: string, session: string, status: 'completed' | 'in-progress') =>
      app.notifyStore.upsertCall({
        call_sid: sid,
        session,
        direction: 'outbound',
        from: 'client:x',
        to: '+15551234567',
        status,
      });
    await leg(ended, aliceS.session.sys_id, 'completed');
    await leg(live, aliceS.session.sys_id, 'in-progress');
    await leg(bobs, bobS.session.sys_id, 'completed');
    const asked = await app.inject({
      method: 'POST',
      url: `/sessions/${aliceS.session.sys_id}/heartbeat`,
      headers: alice.headers,
      payload: { calls: [ended, live, bobs, callSid(++n)] },
    });
    assert.equal(asked.statusCode, 200, asked.body);
    assert.deepEqual(asked.json(), { ended: [ended] });
    for (const payload of [
      { calls: ['nope'] },
      { calls: Array.from({ length: 11 }, (_, k) => callSid(k)) },
      { calls: [ended, ended] },
    ]) {
      const bad = await app.inject({
        method: 'POST',
        url: `/sessions/${aliceS.session.sys_id}/heartbeat`,
        headers: alice.headers,
        payload,
      });
      assert.equal(bad.statusCode, 400, JSON.stringify(payload));
      assert.equal((bad.json() as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
    }
  });

  it('an expired session is not rung (incoming, client to client), not listed, and its heartbeat is 404', async () => {
    aliceS = await createSession(app, alice);
    bobS = await createSession(app, bob);
    // Bob keeps heartbeating; Alice's clients vanish.
    for (let i = 0; i < 4; i++) {
      await sleep((TTL * 1000) / 3);
      assert.equal((await heartbeat(bob, bobS.session.sys_id)).statusCode, 204);
    }
    const available = await app.inject({ method: 'GET', url: '/sessions/available', headers: bob.headers });
    assert.deepEqual(available.json(), { clients: [], next: null });
    const forAlice = await app.inject({ method: 'GET', url: '/sessions/available', headers: alice.headers });
    assert.deepEqual(forAlice.json(), { clients: [bob.user], next: null });

    const incoming = await postWebhook(app, account.authToken, '/twilio/voice', {
      AccountSid: account.accountSid,
      CallSid: callSid(++n),
      CallStatus: 'ringing',
      Direction: 'inbound',
      From: '+15557654321',
      To: DEMO_NUMBER,
    });
    assert.deepEqual(identities(incoming.body), [bobS.session.identity]);

    const toAlice = await postWebhook(app, account.authToken, '/twilio/voice', {
      AccountSid: account.accountSid,
      CallSid: callSid(++n),
      CallStatus: 'ringing',
      Direction: 'inbound',
      From: `client:${bobS.session.identity}`,
      To: `client:${alice.user.sys_id}`,
    });
    assert.equal(toAlice.statusCode, 200);
    assert.deepEqual(identities(toAlice.body), [], toAlice.body);

    // The expired row is gone for its client: never revived, removed on the spot (before any sweep).
    const late = await heartbeat(alice, aliceS.session.sys_id);
    assert.equal(late.statusCode, 404);
    assert.equal((late.json() as { error: { code: string } }).error.code, 'UNKNOWN_SESSION');
    assert.equal(await app.notifyStore.getSession(aliceS.session.sys_id), undefined);
    const token = await app.inject({
      method: 'POST',
      url: `/sessions/${bobS.session.sys_id}/token`,
      headers: bob.headers,
    });
    assert.equal(token.statusCode, 200);

    // Control: a live session of Alice is rung again.
    const fresh = await createSession(app, alice);
    const again = await postWebhook(app, account.authToken, '/twilio/voice', {
      AccountSid: account.accountSid,
      CallSid: callSid(++n),
      CallStatus: 'ringing',
      Direction: 'inbound',
      From: `client:${bobS.session.identity}`,
      To: `client:${alice.user.sys_id}`,
    });
    assert.deepEqual(identities(again.body), [fresh.session.identity]);
  });
});

describe('the sweep of expired sessions', () => {
  it('runs once the app is ready, removes expired rows, publishes session.removed, and stops on close', async () => {
    const store = new SqliteStore(':memory:');
    try {
      const app = await makeApp({ store, sessionTtlSeconds: 0.6 });
      const alice = await signIn(app, 'alice');
      const bob = await signIn(app, 'bob');
      const events: PresenceEvent[] = [];
      const unsubscribe = await store.onPresence((event) => events.push(event));
      const aliceS = await createSession(app, alice);
      const bobS = await createSession(app, bob);
      await app.ready();
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline) {
        await app.inject({
          method: 'POST',
          url: `/sessions/${bobS.session.sys_id}/heartbeat`,
          headers: bob.headers,
        });
        if (!(await store.getSession(aliceS.session.sys_id))) break;
        await sleep(100);
      }
      assert.equal(await store.getSession(aliceS.session.sys_id), undefined, 'swept');
      assert.ok(await store.getSession(bobS.session.sys_id), 'a live session stays');
      const removed = events.filter((e) => e.type === 'session.removed');
      assert.deepEqual(
        removed.map((e) => [e.session.sys_id, e.availability]),
        [[aliceS.session.sys_id, { client: alice.user, available: false }]],
      );

      await app.close();
      // Closed: the interval is cleared, expired rows stay.
      const unswept = await makeApp({ store, sessionTtlSeconds: 60 });
      const late = await createSession(unswept, alice);
      // Settled, not slept on: a witness app with the closed one's TTL, on a store of its own, sweeps two of its
      // sessions one after the other. The second was created after the first was swept, so more than twice the
      // TTL has passed since `late` was: a sweep of the closed app (every 500 ms) still running would have
      // found `late` expired and removed it.
      const witnessStore = new SqliteStore(':memory:');
      const witness = await makeApp({ store: witnessStore, sessionTtlSeconds: 0.6 });
      try {
        await witness.ready();
        for (let i = 0; i < 2; i++) {
          const { session } = await createSession(witness, await signIn(witness, `witness-${i}`));
          const deadline = Date.now() + 10_000;
          while ((await witnessStore.getSession(session.sys_id)) && Date.now() < deadline) await sleep(20);
          assert.equal(await witnessStore.getSession(session.sys_id), undefined, 'the witness swept');
        }
      } finally {
        await witness.close();
        await witnessStore.close();
      }
      assert.ok(await store.getSession(late.session.sys_id));
      await unswept.close();
      await unsubscribe();
    } finally {
      await store.close();
    }
  });
});

describe('NOTIFY_SESSION_TTL', () => {
  const env = {
    TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'x'.repeat(32),
    TWILIO_API_KEY: `SK${'1'.repeat(32)}`,
    TWILIO_API_SECRET: 'y'.repeat(32),
    TWILIO_TWIML_APP_SID: `AP${'1'.repeat(32)}`,
    NOTIFY_PUBLIC_URL: 'https://example.test/api',
    NOTIFY_SESSION_SECRET: 'z'.repeat(32),
  };
  it('defaults to 90 s, reads 15…3600 and refuses anything else', () => {
    assert.equal(loadConfig(env).options.sessionTtlSeconds, 90);
    assert.equal(loadConfig({ ...env, NOTIFY_SESSION_TTL: '30' }).options.sessionTtlSeconds, 30);
    for (const bad of ['5', '3601', 'soon', '1.5'])
      assert.throws(() => loadConfig({ ...env, NOTIFY_SESSION_TTL: bad }), /NOTIFY_SESSION_TTL/);
  });
});
