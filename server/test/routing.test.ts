import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import { fakeTwilioRest } from './fake-twilio-rest.js';
import {
  DEMO_NUMBER,
  PUBLIC_URL,
  callSid,
  createSession,
  makeApp,
  postWebhook,
  signIn,
  type CreatedSession,
  type SignedIn,
  type TestApp,
} from './helpers.js';

const STATUS_URL = `${PUBLIC_URL}/twilio/status`;
const CALLER = '+15557654321';

describe('call routing: incoming calls, client-to-client calls, forwarding', () => {
  const account = createDevAccount();
  let app: TestApp;
  let rest: Awaited<ReturnType<typeof fakeTwilioRest>>;
  let alice: SignedIn;
  let bob: SignedIn;
  let aliceS: CreatedSession;
  let bobS: CreatedSession;
  let n = 0x9000;

  const webhook = (path: string, params: Record<string, string>, signature?: string) =>
    postWebhook(app, account.authToken, path, params, signature);
  const incoming = (extra: Record<string, string> = {}) => ({
    AccountSid: account.accountSid,
    CallSid: callSid(++n),
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: CALLER,
    To: DEMO_NUMBER,
    ...extra,
  });
  const identities = (twiml: string) =>
    [...twiml.matchAll(/<Identity>([^<]+)<\/Identity>/g)].map((m) => m[1]);

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

  it('an incoming call rings every available session of the number and records the parent', async () => {
    const params = incoming();
    const res = await webhook('/twilio/voice', params);
    assert.equal(res.statusCode, 200);
    assert.match(
      res.body,
      /<Dial [^>]*action="https:\/\/notify\.test:8443\/api\/twilio\/dial-complete\?rung=\d+&amp;again=0"/,
    );
    assert.deepEqual(identities(res.body).sort(), [aliceS.session.identity, bobS.session.identity].sort());
    assert.match(
      res.body,
      new RegExp(
        `<Client statusCallback="${STATUS_URL}" statusCallbackEvent="initiated ringing answered completed"`,
      ),
    );
    assert.match(res.body, /<Parameter name="notifyNumber" value="\+15005550006"\/>/);
    const parent = await app.notifyStore.getCall(params.CallSid);
    assert.equal(parent?.direction, 'inbound');
    assert.equal(parent?.from, CALLER);
    // The parent's id goes with the invite (the client need not look it up before INCOMING_CALL).
    const sent = [...res.body.matchAll(/<Parameter name="parentId" value="([0-9a-f]{32})"\/>/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(sent, [parent?.sys_id, parent?.sys_id]);
  });

  it('the ringing child leg is recorded for the callee session, linked to the parent row', async () => {
    const params = incoming();
    await webhook('/twilio/voice', params);
    const child = callSid(++n);
    const res = await webhook('/twilio/status', {
      CallSid: child,
      ParentCallSid: params.CallSid,
      CallStatus: 'initiated',
      From: CALLER,
      To: `client:${bobS.session.identity}`,
      Direction: 'outbound-dial',
    });
    assert.equal(res.statusCode, 204);
    const row = await app.notifyStore.getCall(child);
    const parent = await app.notifyStore.getCall(params.CallSid);
    assert.equal(row?.session, bobS.session.sys_id);
    assert.equal(row?.parent_sys_id, parent?.sys_id);
    const mine = await app.inject({ url: `/calls/${child}/parent`, headers: bob.headers });
    assert.deepEqual(mine.json(), { parentId: parent?.sys_id });
    const theirs = await app.inject({ url: `/calls/${child}/parent`, headers: alice.headers });
    assert.equal(theirs.statusCode, 403);
  });

  it('a ring whose callee vanished at once rings again a second later; one that rang out does not (shareTabs)', async () => {
    const params = incoming();
    const dialled = await webhook('/twilio/voice', params);
    const action = /action="[^"]*(\/twilio\/dial-complete\?rung=(\d+)&amp;again=0)"/.exec(dialled.body)!;
    const path = action[1]!.replace('&amp;', '&');
    // The ringing tab closed: the Dial ends no-answer at once, the caller still on the line.
    const vanished = await webhook(path, {
      ...params,
      CallStatus: 'in-progress',
      DialCallStatus: 'no-answer',
    });
    assert.match(
      vanished.body,
      /<Pause length="1"\/><Redirect method="POST">https:\/\/notify\.test:8443\/api\/twilio\/voice\?again=1<\/Redirect>/,
    );
    const again = await webhook('/twilio/voice?again=1', params);
    assert.deepEqual(identities(again.body).sort(), [aliceS.session.identity, bobS.session.identity].sort());
    assert.match(again.body, /dial-complete\?rung=\d+&amp;again=1"/);
    // Rung out (started long before the ring timeout ended): the caller hears that nobody is available.
    const old = path.replace(/rung=\d+/, `rung=${Date.now() - 40_000}`);
    const rangOut = await webhook(old, { ...params, CallStatus: 'in-progress', DialCallStatus: 'no-answer' });
    assert.match(rangOut.body, /<Say>[^<]*nobody is available/);
    // The caller hung up meanwhile: nothing rings again.
    const gone = await webhook(path, { ...params, CallStatus: 'completed', DialCallStatus: 'no-answer' });
    assert.doesNotMatch(gone.body, /<Redirect/);
    // Bounded: after the last try, nobody available.
    const last = path.replace('again=0', 'again=5');
    const tooMany = await webhook(last, {
      ...params,
      CallStatus: 'in-progress',
      DialCallStatus: 'no-answer',
    });
    assert.match(tooMany.body, /<Say>[^<]*nobody is available/);
  });

  it('an unavailable session is not rung; nobody available says so and still records the call', async () => {
    const patch = (who: SignedIn, s: CreatedSession, available: boolean) =>
      app.inject({
        method: 'PATCH',
        url: `/sessions/${s.session.sys_id}`,
        headers: who.headers,
        payload: { available },
      });
    assert.equal((await patch(alice, aliceS, false)).statusCode, 200);
    let res = await webhook('/twilio/voice', incoming());
    assert.deepEqual(identities(res.body), [bobS.session.identity]);
    await patch(bob, bobS, false);
    const params = incoming();
    res = await webhook('/twilio/voice', params);
    assert.match(res.body, /<Say>[^<]*nobody is available[^<]*<\/Say><Hangup\/>/);
    assert.doesNotMatch(res.body, /<Dial/);
    assert.equal((await app.notifyStore.getCall(params.CallSid))?.to, DEMO_NUMBER);
    await patch(alice, aliceS, true);
    await patch(bob, bobS, true);
  });

  it('a call to a number that is not ours is rejected; a forged webhook is refused', async () => {
    const res = await webhook('/twilio/voice', incoming({ To: '+15550000000' }));
    assert.match(res.body, /<Reject\/>/);
    const forged = incoming();
    const refused = await webhook('/twilio/voice', forged, 'Zm9yZ2Vk');
    assert.equal(refused.statusCode, 403);
    assert.equal(await app.notifyStore.getCall(forged.CallSid), undefined);
    const forgedForward = await webhook(
      '/twilio/dial-complete',
      { ...incoming(), DialCallStatus: 'no-answer' },
      'x',
    );
    assert.equal(forgedForward.statusCode, 403);
  });

  it('client:<user sys_id> rings that colleague’s sessions with sysId and isFromClient', async () => {
    const from = `client:${aliceS.session.identity}`;
    const res = await webhook('/twilio/voice', {
      AccountSid: account.accountSid,
      ApplicationSid: account.twimlAppSid,
      CallSid: callSid(++n),
      From: from,
      To: `client:${bob.user.sys_id}`,
    });
    assert.deepEqual(identities(res.body), [bobS.session.identity]);
    assert.match(res.body, new RegExp(`<Parameter name="sysId" value="${alice.user.sys_id}"/>`));
    assert.match(res.body, /<Parameter name="isFromClient" value="true"\/>/);
    assert.match(res.body, /<Dial [^>]*answerOnBridge="true"/);
    const self = await webhook('/twilio/voice', {
      CallSid: callSid(++n),
      From: from,
      To: `client:${alice.user.sys_id}`,
    });
    assert.match(self.body, /<Say>[^<]*not available/);
  });

  it('dial-complete hangs up after a bridged call and explains an unanswered one', async () => {
    const done = await webhook('/twilio/dial-complete', {
      ...incoming(),
      DialCallStatus: 'completed',
      DialBridged: 'true',
    });
    assert.match(done.body, /<Response><Hangup\/><\/Response>/);
    const missed = await webhook('/twilio/dial-complete', { ...incoming(), DialCallStatus: 'no-answer' });
    assert.match(missed.body, /<Say>[^<]*nobody is available/);
    // A client's own unanswered call (to a colleague) ends unanswered: nothing answers it to say why, so Twilio
    // ends it with the dial's outcome, which the caller's phone shows ("Busy", "No answer").
    const unanswered = await webhook('/twilio/dial-complete', {
      CallSid: callSid(++n),
      From: `client:${aliceS.session.identity}`,
      To: `client:${bob.user.sys_id}`,
      DialCallStatus: 'busy',
    });
    assert.match(unanswered.body, /<Response\/>/);
  });

  it('forwards the other leg of the user’s own call through REST, and refuses another user’s call', async () => {
    const params = incoming();
    await webhook('/twilio/voice', params);
    const child = callSid(++n);
    await webhook('/twilio/status', {
      CallSid: child,
      ParentCallSid: params.CallSid,
      CallStatus: 'in-progress',
      From: CALLER,
      To: `client:${bobS.session.identity}`,
    });
    const forward = (who: SignedIn, payload: object, sid = child) =>
      app.inject({ method: 'POST', url: `/calls/${sid}/forward`, headers: who.headers, payload });

    const refused = await forward(alice, { type: 'number', id: '+15551112222', dtmf: '1234' });
    assert.equal(refused.statusCode, 403);
    assert.equal(rest.updates.length, 0);
    assert.equal((await forward(bob, { type: 'number', id: '555-1212' })).statusCode, 400);
    assert.equal((await forward(bob, { type: 'number', id: '+15551112222', dtmf: '12F' })).statusCode, 400);
    assert.equal(
      (await forward(bob, { type: 'number', id: '+15551112222' }, callSid(0xdead))).statusCode,
      404,
    );
    assert.equal(rest.updates.length, 0);

    const ok = await forward(bob, { type: 'number', id: '+15551112222', dtmf: '1234' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { forwarded: { callSid: params.CallSid, to: '+15551112222' } });
    assert.equal(rest.updates.at(-1)?.sid, params.CallSid);
    assert.match(
      rest.updates.at(-1)!.body.Twiml!,
      /<Dial callerId="\+15005550006"><Number sendDigits="1234" [^>]*>\+15551112222<\/Number><\/Dial>/,
    );

    // A call the user placed: the other party is its live child, found through REST.
    const placed = callSid(++n);
    const from = `client:${aliceS.session.identity}`;
    await webhook('/twilio/voice', { CallSid: placed, From: from, To: '+15553334444' });
    rest.children.set(placed, callSid(++n));
    const toBob = await forward(alice, { type: 'userId', id: bob.user.sys_id }, placed);
    assert.equal(toBob.statusCode, 200, toBob.body);
    assert.equal(rest.updates.at(-1)?.sid, rest.children.get(placed));
    assert.deepEqual(identities(rest.updates.at(-1)!.body.Twiml!), [bobS.session.identity]);

    // Only a child that is still connected is moved: one that already ended is no party to forward.
    const endedChild = callSid(++n);
    const placedAgain = callSid(++n);
    await webhook('/twilio/voice', { CallSid: placedAgain, From: from, To: '+15553334444' });
    rest.children.set(placedAgain, endedChild);
    rest.statuses.set(endedChild, 'completed');
    const updatesBefore = rest.updates.length;
    const noParty = await forward(alice, { type: 'number', id: '+15551112222' }, placedAgain);
    assert.equal(noParty.statusCode, 400, noParty.body);
    assert.equal(rest.updates.length, updatesBefore);
  });

  it("does not ring an agent on a call (callWaiting 'busy', the default) unless that agent asked for call waiting", async () => {
    const carol = await signIn(app, 'carol');
    const dave = await signIn(app, 'dave');
    const carolS = await createSession(app, carol);
    const daveS = await createSession(app, dave, DEMO_NUMBER, { callWaiting: 'ring' });
    const ringing = async () => identities((await webhook('/twilio/voice', incoming())).body);
    assert.ok((await ringing()).includes(carolS.session.identity));
    // Carol and Dave are each on a call now (a live leg of their session).
    for (const [session, sid] of [
      [carolS, callSid(++n)],
      [daveS, callSid(++n)],
    ] as const) {
      await webhook('/twilio/voice', {
        CallSid: sid,
        From: `client:${session.session.identity}`,
        To: CALLER,
      });
      await webhook('/twilio/status', {
        CallSid: sid,
        From: `client:${session.session.identity}`,
        To: CALLER,
        CallStatus: 'in-progress',
      });
    }
    const rung = await ringing();
    assert.ok(!rung.includes(carolS.session.identity), 'a busy agent rang');
    assert.ok(rung.includes(daveS.session.identity), 'an agent with call waiting did not ring');
    // A colleague calling Carol hears that she is not available.
    const toCarol = await webhook('/twilio/voice', {
      CallSid: callSid(++n),
      From: `client:${aliceS.session.identity}`,
      To: `client:${carol.user.sys_id}`,
    });
    assert.match(toCarol.body, /not available/);
    assert.doesNotMatch(toCarol.body, /<Dial/);
  });
});
