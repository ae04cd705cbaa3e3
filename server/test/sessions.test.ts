import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { createDevAccount } from '../../scripts/dev-account.js';
import {
  DEMO_NUMBER,
  NO_VENDOR_NUMBER,
  OTHER_NUMBER,
  createSession,
  makeApp,
  signIn,
  type SignedIn,
  type TestApp,
} from './helpers.js';

interface VoiceTokenPayload {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  grants: {
    identity: string;
    voice: { incoming?: { allow: boolean }; outgoing: { application_sid: string } };
  };
}

describe('client sessions', () => {
  let app: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  const device = { chunderw: '127.0.0.1:8443', sounds: { incoming: '/sounds/incoming.mp3' } };
  const account = createDevAccount();

  before(async () => {
    app = await makeApp({ account, tokenTtlSeconds: 900, twilioDevice: device });
    alice = await signIn(app, 'alice');
    bob = await signIn(app, 'bob');
  });
  after(() => app.close());

  async function verify(token: string): Promise<VoiceTokenPayload> {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(account.apiKeySecret), {
      algorithms: ['HS256'],
    });
    return payload as unknown as VoiceTokenPayload;
  }

  it('POST /sessions creates a row and returns a valid Twilio access token', async () => {
    const created = await createSession(app, alice);
    const { session } = created;
    assert.match(session.sys_id, /^[0-9a-f]{32}$/);
    assert.equal(session.identity, `s_${session.sys_id}`);
    assert.equal(session.available, true);
    assert.equal(session.number, DEMO_NUMBER);
    assert.equal(created.vendor, 'TWILIO_DIRECT');
    assert.equal(created.ttl, 900);
    assert.deepEqual(created.device, device);

    assert.equal(decodeProtectedHeader(created.token).cty, 'twilio-fpa;v=1');
    const payload = await verify(created.token);
    assert.equal(payload.iss, account.apiKeySid);
    assert.equal(payload.sub, account.accountSid);
    assert.equal(payload.exp - payload.iat, 900);
    assert.equal(new Date(created.expiresAt).getTime(), payload.exp * 1000);
    assert.equal(payload.grants.identity, session.identity);
    assert.equal(payload.grants.voice.outgoing.application_sid, account.twimlAppSid);
    assert.deepEqual(payload.grants.voice.incoming, { allow: true });

    const row = await app.notifyStore.getSession(session.sys_id);
    assert.equal(row?.user, alice.user.sys_id);
    assert.equal(row?.identity, session.identity);
    assert.equal(row?.vendor, 'TWILIO_DIRECT');
  });

  it('a token signed with another secret does not verify (the check can fail)', async () => {
    const created = await createSession(app, alice);
    await assert.rejects(jwtVerify(created.token, new TextEncoder().encode('not-the-api-key-secret')));
  });

  it('refuses caller IDs the user may not use, malformed ones and vendor-less ones', async () => {
    const cases: Array<[string, number, string]> = [
      [OTHER_NUMBER, 403, 'CALLER_ID_NOT_ALLOWED'],
      ['12345', 400, 'INVALID_NUMBER'],
      [NO_VENDOR_NUMBER, 409, 'NO_COMPATIBLE_VENDOR'],
    ];
    for (const [callerId, status, code] of cases) {
      const res = await app.inject({
        method: 'POST',
        url: '/sessions',
        headers: alice.headers,
        payload: { callerId },
      });
      assert.equal(res.statusCode, status, callerId);
      assert.equal(res.json().error.code, code);
    }
    const missing = await app.inject({
      method: 'POST',
      url: '/sessions',
      headers: alice.headers,
      payload: {},
    });
    assert.equal(missing.json().error.code, 'VALIDATION_FAILED');
    const anonymous = await app.inject({
      method: 'POST',
      url: '/sessions',
      payload: { callerId: DEMO_NUMBER },
    });
    assert.equal(anonymous.statusCode, 401);
  });

  it('POST /sessions/:sysId/token gives a fresh token for the own session and updates last_seen', async () => {
    const { session } = await createSession(app, alice);
    const before = await app.notifyStore.getSession(session.sys_id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const res = await app.inject({
      method: 'POST',
      url: `/sessions/${session.sys_id}/token`,
      headers: alice.headers,
    });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['expiresAt', 'token', 'ttl']);
    assert.equal((await verify(body.token)).grants.identity, session.identity);
    const afterRow = await app.notifyStore.getSession(session.sys_id);
    assert.ok(afterRow && before && afterRow.last_seen > before.last_seen);
  });

  it('refreshing another user’s session is 403 FORBIDDEN and changes nothing', async () => {
    const { session } = await createSession(app, alice);
    const before = await app.notifyStore.getSession(session.sys_id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const res = await app.inject({
      method: 'POST',
      url: `/sessions/${session.sys_id}/token`,
      headers: bob.headers,
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'FORBIDDEN');
    assert.equal(res.json().token, undefined);
    assert.deepEqual(await app.notifyStore.getSession(session.sys_id), before);
  });

  it('refreshing an unknown session is 404 UNKNOWN_SESSION', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/sessions/${'0'.repeat(32)}/token`,
      headers: alice.headers,
    });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'UNKNOWN_SESSION');
  });

  it('DELETE removes the own session (204) and refuses another user’s (403, row kept)', async () => {
    const mine = (await createSession(app, alice)).session;
    const denied = await app.inject({
      method: 'DELETE',
      url: `/sessions/${mine.sys_id}`,
      headers: bob.headers,
    });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().error.code, 'FORBIDDEN');
    assert.ok(await app.notifyStore.getSession(mine.sys_id));

    const res = await app.inject({
      method: 'DELETE',
      url: `/sessions/${mine.sys_id}`,
      headers: alice.headers,
    });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    assert.equal(await app.notifyStore.getSession(mine.sys_id), undefined);

    const again = await app.inject({
      method: 'DELETE',
      url: `/sessions/${mine.sys_id}`,
      headers: alice.headers,
    });
    assert.equal(again.statusCode, 404);
    assert.equal(again.json().error.code, 'UNKNOWN_SESSION');
  });

  it('PATCH sets availability of the own session; GET /sessions/available lists other available users', async () => {
    const carol = await signIn(app, 'carol');
    const { session } = await createSession(app, carol);
    const listed = async (who: SignedIn) =>
      (await app.inject({ method: 'GET', url: '/sessions/available', headers: who.headers })).json().clients;
    assert.ok((await listed(alice)).some((c: { sys_id: string }) => c.sys_id === carol.user.sys_id));
    assert.ok(!(await listed(carol)).some((c: { sys_id: string }) => c.sys_id === carol.user.sys_id));

    const denied = await app.inject({
      method: 'PATCH',
      url: `/sessions/${session.sys_id}`,
      headers: bob.headers,
      payload: { available: false },
    });
    assert.equal(denied.statusCode, 403);
    const res = await app.inject({
      method: 'PATCH',
      url: `/sessions/${session.sys_id}`,
      headers: carol.headers,
      payload: { available: false },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().session.available, false);
    assert.equal((await app.notifyStore.getSession(session.sys_id))?.available, false);
    assert.ok(!(await listed(alice)).some((c: { sys_id: string }) => c.sys_id === carol.user.sys_id));
  });

  it('GET /sessions/available answers bounded pages with a stable order and an opaque cursor', async () => {
    const paged = await makeApp({ rateLimit: false });
    try {
      const viewer = await signIn(paged, 'viewer');
      const names = ['mia', 'ann', 'zoe', 'bob', 'kim', 'ann', 'lee'];
      const users: SignedIn['user'][] = [];
      for (const [i, name] of names.entries()) {
        const who = await signIn(paged, `${name}-${i}`);
        await createSession(paged, who);
        users.push(who.user);
      }
      const get = (query: string) =>
        paged.inject({ method: 'GET', url: `/sessions/available${query}`, headers: viewer.headers });
      const all = (await get('')).json() as { clients: SignedIn['user'][]; next: string | null };
      assert.equal(all.next, null);
      const sorted = [...users].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      assert.deepEqual(all.clients, sorted);

      const seen: SignedIn['user'][] = [];
      let cursor: string | null = '';
      let pages = 0;
      while (cursor !== null) {
        const res = await get(`?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(res.statusCode, 200);
        const page = res.json() as { clients: SignedIn['user'][]; next: string | null };
        assert.ok(page.clients.length <= 3);
        seen.push(...page.clients);
        cursor = page.next;
        pages++;
      }
      assert.deepEqual(seen, sorted);
      assert.equal(pages, 3);

      // A colleague going away between pages neither repeats nor skips anyone else.
      const first = (await get('?limit=2')).json() as { clients: SignedIn['user'][]; next: string };
      const gone = (await paged.notifyStore.listSessions({ user: sorted[2]!.sys_id }))[0]!;
      await paged.notifyStore.setSessionAvailable(gone.sys_id, false);
      const rest = (await get(`?limit=500&cursor=${first.next}`)).json() as { clients: unknown[] };
      assert.deepEqual(rest.clients, sorted.slice(3));

      for (const bad of [
        '?limit=0',
        '?limit=501',
        '?limit=x',
        '?cursor=',
        '?cursor=bm9wZQ',
        '?cursor=%5B%5D',
      ]) {
        const res = await get(bad);
        assert.equal(res.statusCode, 400, bad);
        assert.equal(res.json().error.code, 'VALIDATION_FAILED', bad);
      }
    } finally {
      await paged.close();
    }
  });

  it('reads device configuration getters at each request (the stack knows its port only after listen)', async () => {
    let host = 'first:1';
    const lazy = await makeApp({
      twilioDevice: {
        get chunderw() {
          return host;
        },
      },
    });
    try {
      const who = await signIn(lazy, 'dave');
      assert.deepEqual((await createSession(lazy, who)).device, { chunderw: 'first:1' });
      host = 'second:2';
      assert.deepEqual((await createSession(lazy, who)).device, { chunderw: 'second:2' });
    } finally {
      await lazy.close();
    }
  });
});
