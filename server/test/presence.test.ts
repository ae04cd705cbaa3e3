import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import { userSysIdFor } from '../auth.js';
import { DEMO_NUMBER, OTHER_NUMBER, callSid, makeApp, postWebhook, type TestApp } from './helpers.js';
import { bearer, HOST, hostIdentity, hostToken } from './identity.js';
import { dropSchema, pgUrl, skipWithoutPg, testSchema } from './pg.js';
import { openSse, type SseStream } from './sse.js';

const skipPg = await skipWithoutPg();
const seed = {
  numbers: [
    { number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT' as const, group: 'support' },
    { number: OTHER_NUMBER, vendor: 'TWILIO_DIRECT' as const, group: 'sales' },
  ],
};

async function listen(app: TestApp): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' });
}

const alice = { sub: 'alice', name: 'Alice', groups: ['support'] };
const bob = { sub: 'bob', name: 'Bob', groups: ['support'] };
const carol = { sub: 'carol', name: 'Carol', groups: ['sales'] };

/**
 * Runs the presence scenario: Bob subscribes on `b`, Alice creates a session and changes availability on
 * `a`, Carol (another group) does so too; Bob sees Alice's changes and never Carol's.
 */
async function presenceScenario(a: TestApp, b: TestApp) {
  const [urlA, urlB] = [await listen(a), a === b ? '' : await listen(b)];
  const base = { a: urlA, b: urlB || urlA };
  const tokens = { alice: await hostToken(alice), bob: await hostToken(bob), carol: await hostToken(carol) };
  const aliceId = userSysIdFor(HOST.issuer, 'alice');
  let stream: SseStream | undefined;
  try {
    stream = await openSse(`${base.b}/presence`, bearer(tokens.bob));
    assert.equal(stream.response.statusCode, 200);
    assert.match(String(stream.response.headers['content-type']), /^text\/event-stream/);
    await stream.waitFor((e) => e.event === 'available');
    assert.deepEqual(stream.events[0], { event: 'available', data: { clients: [] } });

    const created = await fetch(`${base.a}/sessions`, {
      method: 'POST',
      headers: { ...bearer(tokens.alice), 'content-type': 'application/json' },
      body: JSON.stringify({ callerId: DEMO_NUMBER }),
    });
    assert.equal(created.status, 201);
    const { session } = (await created.json()) as { session: { sys_id: string } };
    await stream.waitFor(
      (e) =>
        e.event === 'session' &&
        (e.data as { type: string }).type === 'session.created' &&
        (e.data as { session: { sys_id: string } }).session.sys_id === session.sys_id,
    );
    await stream.waitFor(
      (e) =>
        e.event === 'available' &&
        JSON.stringify(e.data) === JSON.stringify({ clients: [{ sys_id: aliceId, name: 'Alice' }] }),
    );

    // Carol is in another group: nothing of hers reaches Bob.
    const carolSession = await fetch(`${base.a}/sessions`, {
      method: 'POST',
      headers: { ...bearer(tokens.carol), 'content-type': 'application/json' },
      body: JSON.stringify({ callerId: OTHER_NUMBER }),
    });
    assert.equal(carolSession.status, 201);

    const patched = await fetch(`${base.a}/sessions/${session.sys_id}`, {
      method: 'PATCH',
      headers: { ...bearer(tokens.alice), 'content-type': 'application/json' },
      body: JSON.stringify({ available: false }),
    });
    assert.equal(patched.status, 200);
    await stream.waitFor(
      (e) => e.event === 'session' && (e.data as { type: string }).type === 'session.updated',
    );
    await stream.waitFor(
      (e) =>
        e.event === 'available' &&
        JSON.stringify(e.data) === '{"clients":[]}' &&
        stream!.events.indexOf(e) > 0,
    );

    const removed = await fetch(`${base.a}/sessions/${session.sys_id}`, {
      method: 'DELETE',
      headers: bearer(tokens.alice),
    });
    assert.equal(removed.status, 204);
    await stream.waitFor(
      (e) => e.event === 'session' && (e.data as { type: string }).type === 'session.removed',
    );
    assert.ok(
      stream.events.every(
        (e) => e.event !== 'session' || (e.data as { session: { user: string } }).session.user === aliceId,
      ),
      JSON.stringify(stream.events),
    );
    return { session: session.sys_id };
  } finally {
    stream?.close();
  }
}

describe('GET /presence (SQLite, one instance)', () => {
  let app: TestApp;
  before(async () => {
    app = await makeApp({ devSignIn: false, hostIdentity, seed, processMetrics: false });
  });
  after(() => app?.close());

  it('pushes session and availability changes of the user’s groups only', async () => {
    await presenceScenario(app, app);
  });

  it('ends open streams when the server closes', async () => {
    const other = await makeApp({ devSignIn: false, hostIdentity, seed, processMetrics: false });
    const url = await listen(other);
    const stream = await openSse(`${url}/presence`, bearer(await hostToken(bob)));
    await stream.waitFor((e) => e.event === 'available');
    const ended = new Promise((resolve) => stream.response.on('end', resolve));
    await other.close();
    await ended;
  });
});

describe('two instances on one PostgreSQL schema', { skip: skipPg }, () => {
  const schema = testSchema();
  const account = createDevAccount();
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    const options = {
      account,
      database: pgUrl(schema),
      devSignIn: false,
      hostIdentity,
      seed,
      processMetrics: false,
    };
    a = await makeApp(options);
    b = await makeApp(options);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await dropSchema(schema);
  });

  it('pushes a session created and availability changed on A to a subscriber on B', async () => {
    await presenceScenario(a, b);
  });

  it('reads through B what was written through A, and the reverse', async () => {
    const token = await hostToken(alice);
    const created = await a.inject({
      method: 'POST',
      url: '/sessions',
      headers: bearer(token),
      payload: { callerId: DEMO_NUMBER },
    });
    assert.equal(created.statusCode, 201);
    const { session } = created.json() as { session: { sys_id: string; identity: string } };
    // Availability changed on B, token refreshed on A.
    const patched = await b.inject({
      method: 'PATCH',
      url: `/sessions/${session.sys_id}`,
      headers: bearer(token),
      payload: { available: false },
    });
    assert.equal(patched.statusCode, 200);
    assert.equal((await a.notifyStore.getSession(session.sys_id))?.available, false);
    const refreshed = await a.inject({
      method: 'POST',
      url: `/sessions/${session.sys_id}/token`,
      headers: bearer(token),
    });
    assert.equal(refreshed.statusCode, 200);
    // A call placed through A, its status callbacks split between A and B.
    const parent = callSid(0x2001);
    const child = callSid(0x2002);
    const voice = await postWebhook(a, account.authToken, '/twilio/voice', {
      AccountSid: account.accountSid,
      CallSid: parent,
      From: `client:${session.identity}`,
      To: '+15551234567',
      CallStatus: 'ringing',
    });
    assert.equal(voice.statusCode, 200);
    const status = (app: TestApp, CallStatus: string) =>
      postWebhook(app, account.authToken, '/twilio/status', {
        AccountSid: account.accountSid,
        CallSid: child,
        ParentCallSid: parent,
        From: DEMO_NUMBER,
        To: '+15551234567',
        CallStatus,
      });
    assert.equal((await status(b, 'initiated')).statusCode, 204);
    assert.equal((await status(a, 'in-progress')).statusCode, 204);
    assert.equal((await status(b, 'completed')).statusCode, 204);
    assert.equal((await status(a, 'completed')).statusCode, 204); // a retry: no change
    for (const app of [a, b]) {
      const calls = await app.notifyStore.listCalls({ session: session.sys_id });
      assert.deepEqual(
        calls.map((c) => [c.call_sid, c.status]),
        [
          [parent, 'ringing'],
          [child, 'completed'],
        ],
      );
      const parentRes = await app.inject({
        method: 'GET',
        url: `/calls/${child}/parent`,
        headers: bearer(token),
      });
      assert.deepEqual(parentRes.json(), { parentId: calls[0]!.sys_id });
    }
    const removed = await b.inject({
      method: 'DELETE',
      url: `/sessions/${session.sys_id}`,
      headers: bearer(token),
    });
    assert.equal(removed.statusCode, 204);
    assert.equal(await a.notifyStore.getSession(session.sys_id), undefined);
  });
});
