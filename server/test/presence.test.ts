import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import { SqliteStore } from '../store/sqlite.js';
import type { NotifyStore } from '../store/store.js';
import {
  DEMO_NUMBER,
  OTHER_NUMBER,
  callSid,
  createSession,
  makeApp,
  postWebhook,
  signIn,
  type TestApp,
} from './helpers.js';
import { bearer, hostIdentity, hostToken } from './identity.js';
import { dropSchema, pgUrl, skipWithoutPg, testSchema } from './pg.js';
import { openSse, type SseEvent, type SseStream } from './sse.js';

const skipPg = await skipWithoutPg();
const seed = {
  numbers: [
    { number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT' as const, group: 'support' },
    { number: OTHER_NUMBER, vendor: 'TWILIO_DIRECT' as const, group: 'sales' },
  ],
};

/** An app of this file's users and numbers (host identity, no dev sign-in), with `options` on top. */
function presenceApp(options: Parameters<typeof makeApp>[0] = {}): Promise<TestApp> {
  return makeApp({ devSignIn: false, hostIdentity, seed, processMetrics: false, ...options });
}

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
  const me = await fetch(`${base.a}/me`, { headers: bearer(tokens.alice) });
  const aliceId = ((await me.json()) as { user: { sys_id: string } }).user.sys_id;
  let stream: SseStream | undefined;
  try {
    stream = await openSse(`${base.b}/presence`, bearer(tokens.bob));
    assert.equal(stream.response.statusCode, 200);
    assert.match(String(stream.response.headers['content-type']), /^text\/event-stream/);
    await stream.waitFor((e) => e.event === 'available');
    assert.deepEqual(stream.events[0], { event: 'available', data: { clients: [], next: null } });

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
        e.event === 'availability' &&
        JSON.stringify(e.data) ===
          JSON.stringify({ client: { sys_id: aliceId, name: 'Alice' }, available: true }),
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
        e.event === 'availability' &&
        JSON.stringify(e.data) ===
          JSON.stringify({ client: { sys_id: aliceId, name: 'Alice' }, available: false }),
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
        (e) =>
          (e.event !== 'session' || (e.data as { session: { user: string } }).session.user === aliceId) &&
          (e.event !== 'availability' ||
            (e.data as { client: { sys_id: string } }).client.sys_id === aliceId),
      ),
      JSON.stringify(stream.events),
    );
    // Removing an unavailable session changes nobody's list: no third availability event.
    assert.equal(stream.events.filter((e) => e.event === 'availability').length, 2);
    return { session: session.sys_id };
  } finally {
    stream?.close();
  }
}

describe('GET /presence (SQLite, one instance)', () => {
  let app: TestApp;
  before(async () => {
    app = await presenceApp();
  });
  after(() => app?.close());

  it('pushes session and availability changes of the user’s groups only', async () => {
    await presenceScenario(app, app);
  });

  it('sends the same security headers as every other route, on the stream and on its refusals', async (t) => {
    // Three requests a minute from one address: the fourth is refused by the rate limiter, before the route.
    const own = await presenceApp({ rateLimit: { perIpPerMinute: 3 } });
    t.after(() => own.close());
    const url = await listen(own);
    // The reference: what the per-request middleware (helmet) sets on an ordinary route.
    const me = await fetch(`${url}/me`, { headers: bearer(await hostToken(bob)) });
    assert.equal(me.status, 200);
    const security = [...me.headers.keys()].filter(
      (name) =>
        !/^x-(ratelimit|request-id)/.test(name) &&
        /^(content-security-policy|strict-transport-security|x-|referrer-policy|cross-origin-|origin-agent-cluster|cache-control)/.test(
          name,
        ),
    );
    assert.ok(security.length >= 10, `helmet's headers on /me: ${security.join(', ')}`);
    const stream = await openSse(`${url}/presence`, bearer(await hostToken(bob)));
    const refused = await openSse(`${url}/presence`, {});
    const limited = await openSse(`${url}/presence`, bearer(await hostToken(bob)));
    try {
      assert.equal(stream.response.statusCode, 200);
      assert.equal(refused.response.statusCode, 401);
      assert.equal(limited.response.statusCode, 429);
      for (const name of security) {
        assert.equal(limited.response.headers[name], me.headers.get(name), `${name} on the rate limit's 429`);
        // The stream's own: `no-store, no-transform` (proxies must not buffer or compress it).
        if (name !== 'cache-control')
          assert.equal(stream.response.headers[name], me.headers.get(name), `${name} on the stream`);
        assert.equal(refused.response.headers[name], me.headers.get(name), `${name} on the refusal`);
      }
    } finally {
      stream.close();
      refused.close();
      limited.close();
    }
  });

  it("answers HEAD with the stream's headers and holds no stream open for it", async (t) => {
    const capped = await presenceApp({ presenceStreamsPerUser: 1 });
    t.after(() => capped.close());
    const url = `${await listen(capped)}/presence`;
    const bobAuth = bearer(await hostToken(bob));
    // The HEAD's connection stays open meanwhile, as a client that keeps its connections would keep it.
    const head = await new Promise<IncomingMessage>((resolve, reject) =>
      request(url, { method: 'HEAD', headers: bobAuth, agent: false }, resolve).on('error', reject).end(),
    );
    try {
      assert.equal(head.statusCode, 200);
      assert.match(String(head.headers['content-type']), /^text\/event-stream/);
      assert.equal((await fetch(url, { method: 'HEAD' })).status, 401, 'HEAD needs the same credentials');
      // Bob's one stream is still free: the HEAD took none.
      const stream = await openSse(url, bobAuth);
      try {
        assert.equal(stream.response.statusCode, 200);
        await stream.waitFor((e) => e.event === 'available');
      } finally {
        stream.close();
      }
    } finally {
      head.socket?.destroy();
    }
  });

  it('bounds the open streams per user: one more is refused with 429, others are unaffected', async () => {
    const capped = await presenceApp({ presenceStreamsPerUser: 2 });
    const streams: SseStream[] = [];
    try {
      const url = `${await listen(capped)}/presence`;
      const bobAuth = bearer(await hostToken(bob));
      for (let i = 0; i < 2; i++) {
        const stream = await openSse(url, bobAuth);
        streams.push(stream);
        await stream.waitFor((e) => e.event === 'available');
      }
      const third = await openSse(url, bobAuth);
      streams.push(third);
      assert.equal(third.response.statusCode, 429);
      // Another user still gets a stream, and Bob gets one again once he closes one.
      const aliceStream = await openSse(url, bearer(await hostToken(alice)));
      streams.push(aliceStream);
      assert.equal(aliceStream.response.statusCode, 200);
      streams[0]!.close();
      // The server frees the slot when it sees the close: asked again until it has (a condition, not a pause).
      let again = await openSse(url, bobAuth);
      for (const deadline = Date.now() + 5000; again.response.statusCode === 429 && Date.now() < deadline;) {
        again.close();
        await new Promise((resolve) => setTimeout(resolve, 10));
        again = await openSse(url, bobAuth);
      }
      streams.push(again);
      assert.equal(again.response.statusCode, 200);
    } finally {
      for (const stream of streams) stream.close();
      await capped.close();
    }
  });

  it('fans one change out as exactly one event per subscriber, reading the store O(1) times', async () => {
    const counts = { calls: 0 };
    const inner = new SqliteStore(':memory:');
    const store = new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          counts.calls++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as NotifyStore;
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const fanApp = await makeApp({ store, processMetrics: false, rateLimit: false });
    const streams: SseStream[] = [];
    try {
      const url = await listen(fanApp);
      /** Opens `n` more subscribers, then makes one change and counts store calls until all heard it. */
      const round = async (n: number, changer: string) => {
        for (let i = 0; i < n; i++) {
          const who = await signIn(fanApp, `agent-${streams.length}`);
          const stream = await openSse(`${url}/presence`, { authorization: `Bearer ${who.token}` });
          await stream.waitFor((e) => e.event === 'available');
          streams.push(stream);
        }
        const who = await signIn(fanApp, changer);
        const before = counts.calls;
        await createSession(fanApp, who);
        const isMine = (e: SseEvent) =>
          (e.event === 'session' &&
            (e.data as { session: { user: string } }).session.user === who.user.sys_id) ||
          (e.event === 'availability' &&
            (e.data as { client: { sys_id: string } }).client.sys_id === who.user.sys_id);
        for (const stream of streams) {
          await stream.waitFor((e) => e.event === 'availability' && isMine(e));
        }
        const calls = counts.calls - before;
        // Settled, not slept on: a later change reaches every stream after any duplicate of this one would
        // (each stream is written in order), so once all have it, `mine` is complete.
        const marker = await signIn(fanApp, `${changer}-marker`);
        await createSession(fanApp, marker);
        for (const stream of streams) {
          await stream.waitFor(
            (e) =>
              e.event === 'availability' &&
              (e.data as { client: { sys_id: string } }).client.sys_id === marker.user.sys_id,
          );
        }
        for (const stream of streams) {
          const mine = stream.events.filter(isMine);
          assert.deepEqual(
            mine.map((e) => e.event),
            ['session', 'availability'],
          );
          assert.deepEqual((mine[1]!.data as { client: unknown }).client, who.user);
        }
        return calls;
      };
      const few = await round(3, 'changer-1');
      const many = await round(37, 'changer-2'); // 40 subscribers
      assert.equal(many, few, `store calls for one change: ${few} with 3 subscribers, ${many} with 40`);
      assert.ok(few <= 5, `${few} store calls for one change`);
      assert.equal(
        warnings.filter((w) => w.name === 'MaxListenersExceededWarning').length,
        0,
        warnings.map(String).join('\n'),
      );
    } finally {
      for (const stream of streams) stream.close();
      process.off('warning', onWarning);
      await fanApp.close();
      await inner.close();
    }
  });

  it('ends open streams when the server closes', async () => {
    const other = await presenceApp();
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
