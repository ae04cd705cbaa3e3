import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { DEMO_NUMBER, OTHER_NUMBER, makeApp, signIn, type TestApp } from './helpers.js';
import { bearer, HOST, hostIdentity, hostToken, nowSeconds } from './identity.js';
import { dropSchema, pgUrl, skipWithoutPg, testSchema } from './pg.js';

const skipPg = await skipWithoutPg();
const seed = {
  numbers: [
    { number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT' as const, group: 'support' },
    { number: OTHER_NUMBER, vendor: 'TWILIO_DIRECT' as const, group: 'sales' },
  ],
};

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`host identities (${backend})`, { skip: backend === 'postgres' ? skipPg : false }, () => {
    const schema = testSchema();
    let app: TestApp;
    before(async () => {
      app = await makeApp({
        database: backend === 'postgres' ? pgUrl(schema) : ':memory:',
        devSignIn: false,
        hostIdentity,
        seed,
        processMetrics: false,
      });
    });
    after(async () => {
      await app?.close();
      if (backend === 'postgres') await dropSchema(schema);
    });

    const me = async (token: string) => app.inject({ method: 'GET', url: '/me', headers: bearer(token) });
    const groupsOf = async (sysId: string) =>
      (await app.notifyStore.listUserGroups(sysId)).map((g) => g.name);

    it("a host subject equal to a colleague's sys_id gets its own user; the colleague's session, name and groups stay", async () => {
      const carolToken = await hostToken({ sub: 'carol@host', name: 'Carol', groups: ['support'] });
      const created = await app.inject({
        method: 'POST',
        url: '/sessions',
        headers: bearer(carolToken),
        payload: { callerId: DEMO_NUMBER },
      });
      assert.equal(created.statusCode, 201, created.body);
      const carolSession = (created.json() as { session: { sys_id: string } }).session.sys_id;
      const carolId = ((await me(carolToken)).json() as { user: { sys_id: string } }).user.sys_id;
      const carolBefore = await app.notifyStore.getSession(carolSession);

      const impostor = await hostToken({ sub: carolId, name: 'Mallory', groups: ['sales'] });
      const answer = await me(impostor);
      assert.equal(answer.statusCode, 200);
      const { user } = answer.json() as { user: { sys_id: string; name: string } };
      assert.equal(user.name, 'Mallory');
      assert.notEqual(user.sys_id, carolId);
      const removal = await app.inject({
        method: 'DELETE',
        url: `/sessions/${carolSession}`,
        headers: bearer(impostor),
      });
      assert.equal(removal.statusCode, 403);
      assert.equal(removal.json().error.code, 'FORBIDDEN');
      assert.deepEqual(await app.notifyStore.getSession(carolSession), carolBefore);
      assert.deepEqual(await app.notifyStore.getUser(carolId), { sys_id: carolId, name: 'Carol' });
      assert.deepEqual(await groupsOf(carolId), ['support']);
      assert.deepEqual(await groupsOf(user.sys_id), ['sales']);
    });

    it('an older token with more groups does not restore a removed membership (nor an old name)', async () => {
      const old = await hostToken(
        { sub: 'dan@host', name: 'Dan (old)', groups: ['support', 'sales'] },
        { issuedAt: nowSeconds() - 20 },
      );
      const newer = await hostToken(
        { sub: 'dan@host', name: 'Dan', groups: ['support'] },
        { issuedAt: nowSeconds() - 10 },
      );
      const first = (await me(old)).json() as { user: { sys_id: string } };
      const danId = first.user.sys_id;
      assert.deepEqual(await groupsOf(danId), ['sales', 'support']);
      assert.equal((await me(newer)).statusCode, 200);
      assert.deepEqual(await groupsOf(danId), ['support']);
      // The old token still authenticates, but changes nothing.
      const again = await me(old);
      assert.equal(again.statusCode, 200);
      assert.deepEqual(again.json(), { user: { sys_id: danId, name: 'Dan' } });
      assert.deepEqual(await groupsOf(danId), ['support']);
      const sales = await app.inject({
        method: 'GET',
        url: `/caller-ids/${encodeURIComponent(OTHER_NUMBER)}`,
        headers: bearer(old),
      });
      assert.equal(sales.statusCode, 403);
      assert.equal(sales.json().error.code, 'CALLER_ID_NOT_ALLOWED');
    });

    it('refuses host tokens with exp far ahead, iat or nbf ahead of the skew, no exp, no iat; creates nobody', async () => {
      const now = nowSeconds();
      const refused = {
        'exp in the year 3000': { expiresAt: 32_503_680_000 },
        'exp 25 h after iat': { expiresAt: now + 25 * 3600 },
        'iat an hour ahead': { issuedAt: now + 3600 },
        'iat a day ahead': { issuedAt: now + 86_400, expiresAt: now + 86_400 + 60 },
        'nbf an hour ahead': { notBefore: now + 3600 },
        'iat older than the maximum age': { issuedAt: now - 25 * 3600, expiresAt: now + 60 },
        'no exp': { expiresAt: null },
        'no iat': { issuedAt: null, expiresAt: now + 600 },
      };
      for (const [label, overrides] of Object.entries(refused)) {
        const sub = `refused-${label.replaceAll(' ', '-')}`;
        const res = await me(await hostToken({ sub, groups: ['support'] }, overrides));
        assert.equal(res.statusCode, 401, label);
        assert.equal(res.json().error.code, 'UNAUTHENTICATED', label);
        assert.equal(await app.notifyStore.findHostUser(HOST.issuer, sub), undefined, label);
      }
      // Within the tolerated skew: accepted.
      const skewed = await me(await hostToken({ sub: 'skewed@host' }, { issuedAt: now + 20 }));
      assert.equal(skewed.statusCode, 200, skewed.body);
    });
  });
}

describe('host token age is configurable', () => {
  let app: TestApp;
  before(async () => {
    app = await makeApp({
      devSignIn: false,
      hostIdentity: { ...hostIdentity, maxTokenAgeSeconds: 300 },
      processMetrics: false,
    });
  });
  after(() => app?.close());

  it('refuses a token living longer than the configured maximum age, accepts one within it', async () => {
    const now = nowSeconds();
    const long = await hostToken({ sub: 'a' }, { issuedAt: now, expiresAt: now + 600 });
    assert.equal((await app.inject({ method: 'GET', url: '/me', headers: bearer(long) })).statusCode, 401);
    const short = await hostToken({ sub: 'a' }, { issuedAt: now, expiresAt: now + 300 });
    assert.equal((await app.inject({ method: 'GET', url: '/me', headers: bearer(short) })).statusCode, 200);
  });
});

describe('session tokens', () => {
  const secret = 'test-session-secret-at-least-32-chars!';
  let app: TestApp;
  before(async () => {
    app = await makeApp({ sessionSecret: secret, processMetrics: false });
  });
  after(() => app?.close());

  it('refuses a session token without exp (or without iat), signed with the right secret', async () => {
    const { user } = await signIn(app, 'Ann');
    const forge = (claims: { exp?: number; iat?: number }) => {
      const jwt = new SignJWT({ name: user.name, gen: 0, ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer('notify-phone')
        .setSubject(user.sys_id);
      return jwt.sign(new TextEncoder().encode(secret));
    };
    const now = nowSeconds();
    for (const [label, claims] of Object.entries({
      'no exp': { iat: now },
      'no iat': { exp: now + 600 },
    })) {
      const res = await app.inject({ method: 'GET', url: '/me', headers: bearer(await forge(claims)) });
      assert.equal(res.statusCode, 401, label);
      assert.equal(res.json().error.code, 'UNAUTHENTICATED', label);
    }
    // The same claims with both are accepted: the refusal is about exp/iat, not the forging.
    const ok = await forge({ iat: now, exp: now + 600 });
    assert.equal((await app.inject({ method: 'GET', url: '/me', headers: bearer(ok) })).statusCode, 200);
  });
});
