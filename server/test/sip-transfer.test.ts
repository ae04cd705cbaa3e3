import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mintTransferGrant, readTransferGrant, sipRoutingToken, TRANSFER_GRANT_SECONDS } from '../sip.js';
import { DEMO_NUMBER, createSession, makeApp, signIn, type SignedIn, type TestApp } from './helpers.js';

const SIP_NUMBER = '+15005550020';
const sip = { domain: 'pbx.example.test', wsUrl: 'wss://pbx.example.test:8443', secret: 's'.repeat(40) };
/** A SIP Call-ID as JsSIP makes them: not a Twilio CallSid. */
const CALL_ID = 'h3k9v0q2m1x8c7z6a5s4';

describe('SIP transfers: POST /calls/:callSid/refer and the grant the proxy routes (issue 15)', () => {
  let app: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let twilioUser: SignedIn;
  let bobIdentity: string;
  let bobSession: string;
  const proxy = { authorization: `Bearer ${sipRoutingToken(sip.secret)}` };
  const refer = (who: SignedIn, body: object, callId = CALL_ID) =>
    app.inject({
      method: 'POST',
      url: `/calls/${encodeURIComponent(callId)}/refer`,
      headers: who.headers,
      payload: body,
    });
  const route = (to: string, grant: string, from = '+15551240003') =>
    app.inject({
      url: `/sip/route?to=${to}&from=${encodeURIComponent(from)}&callId=c9&grant=${encodeURIComponent(grant)}`,
      headers: proxy,
    });

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
    twilioUser = await signIn(app, 'tess');
    await createSession(app, alice, SIP_NUMBER);
    const created = await createSession(app, bob, SIP_NUMBER);
    bobIdentity = created.session.identity;
    bobSession = created.session.sys_id;
    await createSession(app, twilioUser, DEMO_NUMBER);
  });
  after(() => app.close());

  it('grants are bound to the secret, the user, the target and a short expiry', () => {
    const now = Date.UTC(2026, 11, 6, 7, 0, 0);
    const grant = mintTransferGrant('secret', 'u1', 't1', now);
    assert.equal(readTransferGrant('secret', grant, 't1', now), 'u1');
    assert.equal(readTransferGrant('other', grant, 't1', now), undefined);
    assert.equal(readTransferGrant('secret', grant, 't2', now), undefined);
    assert.equal(readTransferGrant('secret', grant.replace('u1', 'u2'), 't1', now), undefined);
    assert.equal(
      readTransferGrant('secret', grant, 't1', now + TRANSFER_GRANT_SECONDS * 1000 + 1000),
      undefined,
    );
    assert.equal(readTransferGrant('secret', `${grant}.x`, 't1', now), undefined);
  });

  it('a number: the Refer-To is the number at the proxy domain, no grant', async () => {
    const res = await refer(alice, { type: 'number', id: '+15551240004' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { referTo: `sip:+15551240004@${sip.domain}` });
  });

  it('a colleague: the Refer-To carries a grant with which the proxy rings their available sessions', async () => {
    const res = await refer(alice, { type: 'userId', id: bob.user.sys_id });
    assert.equal(res.statusCode, 200, res.body);
    const referTo = (res.json() as { referTo: string }).referTo;
    const match = new RegExp(
      `^sip:${bob.user.sys_id}@${sip.domain.replace(/\./g, '\\.')};notify-grant=(\\S+)$`,
    ).exec(referTo);
    assert.ok(match, referTo);
    const routed = await route(bob.user.sys_id, match[1]!);
    assert.equal(routed.statusCode, 200, routed.body);
    // A call on alice's Notify number from the far end, not a call between colleagues; recorded like any call to
    // the number: the far end's leg is the parent the colleague's invite carries.
    const [number, callerUser, parentId, ...rung] = routed.body.split('|');
    assert.deepEqual([number, callerUser, rung], [SIP_NUMBER, '', [bobIdentity]]);
    assert.match(parentId!, /^[0-9a-f]{32}$/);
    // The grant names bob: it rings nobody else, and a forged or foreign one rings nobody.
    assert.equal((await route(alice.user.sys_id, match[1]!)).statusCode, 403);
    assert.equal((await route(bob.user.sys_id, `${match[1]!.slice(0, -2)}xx`)).statusCode, 403);
    const foreign = mintTransferGrant(
      'another secret of at least 32 characters!',
      alice.user.sys_id,
      bob.user.sys_id,
    );
    assert.equal((await route(bob.user.sys_id, foreign)).statusCode, 403);
  });

  it('refuses, with a code and nothing granted: unreachable colleague, bad input, a user without a SIP session', async () => {
    const carol = await signIn(app, 'carol'); // no session at all
    const cases: Array<[SignedIn, object, number, string]> = [
      [alice, { type: 'userId', id: carol.user.sys_id }, 400, 'BAD_REQUEST'],
      [alice, { type: 'userId', id: alice.user.sys_id }, 400, 'BAD_REQUEST'],
      [alice, { type: 'userId', id: 'not-a-sys-id' }, 400, 'VALIDATION_FAILED'],
      [alice, { type: 'number', id: '5551240004' }, 400, 'INVALID_NUMBER'],
      [alice, { type: 'queue', id: '+15551240004' }, 400, 'VALIDATION_FAILED'],
      [twilioUser, { type: 'number', id: '+15551240004' }, 409, 'INVALID_STATE'],
      [carol, { type: 'number', id: '+15551240004' }, 409, 'INVALID_STATE'],
    ];
    for (const [who, body, status, code] of cases) {
      const res = await refer(who, body);
      assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal((res.json() as { error: { code: string } }).error.code, code);
    }
    // Bob unavailable: not reachable now.
    const off = await app.inject({
      method: 'PATCH',
      url: `/sessions/${bobSession}`,
      headers: bob.headers,
      payload: { available: false },
    });
    assert.equal(off.statusCode, 200, off.body);
    const unavailable = await refer(alice, { type: 'userId', id: bob.user.sys_id });
    assert.equal(unavailable.statusCode, 400, unavailable.body);
  });
});
