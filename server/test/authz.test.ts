import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createDevAccount } from '../../scripts/dev-account.js';
import {
  type TestApp,
  callSid,
  makeApp,
  postWebhook,
  DEMO_NUMBER,
  OTHER_NUMBER,
  PUBLIC_URL,
} from './helpers.js';
import { bearer, HOST, hostIdentity, hostToken, nowSeconds, unsignedToken } from './identity.js';
import { dropSchema, pgUrl, skipWithoutPg, testSchema } from './pg.js';
import { sipRoutingToken } from '../sip.js';
import { matchesRoute, servedRoutes } from './served-routes.js';

const skipPg = await skipWithoutPg();
/** A SIP proxy for the routing question's rows of the matrix. */
const SIP = { domain: 'pbx.test', wsUrl: 'wss://pbx.test', secret: 'p'.repeat(40) };
/** `GET /metrics` is served only with a token: the matrix serves it to refuse it. */
const METRICS_TOKEN = 'metrics-token-of-the-authorization-matrix';
/** The SIP proxy's routes, each refused below without the proxy's token. */
const SIP_PROXY_ROUTES = [
  'GET /sip/route',
  'POST /sip/calls',
  'POST /sip/calls/answered',
  'POST /sip/calls/ended',
];
/**
 * Routes anyone may ask, by design: liveness and readiness probes (they say up or not, nothing of a user) and
 * the API's description.
 */
const PUBLIC_ROUTES = ['GET /healthz', 'GET /readyz', 'GET /openapi.json'];

/**
 * Every route × every kind of bad request, against both stores: each gets its documented refusal and
 * leaves every row as it was. Identities are the host application's JWTs (dev sign-in is off).
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`authorization matrix (${backend})`, { skip: backend === 'postgres' ? skipPg : false }, () => {
    const account = createDevAccount();
    const schema = testSchema();
    let app: TestApp;
    let aliceToken: string;
    let bobToken: string;
    let aliceSession: string;
    let bobSession: string;
    const aliceCall = callSid(0xa11ce);
    const alice = { sub: 'alice@host', name: 'Alice', groups: ['support'] };
    const bob = { sub: 'bob@host', name: 'Bob', groups: ['sales'] };
    let aliceId: string;
    /** A colleague's sys_id used as a host subject: a valid identity of its own, never Alice. */
    let impostorToken: string;
    /** Signed out in `before`: refused everywhere from then on. */
    let revokedToken: string;

    before(async () => {
      app = await makeApp({
        account,
        database: backend === 'postgres' ? pgUrl(schema) : ':memory:',
        devSignIn: false,
        hostIdentity,
        seed: {
          numbers: [
            { number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT', group: 'support' },
            { number: OTHER_NUMBER, vendor: 'TWILIO_DIRECT', group: 'sales' },
          ],
        },
        processMetrics: false,
        sip: SIP,
        metricsToken: METRICS_TOKEN,
      });
      aliceToken = await hostToken(alice);
      bobToken = await hostToken(bob);
      const create = async (token: string, callerId: string) => {
        const res = await app.inject({
          method: 'POST',
          url: '/sessions',
          headers: bearer(token),
          payload: { callerId },
        });
        assert.equal(res.statusCode, 201, res.body);
        return (res.json() as { session: { sys_id: string; identity: string } }).session;
      };
      const a = await create(aliceToken, DEMO_NUMBER);
      aliceId = (await app.notifyStore.findHostUser(HOST.issuer, alice.sub))!.user.sys_id;
      impostorToken = await hostToken({ sub: aliceId, name: 'Impostor', groups: ['support', 'sales'] });
      const impostorMe = await app.inject({ method: 'GET', url: '/me', headers: bearer(impostorToken) });
      assert.notEqual(impostorMe.json().user.sys_id, aliceId);
      revokedToken = await hostToken(
        { sub: 'carol@host', name: 'Carol', groups: ['support'] },
        { issuedAt: nowSeconds() - 5 },
      );
      const signOut = await app.inject({
        method: 'POST',
        url: '/auth/sign-out',
        headers: bearer(revokedToken),
      });
      assert.equal(signOut.statusCode, 204);
      aliceSession = a.sys_id;
      bobSession = (await create(bobToken, OTHER_NUMBER)).sys_id;
      const voice = await postWebhook(app, account.authToken, '/twilio/voice', {
        AccountSid: account.accountSid,
        CallSid: aliceCall,
        From: `client:${a.identity}`,
        To: '+15551234567',
        CallStatus: 'ringing',
      });
      assert.equal(voice.statusCode, 200);
    });
    after(async () => {
      await app?.close();
      if (backend === 'postgres') await dropSchema(schema);
    });

    /** Every row a refused request could have touched. */
    async function rows() {
      const store = app.notifyStore;
      return {
        sessions: await store.listSessions(),
        calls: await store.listCalls(),
        alice: await store.getUser(aliceId),
        aliceGroups: await store.listUserGroups(aliceId),
        mallory: await store.findHostUser(HOST.issuer, 'mallory@host'),
        impostor: await store.findHostUser(HOST.issuer, aliceId),
        carol: await store.findHostUser(HOST.issuer, 'carol@host'),
        stats: await store.stats(),
      };
    }

    interface Case {
      name: string;
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
      url: () => string;
      headers?: () => Promise<Record<string, string>>;
      payload?: unknown;
      status: number;
      code: string;
    }

    const mallory = { sub: 'mallory@host', name: 'Mallory', groups: ['support', 'sales'] };
    const identities = {
      none: async () => ({}),
      forged: async () =>
        bearer(await hostToken(mallory, { secret: 'another-secret-another-secret-another' })),
      expired: async () =>
        bearer(await hostToken(mallory, { expiresAt: Math.floor(Date.now() / 1000) - 3600 })),
      wrongAudience: async () => bearer(await hostToken(mallory, { audience: 'someone-else' })),
      wrongIssuer: async () => bearer(await hostToken(mallory, { issuer: 'https://evil.test' })),
      unsigned: async () => bearer(unsignedToken(mallory)),
      garbage: async () => bearer('not.a.jwt'),
      noExp: async () => bearer(await hostToken(mallory, { expiresAt: null })),
      noIat: async () => bearer(await hostToken(mallory, { issuedAt: null, expiresAt: nowSeconds() + 600 })),
      farFutureExp: async () => bearer(await hostToken(mallory, { expiresAt: 32_503_680_000 })),
      futureIat: async () => bearer(await hostToken(mallory, { issuedAt: nowSeconds() + 3600 })),
      signedOut: async () => bearer(revokedToken),
      // From the backend's own origin: a cookie needs one (see the CSRF cases below).
      forgedCookie: async () => ({
        origin: new URL(PUBLIC_URL).origin,
        cookie: `notify_session=${await hostToken(mallory, { secret: 'another-secret-another-secret-another' })}`,
      }),
    };
    const asBob = async () => bearer(bobToken);
    const asAlice = async () => bearer(aliceToken);

    /** The actions on one of the user's own calls: forward, hold, transfer, add a party, conference state, refer. */
    const callActions: Array<Pick<Case, 'method' | 'url' | 'payload'>> = [
      {
        method: 'POST',
        url: () => `/calls/${aliceCall}/forward`,
        payload: { type: 'number', id: '+15551234567' },
      },
      { method: 'POST', url: () => `/calls/${aliceCall}/hold`, payload: { hold: true } },
      {
        method: 'POST',
        url: () => `/calls/${aliceCall}/transfer`,
        payload: { consultCallSid: aliceCall },
      },
      {
        method: 'POST',
        url: () => `/calls/${aliceCall}/participants`,
        payload: { type: 'number', id: '+15551234567' },
      },
      { method: 'GET', url: () => `/calls/${aliceCall}/conference` },
      {
        method: 'POST',
        url: () => `/calls/${aliceCall}/refer`,
        payload: { type: 'number', id: '+15551234567' },
      },
      { method: 'POST', url: () => `/calls/${aliceCall}/end`, payload: {} },
    ];
    const userRoutes: Array<Pick<Case, 'method' | 'url' | 'payload'>> = [
      { method: 'GET', url: () => '/me' },
      { method: 'GET', url: () => `/caller-ids/${encodeURIComponent(DEMO_NUMBER)}` },
      { method: 'POST', url: () => '/sessions', payload: { callerId: DEMO_NUMBER } },
      { method: 'POST', url: () => `/sessions/${aliceSession}/token` },
      { method: 'POST', url: () => `/sessions/${aliceSession}/preflight` },
      { method: 'POST', url: () => `/sessions/${aliceSession}/heartbeat` },
      { method: 'POST', url: () => `/sessions/${aliceSession}/heartbeat`, payload: { calls: [aliceCall] } },
      { method: 'PATCH', url: () => `/sessions/${aliceSession}`, payload: { available: false } },
      { method: 'GET', url: () => '/sessions/available' },
      { method: 'DELETE', url: () => `/sessions/${aliceSession}` },
      { method: 'GET', url: () => `/calls/${aliceCall}/parent` },
      { method: 'GET', url: () => '/calls' },
      ...callActions,
      { method: 'GET', url: () => '/presence' },
      { method: 'POST', url: () => '/auth/sign-out' },
    ];

    const cases: Case[] = [];
    for (const route of userRoutes) {
      for (const [kind, headers] of Object.entries(identities)) {
        cases.push({ ...route, name: `${kind} identity`, headers, status: 401, code: 'UNAUTHENTICATED' });
      }
    }
    // Cross-site request forgery: every state-changing browser-facing route, even with a valid identity.
    const stateChanging = [
      ...userRoutes.filter((route) => route.method !== 'GET'),
      { method: 'POST' as const, url: () => '/auth/dev-sign-in', payload: { name: 'mallory' } },
    ];
    for (const route of stateChanging) {
      cases.push(
        {
          ...route,
          name: 'foreign Origin',
          headers: async () => ({ ...bearer(aliceToken), origin: 'https://evil.example' }),
          status: 403,
          code: 'ORIGIN_NOT_ALLOWED',
        },
        {
          ...route,
          name: 'Origin null',
          headers: async () => ({ ...bearer(aliceToken), origin: 'null' }),
          status: 403,
          code: 'ORIGIN_NOT_ALLOWED',
        },
        {
          ...route,
          name: 'session cookie without Origin',
          headers: async () => ({ cookie: `notify_session=${aliceToken}` }),
          status: 403,
          code: 'ORIGIN_NOT_ALLOWED',
        },
        {
          ...route,
          name: 'form body',
          headers: async () => ({
            ...bearer(aliceToken),
            'content-type': 'application/x-www-form-urlencoded',
          }),
          payload: `callerId=${encodeURIComponent(DEMO_NUMBER)}&available=false&name=mallory`,
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
        },
        {
          ...route,
          name: 'text/plain body',
          headers: async () => ({ ...bearer(aliceToken), 'content-type': 'text/plain' }),
          payload: JSON.stringify(route.payload ?? {}),
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
        },
      );
    }
    cases.push(
      // Another user's identity.
      {
        name: "bob, alice's number",
        method: 'GET',
        url: () => `/caller-ids/${encodeURIComponent(DEMO_NUMBER)}`,
        headers: asBob,
        status: 403,
        code: 'CALLER_ID_NOT_ALLOWED',
      },
      {
        name: "bob, alice's number",
        method: 'POST',
        url: () => '/sessions',
        headers: asBob,
        payload: { callerId: DEMO_NUMBER },
        status: 403,
        code: 'CALLER_ID_NOT_ALLOWED',
      },
      {
        name: "bob, alice's session",
        method: 'POST',
        url: () => `/sessions/${aliceSession}/token`,
        headers: asBob,
        status: 403,
        code: 'FORBIDDEN',
      },
      {
        name: "bob, alice's session",
        method: 'POST',
        url: () => `/sessions/${aliceSession}/preflight`,
        headers: asBob,
        status: 403,
        code: 'FORBIDDEN',
      },
      {
        name: 'unknown session',
        method: 'POST',
        url: () => `/sessions/${'0'.repeat(32)}/preflight`,
        headers: asAlice,
        status: 404,
        code: 'UNKNOWN_SESSION',
      },
      {
        name: "bob, alice's session",
        method: 'POST',
        url: () => `/sessions/${aliceSession}/heartbeat`,
        headers: asBob,
        status: 403,
        code: 'FORBIDDEN',
      },
      {
        name: "bob, alice's session, asking about her call",
        method: 'POST',
        url: () => `/sessions/${aliceSession}/heartbeat`,
        headers: asBob,
        payload: { calls: [aliceCall] },
        status: 403,
        code: 'FORBIDDEN',
      },
      {
        name: "alice, bob's session",
        method: 'POST',
        url: () => `/sessions/${bobSession}/heartbeat`,
        headers: asAlice,
        status: 403,
        code: 'FORBIDDEN',
      },
      {
        name: 'unknown session',
        method: 'POST',
        url: () => `/sessions/${'0'.repeat(32)}/heartbeat`,
        headers: asAlice,
        status: 404,
        code: 'UNKNOWN_SESSION',
      },
      {
        name: 'malformed sys_id',
        method: 'POST',
        url: () => '/sessions/nope/heartbeat',
        headers: asAlice,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: "bob, alice's session",
        method: 'PATCH',
        url: () => `/sessions/${aliceSession}`,
        headers: asBob,
        payload: { available: false },
        status: 403,
        code: 'FORBIDDEN',
      },
      {
        name: "bob, alice's session",
        method: 'DELETE',
        url: () => `/sessions/${aliceSession}`,
        headers: asBob,
        status: 403,
        code: 'FORBIDDEN',
      },
      {
        name: "bob, alice's call",
        method: 'GET',
        url: () => `/calls/${aliceCall}/parent`,
        headers: asBob,
        status: 403,
        code: 'FORBIDDEN',
      },
      ...callActions.map((route): Case => ({
        ...route,
        name: "bob, alice's call",
        headers: asBob,
        status: 403,
        code: 'FORBIDDEN',
      })),
      {
        name: "alice, bob's session",
        method: 'PATCH',
        url: () => `/sessions/${bobSession}`,
        headers: asAlice,
        payload: { available: false },
        status: 403,
        code: 'FORBIDDEN',
      },
      // A host subject equal to Alice's sys_id is another user: none of Alice's things are its.
      ...(
        [
          ['POST', () => `/sessions/${aliceSession}/token`, undefined],
          ['POST', () => `/sessions/${aliceSession}/preflight`, undefined],
          ['POST', () => `/sessions/${aliceSession}/heartbeat`, undefined],
          ['PATCH', () => `/sessions/${aliceSession}`, { available: false }],
          ['DELETE', () => `/sessions/${aliceSession}`, undefined],
          ['GET', () => `/calls/${aliceCall}/parent`, undefined],
          ...callActions.map((route) => [route.method, route.url, route.payload] as const),
        ] as const
      ).map(([method, url, payload]): Case => ({
        name: "alice's sys_id as host subject, alice's session",
        method,
        url,
        headers: async () => bearer(impostorToken),
        ...(payload !== undefined && { payload: payload as unknown }),
        status: 403,
        code: 'FORBIDDEN',
      })),
      // Malformed requests.
      {
        name: 'malformed number',
        method: 'GET',
        url: () => '/caller-ids/12345',
        headers: asAlice,
        status: 400,
        code: 'INVALID_NUMBER',
      },
      {
        name: 'missing callerId',
        method: 'POST',
        url: () => '/sessions',
        headers: asAlice,
        payload: {},
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'callerId not a string',
        method: 'POST',
        url: () => '/sessions',
        headers: asAlice,
        payload: { callerId: 5 },
        status: 400,
        code: 'VALIDATION_FAILED', // bodies are not coerced: 5 is not "5"
      },
      {
        name: 'name not a string',
        method: 'POST',
        url: () => '/sessions',
        headers: asAlice,
        payload: { callerId: DEMO_NUMBER, name: 123 },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      ...['nul\u0000name', 'bidi \u202Eevil', '\u200B\u200C\u2060'].map((name) => ({
        name: `session name ${JSON.stringify(name)}`,
        method: 'POST' as const,
        url: () => '/sessions',
        headers: asAlice,
        payload: { callerId: DEMO_NUMBER, name },
        status: 400,
        code: 'INVALID_NAME',
      })),
      {
        name: 'available as the string "false"',
        method: 'PATCH',
        url: () => `/sessions/${aliceSession}`,
        headers: asAlice,
        payload: { available: 'false' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'oversized body',
        method: 'POST',
        url: () => '/sessions',
        headers: asAlice,
        payload: { callerId: DEMO_NUMBER, name: 'x'.repeat(70_000) },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
      {
        name: 'malformed sys_id',
        method: 'POST',
        url: () => '/sessions/nope/token',
        headers: asAlice,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'available not boolean',
        method: 'PATCH',
        url: () => `/sessions/${aliceSession}`,
        headers: asAlice,
        payload: { available: 'no' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'malformed sys_id',
        method: 'DELETE',
        url: () => '/sessions/NOPE',
        headers: asAlice,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        // Neither a Twilio CallSid nor a SIP Call-ID (`CA123` is a valid Call-ID: SIP calls are asked about too).
        name: 'malformed call id',
        method: 'GET',
        url: () => '/calls/%3Cscript%3E/parent',
        headers: asAlice,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      ...(
        [
          ['cursor not ours', '/calls?cursor=bm9wZQ'],
          [
            'cursor with a bad time',
            `/calls?cursor=${Buffer.from(JSON.stringify(['yesterday', aliceCall.slice(2).toLowerCase()])).toString('base64url')}`,
          ],
          ['empty cursor', '/calls?cursor='],
          ['limit 0', '/calls?limit=0'],
          ['limit too large', '/calls?limit=501'],
          ['limit not a number', '/calls?limit=ten'],
        ] as const
      ).map(([name, url]): Case => ({
        name,
        method: 'GET',
        url: () => url,
        headers: asAlice,
        status: 400,
        code: 'VALIDATION_FAILED',
      })),
      // The metrics scraper's token, not a user's: refused without it, with a user's or with another.
      ...(
        [
          ['no token', () => ({})],
          ["a user's token", () => bearer(aliceToken)],
          ['another token', () => bearer('metrics-token-of-another-deployment-000')],
          ['the token without its scheme', () => ({ authorization: METRICS_TOKEN })],
        ] as const
      ).map(([name, headers]): Case => ({
        name: `metrics, ${name}`,
        method: 'GET',
        url: () => '/metrics',
        headers: async () => headers(),
        status: 401,
        code: 'UNAUTHENTICATED',
      })),
      {
        name: 'dev sign-in off',
        method: 'POST',
        url: () => '/auth/dev-sign-in',
        payload: { name: 'mallory' },
        status: 404,
        code: 'DEV_SIGN_IN_DISABLED',
      },
    );

    it("has every route the backend serves: in the cases, the webhooks, the SIP proxy's or the public ones", () => {
      const served = servedRoutes(app);
      assert.ok(served.length > 30, 'routes are listed');
      const uncovered = served
        .map((route) => ({ route, name: `${route.method} ${route.path}` }))
        .filter(
          ({ route, name }) =>
            !route.path.startsWith('/twilio/') && // every one in the webhook test below
            !SIP_PROXY_ROUTES.includes(name) &&
            !PUBLIC_ROUTES.includes(name) &&
            !cases.some((c) => c.method === route.method && matchesRoute(route, c.url())),
        )
        .map(({ name }) => name);
      assert.deepEqual(uncovered, [], 'routes no refusal of this matrix covers');
      // And the lists name only routes that exist (a renamed route leaves no stale entry behind).
      const names = served.map((route) => `${route.method} ${route.path}`);
      for (const name of [...SIP_PROXY_ROUTES, ...PUBLIC_ROUTES]) assert.ok(names.includes(name), name);
    });

    it('refuses every route × identity/body problem and changes no row', async () => {
      assert.ok(cases.length > 80);
      const before = await rows();
      for (const c of cases) {
        const res = await app.inject({
          method: c.method,
          url: c.url(),
          headers: { ...(await c.headers?.()) },
          ...(c.payload !== undefined && { payload: c.payload as object | string }),
        });
        const label = `${c.method} ${c.url()} (${c.name})`;
        assert.equal(res.statusCode, c.status, `${label}: ${res.body}`);
        assert.equal(res.json().error.code, c.code, label);
        assert.deepEqual(await rows(), before, `${label} changed rows`);
      }
    });

    it('refuses webhooks without a valid X-Twilio-Signature, and malformed signed ones, changing nothing', async () => {
      const before = await rows();
      const params = {
        AccountSid: account.accountSid,
        CallSid: callSid(0xbad),
        From: '+15551234567',
        To: DEMO_NUMBER,
        CallStatus: 'completed',
      };
      // Every webhook the backend serves (a new one is refused here without a line of its own).
      const webhooks = servedRoutes(app).filter((route) => route.path.startsWith('/twilio/'));
      assert.ok(webhooks.length >= 4, 'the webhooks are served');
      for (const { method, path } of webhooks) {
        assert.equal(method, 'POST', path);
        for (const signature of ['', 'forged', 'AAAA/AAAA+AAAA=']) {
          const res = await postWebhook(app, account.authToken, path, params, signature);
          assert.equal(res.statusCode, 403, `${path} ${signature}`);
          assert.equal(res.json().error.code, 'INVALID_SIGNATURE');
        }
        // Signed with another account's token.
        const other = await postWebhook(app, createDevAccount().authToken, path, params);
        assert.equal(other.statusCode, 403);
        // Signed, but for other parameters than those sent.
        const tampered = await postWebhook(
          app,
          account.authToken,
          path,
          params,
          (await import('twilio')).default.getExpectedTwilioSignature(
            account.authToken,
            `https://notify.test:8443/api${path}`,
            { ...params, To: '+1999' },
          ),
        );
        assert.equal(tampered.statusCode, 403);
        // Validly signed but malformed.
        const { CallSid: _omitted, ...noCallSid } = params;
        const malformed = await postWebhook(app, account.authToken, path, noCallSid);
        assert.equal(malformed.statusCode, 400, malformed.body);
        assert.equal(malformed.json().error.code, 'VALIDATION_FAILED');
      }
      const badStatus = await postWebhook(app, account.authToken, '/twilio/status', {
        ...params,
        CallStatus: 'exploded',
      });
      assert.equal(badStatus.statusCode, 400);
      assert.deepEqual(await rows(), before);
    });

    it("refuses the SIP proxy's routing question without the proxy's token, and malformed ones, changing nothing", async () => {
      const before = await rows();
      const query = `to=${encodeURIComponent(DEMO_NUMBER)}&callId=abc`;
      for (const authorization of [
        undefined,
        `Bearer ${aliceToken}`, // a user may not ask where calls go
        `Bearer ${SIP.secret}`, // the secret itself is not the token
        `Bearer ${sipRoutingToken('another secret of at least 32 characters')}`,
        sipRoutingToken(SIP.secret), // without the scheme
      ]) {
        const res = await app.inject({
          url: `/sip/route?${query}`,
          headers: authorization ? { authorization } : {},
        });
        assert.equal(res.statusCode, 401, `${authorization}: ${res.body}`);
        assert.equal(res.json().error.code, 'UNAUTHENTICATED');
      }
      const proxy = { authorization: `Bearer ${sipRoutingToken(SIP.secret)}` };
      for (const bad of [
        'callId=abc',
        `to=${encodeURIComponent(DEMO_NUMBER)}`,
        `to=${'1'.repeat(40)}&callId=a`,
      ]) {
        const res = await app.inject({ url: `/sip/route?${bad}`, headers: proxy });
        assert.equal(res.statusCode, 400, bad);
        assert.equal(res.json().error.code, 'VALIDATION_FAILED');
      }
      // A Twilio number is none of the proxy's business.
      const twilioNumber = await app.inject({ url: `/sip/route?${query}`, headers: proxy });
      assert.equal(twilioNumber.statusCode, 404);
      assert.deepEqual(await rows(), before);
    });

    it("refuses the SIP proxy's call reports without the proxy's token, and calls a session may not place, changing nothing", async () => {
      const before = await rows();
      const aliceIdentity = (await app.notifyStore.getSession(aliceSession))!.identity;
      const post = (path: string, payload: string, headers: Record<string, string>) =>
        app.inject({
          method: 'POST',
          url: `/sip/calls${path}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          payload,
        });
      const reports: Array<[string, string]> = [
        ['', `callId=sip-1&from=${aliceIdentity}&to=%2B15551234567`],
        ['/answered', `callId=${aliceCall}`],
        ['/ended', `callId=${aliceCall}&code=200&duration=5`],
      ];
      for (const [path, payload] of reports) {
        for (const authorization of [
          undefined,
          `Bearer ${aliceToken}`, // a user may not report calls, not even their own
          `Bearer ${SIP.secret}`,
          `Bearer ${sipRoutingToken('another secret of at least 32 characters')}`,
          sipRoutingToken(SIP.secret),
        ]) {
          const res = await post(path, payload, authorization ? { authorization } : {});
          assert.equal(res.statusCode, 401, `${path} ${authorization}: ${res.body}`);
          assert.equal(res.json().error.code, 'UNAUTHENTICATED');
        }
      }
      const proxy = { authorization: `Bearer ${sipRoutingToken(SIP.secret)}` };
      // Alice's session is on a Twilio number: the proxy may not place SIP calls for it.
      const twilioSession = await post('', reports[0]![1], proxy);
      assert.equal(twilioSession.statusCode, 403);
      assert.equal(twilioSession.json().error.code, 'CALLER_ID_NOT_ALLOWED');
      // Not a call the SIP proxy knows of, and out of range.
      assert.equal((await post('/ended', 'callId=sip-unknown&code=200', proxy)).statusCode, 404);
      const badCode = await post('/ended', `callId=${aliceCall}&code=1200`, proxy);
      assert.equal(badCode.json().error.code, 'VALIDATION_FAILED');
      // JSON is not what a PBX posts.
      const json = await post('/answered', JSON.stringify({ callId: aliceCall }), {
        ...proxy,
        'content-type': 'application/json',
      });
      assert.equal(json.statusCode, 415);
      assert.deepEqual(await rows(), before);
    });

    it('records a status callback once: the same CallSid and status again changes nothing', async () => {
      const params = {
        AccountSid: account.accountSid,
        CallSid: callSid(0xc0ffee),
        ParentCallSid: aliceCall,
        From: DEMO_NUMBER,
        To: '+15551234567',
        CallStatus: 'in-progress',
      };
      const first = await postWebhook(app, account.authToken, '/twilio/status', params);
      assert.equal(first.statusCode, 204);
      const afterFirst = await rows();
      const row = afterFirst.calls.find((c) => c.call_sid === params.CallSid);
      assert.equal(row?.status, 'in-progress');
      assert.equal(row?.session, aliceSession);
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (let i = 0; i < 3; i++) {
        assert.equal((await postWebhook(app, account.authToken, '/twilio/status', params)).statusCode, 204);
      }
      assert.deepEqual(await rows(), afterFirst);
      // A late non-terminal callback after the terminal one does not reopen the call either.
      await postWebhook(app, account.authToken, '/twilio/status', { ...params, CallStatus: 'completed' });
      const completed = await rows();
      await postWebhook(app, account.authToken, '/twilio/status', { ...params, CallStatus: 'ringing' });
      assert.deepEqual(await rows(), completed);
    });

    it('lets each user act on their own: sessions, availability, calls, colleagues by group', async () => {
      const res = await app.inject({
        method: 'GET',
        url: `/calls/${aliceCall}/parent`,
        headers: bearer(aliceToken),
      });
      assert.equal(res.statusCode, 200);
      // Call history: Alice's call (answered, its child completed above) is hers only.
      const history = async (token: string) => {
        const list = await app.inject({ method: 'GET', url: '/calls', headers: bearer(token) });
        assert.equal(list.statusCode, 200, list.body);
        return list.json() as { calls: Array<{ callSid: string; outcome: string }>; next: string | null };
      };
      const aliceHistory = await history(aliceToken);
      assert.deepEqual(
        aliceHistory.calls.map((c) => [c.callSid, c.outcome]),
        [[aliceCall, 'answered']],
      );
      assert.equal(aliceHistory.next, null);
      assert.deepEqual(await history(bobToken), { calls: [], next: null });
      assert.deepEqual(await history(impostorToken), { calls: [], next: null });
      const me = await app.inject({ method: 'GET', url: '/me', headers: bearer(aliceToken) });
      assert.deepEqual(me.json(), { user: { sys_id: aliceId, name: 'Alice' } });
      // Bob shares no group with Alice: he does not see her as available, and she does not see him.
      const bobSees = await app.inject({
        method: 'GET',
        url: '/sessions/available',
        headers: bearer(bobToken),
      });
      assert.deepEqual(bobSees.json(), { clients: [], next: null });
      // Groups follow the newest token: Bob joins support and now sees Alice.
      const bobSupport = await hostToken(
        { ...bob, groups: ['sales', 'support'] },
        { issuedAt: nowSeconds() + 1 },
      );
      const nowSees = await app.inject({
        method: 'GET',
        url: '/sessions/available',
        headers: bearer(bobSupport),
      });
      assert.deepEqual(nowSees.json(), { clients: [{ sys_id: aliceId, name: 'Alice' }], next: null });
      const patch = await app.inject({
        method: 'PATCH',
        url: `/sessions/${aliceSession}`,
        headers: bearer(aliceToken),
        payload: { available: false },
      });
      assert.equal(patch.statusCode, 200);
      assert.equal((await app.notifyStore.getSession(aliceSession))?.available, false);
    });
  });
}

describe('host identity from a JWKS URL', () => {
  let jwks: Server;
  let app: TestApp;
  let sign: (sub: string, key?: Parameters<SignJWT['sign']>[0]) => Promise<string>;

  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    sign = (sub, key = privateKey) =>
      new SignJWT({ name: 'Jay', groups: ['demo'] })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject(sub)
        .setIssuer(HOST.issuer)
        .setAudience(HOST.audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key);
    app = await makeApp({
      devSignIn: false,
      processMetrics: false,
      hostIdentity: {
        jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
        issuer: HOST.issuer,
        audience: HOST.audience,
      },
    });
  });
  after(async () => {
    await app?.close();
    jwks?.close();
  });

  it('accepts a token signed with a published key, gives a sys_id-shaped subject its own user, refuses other keys', async () => {
    const sysId = '0123456789abcdef0123456789abcdef';
    const ok = await app.inject({ method: 'GET', url: '/me', headers: bearer(await sign(sysId)) });
    assert.equal(ok.statusCode, 200, ok.body);
    const { user } = ok.json() as { user: { sys_id: string; name: string } };
    assert.equal(user.name, 'Jay');
    assert.match(user.sys_id, /^[0-9a-f]{32}$/);
    assert.notEqual(user.sys_id, sysId);
    const session = await app.inject({
      method: 'POST',
      url: '/sessions',
      headers: bearer(await sign(sysId)),
      payload: { callerId: DEMO_NUMBER },
    });
    assert.equal(session.statusCode, 201, session.body);
    const { privateKey: otherKey } = await generateKeyPair('ES256');
    const forged = await app.inject({
      method: 'GET',
      url: '/me',
      headers: bearer(await sign(sysId, otherKey)),
    });
    assert.equal(forged.statusCode, 401);
  });
});

describe('rate limits', () => {
  let app: TestApp;
  const account = createDevAccount();
  before(async () => {
    app = await makeApp({
      account,
      devSignIn: false,
      hostIdentity,
      processMetrics: false,
      rateLimit: { perIpPerMinute: 12, perUserPerMinute: 4 },
      metricsToken: 'metrics-token-of-the-rate-limit-test',
    });
  });
  after(() => app?.close());

  it('refuses a user over their rate with 429 RATE_LIMITED, others still pass, then the IP is limited', async () => {
    const alice = bearer(await hostToken({ sub: 'a', groups: ['demo'] }));
    const bob = bearer(await hostToken({ sub: 'b', groups: ['demo'] }));
    for (let i = 0; i < 4; i++) {
      assert.equal((await app.inject({ method: 'GET', url: '/me', headers: alice })).statusCode, 200);
    }
    const limited = await app.inject({ method: 'GET', url: '/me', headers: alice });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'RATE_LIMITED');
    assert.equal((await app.inject({ method: 'GET', url: '/me', headers: bob })).statusCode, 200);
    // 6 requests from this IP so far; anonymous ones count too.
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await app.inject({ method: 'GET', url: '/me' })).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 429, 429]);
    // Health probes are never limited; metrics (which read the database) are, even with their token.
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const metrics = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer metrics-token-of-the-rate-limit-test' },
    });
    assert.equal(metrics.statusCode, 429);
    assert.equal(metrics.json().error.code, 'RATE_LIMITED');
    // Nor is Twilio's own signed traffic from this over-limit address: a 429 would drop a live call.
    for (let i = 0; i < 3; i++) {
      const status = await postWebhook(app, account.authToken, '/twilio/status', {
        CallSid: callSid(900 + i),
        CallStatus: 'completed',
      });
      assert.equal(status.statusCode, 204, status.body);
    }
    // …while a forged one is still refused by its signature, not served.
    const forged = await postWebhook(
      app,
      account.authToken,
      '/twilio/status',
      { CallSid: callSid(999), CallStatus: 'completed' },
      'forged',
    );
    assert.equal(forged.statusCode, 403);
  });
});
