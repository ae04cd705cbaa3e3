import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import { fakeTwilioRest } from './fake-twilio-rest.js';
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

const CALLER = '+15557654321';

describe('security review regressions: forwarding, ringing and the parent leg', () => {
  const account = createDevAccount();
  let app: TestApp;
  let rest: Awaited<ReturnType<typeof fakeTwilioRest>>;
  let alice: SignedIn;
  let bob: SignedIn;
  let aliceS: CreatedSession;
  let bobS: CreatedSession;
  let n = 0x7000;

  const webhook = (path: string, params: Record<string, string>) =>
    postWebhook(app, account.authToken, path, params);
  const incoming = () => ({
    AccountSid: account.accountSid,
    CallSid: callSid(++n),
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: CALLER,
    To: DEMO_NUMBER,
  });
  const forward = (who: SignedIn, sid: string, payload: object = { type: 'number', id: '+15551112222' }) =>
    app.inject({ method: 'POST', url: `/calls/${sid}/forward`, headers: who.headers, payload });
  /** An incoming call to the demo number and the child leg ringing `session`, with that leg's status. */
  async function ring(session: CreatedSession, status: string, parent = incoming()) {
    await webhook('/twilio/voice', parent);
    const child = callSid(++n);
    await webhook('/twilio/status', {
      CallSid: child,
      ParentCallSid: parent.CallSid,
      CallStatus: status,
      From: CALLER,
      To: `client:${session.session.identity}`,
    });
    return { parent: parent.CallSid, child };
  }

  before(async () => {
    rest = await fakeTwilioRest();
    app = await makeApp({ account, twilioApiBaseUrl: rest.url });
    alice = await signIn(app, 'alice');
    bob = await signIn(app, 'bob');
    // These sessions take part in many calls whose legs never get a final callback here (they stay live):
    // with call waiting on they stay ringable. The busy rule has its own tests (routing.test.ts).
    aliceS = await createSession(app, alice, DEMO_NUMBER, { callWaiting: 'ring' });
    bobS = await createSession(app, bob, DEMO_NUMBER, { callWaiting: 'ring' });
  });
  after(async () => {
    await app.close();
    await rest.close();
  });

  it('ignores a ParentCallSid a client sends as a connect() parameter: forwarding cannot take over that call', async () => {
    // Someone else's call, answered by bob.
    const victim = await ring(bobS, 'in-progress');
    // Alice places a call, naming the victim call as its "parent" (custom parameters arrive flat).
    const placed = callSid(++n);
    await webhook('/twilio/voice', {
      CallSid: placed,
      From: `client:${aliceS.session.identity}`,
      To: '+15553334444',
      ParentCallSid: victim.parent,
    });
    assert.equal((await app.notifyStore.getCall(placed))?.parent_call_sid, null);
    const before = rest.updates.length;
    const res = await forward(alice, placed);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(rest.updates.length, before, 'no call was redirected');
  });

  it('refuses to forward a leg that has ended: a declined ring does not move the call a colleague took', async () => {
    const parent = incoming();
    const bobLeg = await ring(bobS, 'canceled', parent);
    // Alice answered the same call (a second child of the same parent).
    await webhook('/twilio/status', {
      CallSid: callSid(++n),
      ParentCallSid: parent.CallSid,
      CallStatus: 'in-progress',
      From: CALLER,
      To: `client:${aliceS.session.identity}`,
    });
    const before = rest.updates.length;
    const res = await forward(bob, bobLeg.child);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.code, 'BAD_REQUEST');
    assert.equal(rest.updates.length, before);
  });

  it('refuses to forward for a user who lost the number since the session started', async () => {
    const { child } = await ring(bobS, 'in-progress');
    await app.notifyStore.setUserGroups(bob.user.sys_id, []);
    try {
      const before = rest.updates.length;
      const res = await forward(bob, child);
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().error.code, 'CALLER_ID_NOT_ALLOWED');
      assert.equal(rest.updates.length, before);
    } finally {
      await app.notifyStore.setUserGroups(bob.user.sys_id, ['demo']);
    }
  });

  it('does not leak REST error details when forwarding fails', async () => {
    const child = callSid(++n);
    const broken = await makeApp({ account, twilioApiBaseUrl: 'http://127.0.0.1:1' });
    try {
      const who = await signIn(broken, 'bob');
      const session = await createSession(broken, who);
      const params = incoming();
      await postWebhook(broken, account.authToken, '/twilio/voice', params);
      await postWebhook(broken, account.authToken, '/twilio/status', {
        CallSid: child,
        ParentCallSid: params.CallSid,
        CallStatus: 'in-progress',
        From: CALLER,
        To: `client:${session.session.identity}`,
      });
      const res = await broken.inject({
        method: 'POST',
        url: `/calls/${child}/forward`,
        headers: who.headers,
        payload: { type: 'number', id: '+15551112222' },
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(res.json(), {
        error: { code: 'BAD_REQUEST', message: 'The call could not be forwarded.' },
      });
    } finally {
      await broken.close();
    }
  });

  it('an incoming call does not ring the session of a user who lost the number', async () => {
    await app.notifyStore.setUserGroups(bob.user.sys_id, []);
    try {
      const res = await webhook('/twilio/voice', incoming());
      assert.equal(res.statusCode, 200);
      assert.match(res.body, new RegExp(aliceS.session.identity));
      assert.doesNotMatch(res.body, new RegExp(bobS.session.identity));
    } finally {
      await app.notifyStore.setUserGroups(bob.user.sys_id, ['demo']);
    }
  });

  it('the <Dial action> records the end of the parent leg (no longer "ringing" forever); twice changes nothing', async () => {
    const answered = await ring(aliceS, 'in-progress');
    const action = {
      ...incoming(),
      CallSid: answered.parent,
      CallStatus: 'in-progress',
      DialCallStatus: 'completed',
      DialBridged: 'true',
    };
    assert.equal((await app.notifyStore.getCall(answered.parent))?.status, 'ringing');
    assert.match((await webhook('/twilio/dial-complete', action)).body, /<Hangup\/>/);
    const first = await app.notifyStore.getCall(answered.parent);
    assert.equal(first?.status, 'completed');
    await webhook('/twilio/dial-complete', action);
    assert.deepEqual(await app.notifyStore.getCall(answered.parent), first);

    // Nobody answered: the caller hears why, then the call ends; a caller who hung up is recorded as such.
    const missed = incoming();
    await webhook('/twilio/voice', missed);
    await webhook('/twilio/dial-complete', {
      ...missed,
      CallStatus: 'canceled',
      DialCallStatus: 'no-answer',
    });
    assert.equal((await app.notifyStore.getCall(missed.CallSid))?.status, 'canceled');

    // An unknown CallSid records nothing.
    const unknown = incoming();
    await webhook('/twilio/dial-complete', { ...unknown, DialCallStatus: 'no-answer' });
    assert.equal(await app.notifyStore.getCall(unknown.CallSid), undefined);
  });
});
