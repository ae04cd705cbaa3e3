import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../store/sqlite.js';
import type { NotifyStore } from '../store/store.js';
import { DEMO_NUMBER, OTHER_NUMBER, createSession, makeApp, signIn, type TestApp } from './helpers.js';
import { bearer, hostIdentity, hostToken, nowSeconds } from './identity.js';
import { dropSchema, pgUrl, skipWithoutPg, testSchema } from './pg.js';
import { openSse, type SseStream } from './sse.js';

const skipPg = await skipWithoutPg();
const seed = {
  numbers: [
    { number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT' as const, group: 'support' },
    { number: OTHER_NUMBER, vendor: 'TWILIO_DIRECT' as const, group: 'sales' },
  ],
};
/** Guards against a stream that never ends hanging the run; not an assertion on speed. */
const guard = { timeout: 30_000 };

/** Resolves when the server has ended the stream. */
function ended(stream: SseStream): Promise<void> {
  const { response } = stream;
  if (response.readableEnded || response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    response.once('end', resolve);
    response.once('close', resolve);
  });
}

async function openPresence(url: string, token: string): Promise<SseStream> {
  const stream = await openSse(`${url}/presence`, bearer(token));
  assert.equal(stream.response.statusCode, 200);
  await stream.waitFor((e) => e.event === 'available');
  return stream;
}

const signOut = (app: TestApp, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url: '/auth/sign-out', headers });

describe('POST /auth/sign-out (SQLite, dev sign-in)', () => {
  let app: TestApp;
  let url: string;
  before(async () => {
    app = await makeApp({ processMetrics: false });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => app?.close());

  it(
    'refuses the same token afterwards, deletes the sessions, ends the presence stream, clears the cookie',
    guard,
    async () => {
      const ann = await signIn(app, 'Ann');
      const ben = await signIn(app, 'Ben');
      const { session } = await createSession(app, ann);
      const bensSession = (await createSession(app, ben)).session;
      const stream = await openPresence(url, ann.token);

      const res = await signOut(app, ann.headers);
      assert.equal(res.statusCode, 204, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.match(String(res.headers['set-cookie']), /^notify_session=;.*Max-Age=0/);
      await ended(stream);
      assert.equal(await app.notifyStore.getSession(session.sys_id), undefined);
      assert.ok(await app.notifyStore.getSession(bensSession.sys_id), "another user's session stays");

      for (const headers of [ann.headers, { cookie: `notify_session=${ann.token}` }]) {
        const me = await app.inject({ method: 'GET', url: '/me', headers });
        assert.equal(me.statusCode, 401);
        assert.equal(me.json().error.code, 'UNAUTHENTICATED');
      }
      const again = await signOut(app, ann.headers);
      assert.equal(again.statusCode, 401);
      assert.equal(again.headers['cache-control'], 'no-store');
      // Signing in again gives a working token; the old one stays refused.
      const back = await signIn(app, 'Ann');
      assert.equal(back.user.sys_id, ann.user.sys_id);
      assert.equal((await app.inject({ method: 'GET', url: '/me', headers: back.headers })).statusCode, 200);
      assert.equal((await app.inject({ method: 'GET', url: '/me', headers: ann.headers })).statusCode, 401);
      assert.equal((await app.inject({ method: 'GET', url: '/me', headers: ben.headers })).statusCode, 200);
    },
  );
});

describe('a presence stream opening while its user signs out', () => {
  /** Runs `hook` once, the `nth` time the store's `method` is called for `user`, before answering. */
  let trap: { method: string; user: string; nth: number; hook: () => Promise<void> } | undefined;
  const inner = new SqliteStore(':memory:');
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const armed = trap;
        if (armed && property === armed.method && args[0] === armed.user && --armed.nth === 0) {
          trap = undefined;
          // Read first, sign out after: the answer is what a request read just before the sign-out.
          const answer = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          await armed.hook();
          return answer;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as NotifyStore;
  let app: TestApp;
  let url: string;
  before(async () => {
    app = await makeApp({ store, processMetrics: false });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await app?.close();
    await inner.close();
  });

  it('is refused when the sign-out lands between authentication and listening', guard, async () => {
    const ann = await signIn(app, 'Ann');
    const signOutNow = async () => void (await inner.signOut(ann.user.sys_id, nowSeconds()));
    trap = { method: 'listUserGroups', user: ann.user.sys_id, nth: 1, hook: signOutNow };
    const stream = await openSse(`${url}/presence`, ann.headers);
    assert.equal(stream.response.statusCode, 401);
    stream.close();
  });

  it('is refused when the sign-out is announced while its token is checked again', guard, async () => {
    const ben = await signIn(app, 'Ben');
    const signOutNow = async () => void (await inner.signOut(ben.user.sys_id, nowSeconds()));
    // The first read authenticates the request, the second re-checks it once the hub listens.
    trap = { method: 'getSignInState', user: ben.user.sys_id, nth: 2, hook: signOutNow };
    const stream = await openSse(`${url}/presence`, ben.headers);
    assert.equal(stream.response.statusCode, 401);
    stream.close();
    assert.equal((await app.inject({ method: 'GET', url: '/me', headers: ben.headers })).statusCode, 401);
  });
});

describe('POST /auth/sign-out (SQLite, host identity)', () => {
  let app: TestApp;
  before(async () => {
    app = await makeApp({ devSignIn: false, hostIdentity, seed, processMetrics: false });
  });
  after(() => app?.close());

  it('refuses host tokens issued up to the sign-out, accepts one issued after it', async () => {
    const claims = { sub: 'cleo@host', name: 'Cleo', groups: ['support'] };
    const token = await hostToken(claims, { issuedAt: nowSeconds() - 5 });
    const older = await hostToken(claims, { issuedAt: nowSeconds() - 10 });
    assert.equal((await signOut(app, bearer(token))).statusCode, 204);
    for (const revoked of [token, older]) {
      const me = await app.inject({ method: 'GET', url: '/me', headers: bearer(revoked) });
      assert.equal(me.statusCode, 401);
    }
    const fresh = await hostToken(claims, { issuedAt: nowSeconds() + 2 });
    const me = await app.inject({ method: 'GET', url: '/me', headers: bearer(fresh) });
    assert.equal(me.statusCode, 200, me.body);
  });
});

describe('POST /auth/sign-out across two instances on one PostgreSQL schema', { skip: skipPg }, () => {
  const schema = testSchema();
  let a: TestApp;
  let b: TestApp;
  let urlB: string;
  before(async () => {
    const options = { database: pgUrl(schema), devSignIn: false, hostIdentity, seed, processMetrics: false };
    a = await makeApp(options);
    b = await makeApp(options);
    urlB = await b.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await dropSchema(schema);
  });

  it(
    'signing out on A: the token gets 401 on B, the session row is gone, the stream open on B ends',
    guard,
    async () => {
      const alice = await hostToken({ sub: 'alice@host', name: 'Alice', groups: ['support'] });
      const bob = await hostToken({ sub: 'bob@host', name: 'Bob', groups: ['support'] });
      const created = await a.inject({
        method: 'POST',
        url: '/sessions',
        headers: bearer(alice),
        payload: { callerId: DEMO_NUMBER },
      });
      assert.equal(created.statusCode, 201);
      const session = (created.json() as { session: { sys_id: string } }).session.sys_id;
      const aliceStream = await openPresence(urlB, alice);
      const bobStream = await openPresence(urlB, bob);

      assert.equal((await signOut(a, bearer(alice))).statusCode, 204);
      await ended(aliceStream);
      const me = await b.inject({ method: 'GET', url: '/me', headers: bearer(alice) });
      assert.equal(me.statusCode, 401);
      assert.equal(me.json().error.code, 'UNAUTHENTICATED');
      assert.equal(await b.notifyStore.getSession(session), undefined);
      // Bob hears that the session went, and his stream stays open.
      await bobStream.waitFor(
        (e) => e.event === 'session' && (e.data as { type: string }).type === 'session.removed',
      );
      assert.equal(bobStream.response.readableEnded, false);
      assert.equal((await b.inject({ method: 'GET', url: '/me', headers: bearer(bob) })).statusCode, 200);
      bobStream.close();
    },
  );

  it('an older token with more groups does not restore a membership removed through the other instance', async () => {
    const sub = 'dora@host';
    const old = await hostToken({ sub, groups: ['support', 'sales'] }, { issuedAt: nowSeconds() - 20 });
    const newer = await hostToken({ sub, groups: ['support'] }, { issuedAt: nowSeconds() - 10 });
    assert.equal((await a.inject({ method: 'GET', url: '/me', headers: bearer(old) })).statusCode, 200);
    assert.equal((await a.inject({ method: 'GET', url: '/me', headers: bearer(newer) })).statusCode, 200);
    // B has never seen this identity: only the persisted last iat stops the old token there.
    const res = await b.inject({
      method: 'GET',
      url: `/caller-ids/${encodeURIComponent(OTHER_NUMBER)}`,
      headers: bearer(old),
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'CALLER_ID_NOT_ALLOWED');
  });
});
