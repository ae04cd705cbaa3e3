import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sipRoutingToken } from '../sip.js';
import { sipLegId } from '../sip-call-records.js';
import { DEMO_NUMBER, createSession, makeApp, signIn, type SignedIn, type TestApp } from './helpers.js';

const SIP_NUMBER = '+15005550020';
const PHONE = '+15551239901';
const sip = { domain: 'pbx.example.test', wsUrl: 'wss://pbx.example.test:8443', secret: 's'.repeat(40) };
const proxy = { authorization: `Bearer ${sipRoutingToken(sip.secret)}` };

/** What a PBX sends: form-encoded, here under text/plain as Kamailio's http_client_query does. */
const report = (app: TestApp, path: string, fields: Record<string, string>, headers: object = proxy) =>
  app.inject({
    method: 'POST',
    url: `/sip/calls${path}`,
    headers: { ...headers, 'content-type': 'text/plain' },
    payload: new URLSearchParams(fields).toString(),
  });

describe('SIP call reports: calls in notify_call, history and parent ids (issue 15)', () => {
  let app: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let aliceIdentity: string;
  let bobIdentity: string;

  before(async () => {
    app = await makeApp({
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
    aliceIdentity = (await createSession(app, alice, SIP_NUMBER)).session.identity;
    bobIdentity = (await createSession(app, bob, SIP_NUMBER)).session.identity;
  });
  after(() => app.close());

  const historyOf = async (who: SignedIn) =>
    (await app.inject({ url: '/calls', headers: who.headers })).json().calls as Array<
      Record<string, unknown>
    >;

  it("a session's call to a number: authorized at INVITE, answered, ended: one answered outbound entry", async () => {
    assert.equal(
      (await report(app, '', { callId: 'out-1', from: aliceIdentity, to: PHONE })).statusCode,
      204,
    );
    assert.equal((await report(app, '/answered', { callId: 'out-1' })).statusCode, 204);
    assert.equal(
      (await report(app, '/ended', { callId: 'out-1', code: '200', duration: '7' })).statusCode,
      204,
    );
    const [entry] = await historyOf(alice);
    assert.deepEqual(
      [entry?.callSid, entry?.direction, entry?.number, entry?.outcome, entry?.duration],
      ['out-1', 'outbound', PHONE, 'answered', 7],
    );
    assert.equal((await app.notifyStore.getCall(sipLegId('out-1', PHONE)))?.status, 'completed');
  });

  it('a busy number: the entry says busy', async () => {
    await report(app, '', { callId: 'out-2', from: aliceIdentity, to: PHONE });
    assert.equal((await report(app, '/ended', { callId: 'out-2', code: '486' })).statusCode, 204);
    const entry = (await historyOf(alice)).find((c) => c.callSid === 'out-2');
    assert.deepEqual([entry?.outcome, entry?.duration], ['busy', 0]);
  });

  it("a call to the Notify number rings both; bob answers: his entry is answered, alice's missed, parents agree", async () => {
    const route = await app.inject({
      url: `/sip/route?to=${encodeURIComponent(SIP_NUMBER)}&from=${encodeURIComponent(PHONE)}&callId=in-1`,
      headers: proxy,
    });
    const [number, sysId, parentId, ...targets] = route.body.split('|');
    assert.deepEqual([number, sysId], [SIP_NUMBER, '']);
    assert.match(parentId ?? '', /^[0-9a-f]{32}$/);
    assert.deepEqual(new Set(targets), new Set([aliceIdentity, bobIdentity]));
    await report(app, '/answered', { callId: 'in-1', answeredBy: bobIdentity });
    await report(app, '/ended', { callId: 'in-1', code: '200', duration: '3' });

    const bobs = (await historyOf(bob)).find((c) => c.parentCallSid === 'in-1');
    assert.deepEqual(
      [bobs?.direction, bobs?.number, bobs?.outcome, bobs?.duration],
      ['inbound', PHONE, 'answered', 3],
    );
    const alices = (await historyOf(alice)).find((c) => c.parentCallSid === 'in-1');
    assert.equal(alices?.outcome, 'missed');
    // getParentId with the Call-ID, as each client knows the call: its own leg's parent.
    const parentOf = (who: SignedIn) => app.inject({ url: '/calls/in-1/parent', headers: who.headers });
    assert.deepEqual((await parentOf(bob)).json(), { parentId });
    assert.deepEqual((await parentOf(alice)).json(), { parentId });
  });

  it('asked again for a released call (retry, decisions §27): its own ringing legs do not make it busy; nobody leaves it ringing', async () => {
    const ask = (callId: string, retry: boolean) =>
      app.inject({
        url: `/sip/route?to=${encodeURIComponent(SIP_NUMBER)}&from=${encodeURIComponent(PHONE)}&callId=${callId}${retry ? '&retry=true' : ''}`,
        headers: proxy,
      });
    const targets = async (callId: string, retry: boolean) => {
      const res = await ask(callId, retry);
      assert.equal(res.statusCode, 200);
      return new Set(res.body.split('|').slice(3));
    };
    // alice and bob ring for in-2: each has a ringing leg of it.
    assert.deepEqual(await targets('in-2', false), new Set([aliceIdentity, bobIdentity]));
    // Asked again for in-2 (a tab let it go): those legs are this call's, not another call: both ring again.
    assert.deepEqual(await targets('in-2', true), new Set([aliceIdentity, bobIdentity]));
    // Another call asked again meanwhile: both are busy with in-2; nobody, and the call stays open.
    assert.deepEqual(await targets('in-3', true), new Set());
    assert.equal((await app.notifyStore.getCall('in-3'))?.status, 'ringing');
    // Its first question naming nobody ends it at once (the proxy refuses the call).
    assert.deepEqual(await targets('in-4', false), new Set());
    assert.equal((await app.notifyStore.getCall('in-4'))?.status, 'no-answer');
    await report(app, '/ended', { callId: 'in-2', code: '480' });
    await report(app, '/ended', { callId: 'in-3', code: '480' });
  });

  it("another user's call: FORBIDDEN", async () => {
    const res = await app.inject({ url: '/calls/out-1/parent', headers: bob.headers });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'FORBIDDEN');
  });

  it('refuses forged and bad reports, and calls a session may not place, changing nothing', async () => {
    const before = await app.notifyStore.listCalls();
    for (const headers of [
      {},
      { authorization: `Bearer ${alice.token}` },
      { authorization: `Bearer ${sip.secret}` },
    ]) {
      for (const path of ['', '/answered', '/ended']) {
        const res = await report(
          app,
          path,
          { callId: 'x', from: aliceIdentity, to: PHONE, code: '200' },
          headers,
        );
        assert.equal(res.statusCode, 401, path);
        assert.equal(res.json().error.code, 'UNAUTHENTICATED');
      }
    }
    const refusals: Array<[Record<string, string>, number, string]> = [
      [{ callId: 'x', from: 's_nobody', to: PHONE }, 403, 'FORBIDDEN'],
      [{ callId: 'x', from: aliceIdentity, to: 'not-a-number' }, 400, 'INVALID_NUMBER'],
      [{ callId: 'x', from: aliceIdentity }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [fields, status, code] of refusals) {
      const res = await report(app, '', fields);
      assert.equal(res.statusCode, status, JSON.stringify(fields));
      assert.equal(res.json().error.code, code);
    }
    assert.equal((await report(app, '/ended', { callId: 'unknown', code: '200' })).statusCode, 404);
    assert.equal((await report(app, '/ended', { callId: 'x', code: '99' })).statusCode, 400);
    assert.deepEqual(await app.notifyStore.listCalls(), before);
  });
});
