import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
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

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';

describe('POST /twilio/voice (TwiML App voice URL)', () => {
  const account = createDevAccount();
  let app: TestApp;
  let alice: SignedIn;
  let created: CreatedSession;
  let n = 0;

  const voiceParams = (overrides: Record<string, string> = {}) => ({
    AccountSid: account.accountSid,
    ApiVersion: '2010-04-01',
    ApplicationSid: account.twimlAppSid,
    CallSid: callSid(++n),
    CallStatus: 'ringing',
    Called: '',
    Caller: `client:${created.session.identity}`,
    Direction: 'inbound',
    From: `client:${created.session.identity}`,
    To: '+15551234567',
    ...overrides,
  });
  const voice = (params: Record<string, string>, signature?: string) =>
    postWebhook(app, account.authToken, '/twilio/voice', params, signature);

  before(async () => {
    app = await makeApp({ account });
    alice = await signIn(app, 'alice');
    created = await createSession(app, alice);
  });
  after(() => app.close());

  it('dials an E.164 number with the session’s caller ID and records the parent call', async () => {
    const params = voiceParams();
    const res = await voice(params);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/xml/);
    const statusUrl = `${PUBLIC_URL}/twilio/status`;
    assert.equal(
      res.body,
      `${XML_DECL}<Response><Dial callerId="${DEMO_NUMBER}" answerOnBridge="true">` +
        `<Number statusCallback="${statusUrl}" statusCallbackEvent="initiated ringing answered completed"` +
        ` statusCallbackMethod="POST">+15551234567</Number></Dial></Response>`,
    );

    const call = await app.notifyStore.getCall(params.CallSid);
    assert.ok(call, 'a notify_call row');
    assert.match(call.sys_id, /^[0-9a-f]{32}$/);
    assert.equal(call.session, created.session.sys_id);
    assert.equal(call.direction, 'outbound');
    assert.equal(call.status, 'ringing');
    assert.equal(call.from, params.From);
    assert.equal(call.to, '+15551234567');
    assert.equal(call.parent_call_sid, null);
  });

  it('a forged or missing signature is 403 INVALID_SIGNATURE and records nothing', async () => {
    const forged = voiceParams();
    const other = createDevAccount();
    const { getExpectedTwilioSignature } = (await import('twilio')).default;
    const wrongKey = getExpectedTwilioSignature(other.authToken, `${PUBLIC_URL}/twilio/voice`, forged);
    const wrongUrl = getExpectedTwilioSignature(
      account.authToken,
      'https://elsewhere.test/api/twilio/voice',
      forged,
    );
    for (const signature of [wrongKey, wrongUrl, 'AAAA']) {
      const res = await voice(forged, signature);
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().error.code, 'INVALID_SIGNATURE');
    }
    const missing = voiceParams();
    const res = await voice(missing, '');
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'INVALID_SIGNATURE');

    // A parameter changed after signing is forged too.
    const signedFor = voiceParams();
    const { getExpectedTwilioSignature: sign } = (await import('twilio')).default;
    const sig = sign(account.authToken, `${PUBLIC_URL}/twilio/voice`, signedFor);
    const tampered = await voice({ ...signedFor, To: '+19005550000' }, sig);
    assert.equal(tampered.statusCode, 403);

    for (const p of [forged, missing, signedFor])
      assert.equal(await app.notifyStore.getCall(p.CallSid), undefined);
  });

  it('conference callbacks: a forged one is refused and records nothing; a signed join records the leg’s conference', async () => {
    const leg = voiceParams();
    await voice(leg);
    const event = {
      AccountSid: account.accountSid,
      ConferenceSid: `CF${'a'.repeat(32)}`,
      FriendlyName: `notify-${leg.CallSid}`,
      StatusCallbackEvent: 'participant-join',
      CallSid: leg.CallSid,
    };
    const forged = await postWebhook(app, account.authToken, '/twilio/conference', event, 'Zm9yZ2Vk');
    assert.equal(forged.statusCode, 403);
    assert.equal(forged.json().error.code, 'INVALID_SIGNATURE');
    assert.equal((await app.notifyStore.getCall(leg.CallSid))?.conference, null);
    // A conference that is not one of ours is left alone.
    const foreign = await postWebhook(app, account.authToken, '/twilio/conference', {
      ...event,
      FriendlyName: 'someone-elses-room',
    });
    assert.equal(foreign.statusCode, 204);
    assert.equal((await app.notifyStore.getCall(leg.CallSid))?.conference, null);
    const joined = await postWebhook(app, account.authToken, '/twilio/conference', event);
    assert.equal(joined.statusCode, 204);
    assert.equal((await app.notifyStore.getCall(leg.CallSid))?.conference, event.FriendlyName);
  });

  it('resuming a call that is not the user’s own, or not in a conference, hangs the new leg up', async () => {
    const bob = await signIn(app, 'bob');
    const bobS = await createSession(app, bob);
    const bobsCall = voiceParams({
      From: `client:${bobS.session.identity}`,
      Caller: `client:${bobS.session.identity}`,
    });
    await voice(bobsCall);
    await app.notifyStore.setCallConference(bobsCall.CallSid, `notify-${bobsCall.CallSid}`);
    const hangup = `${XML_DECL}<Response><Hangup/></Response>`;
    const stolen = await voice(voiceParams({ To: '', notifyResume: bobsCall.CallSid }));
    assert.equal(stolen.body, hangup);
    const plain = voiceParams();
    await voice(plain);
    const notHeld = await voice(voiceParams({ To: '', notifyResume: plain.CallSid }));
    assert.equal(notHeld.body, hangup);
    const unknown = await voice(voiceParams({ To: '', notifyResume: callSid(0xfff) }));
    assert.equal(unknown.body, hangup);
  });

  it('an unknown client session is rejected with <Reject/> and not recorded', async () => {
    const params = voiceParams({ From: `client:s_${'0'.repeat(32)}`, Caller: `client:s_${'0'.repeat(32)}` });
    const res = await voice(params);
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, `${XML_DECL}<Response><Reject/></Response>`);
    assert.equal(await app.notifyStore.getCall(params.CallSid), undefined);
  });

  it('an invalid To says so and hangs up', async () => {
    for (const To of ['', '12345', 'client:']) {
      const res = await voice(voiceParams({ To }));
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<Say>[^<]*not a valid phone number[^<]*<\/Say><Hangup\/><\/Response>$/, To);
      assert.doesNotMatch(res.body, /<Dial/);
    }
  });

  it('a client-to-client call to nobody available says so (routing: routing.test.ts)', async () => {
    const res = await voice(voiceParams({ To: 'client:s_abc' }));
    assert.match(res.body, /<Say>[^<]*not available[^<]*<\/Say><Hangup\/>/);
  });

  it('a session whose user lost the number no longer dials', async () => {
    const bob = await signIn(app, 'bob');
    const bobs = await createSession(app, bob);
    // Move the demo number to a group bob is not in.
    const other = await app.notifyStore.findOrCreateGroup('elsewhere');
    await app.notifyStore.upsertNumber({ number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT', group: other.sys_id });
    try {
      const from = `client:${bobs.session.identity}`;
      const res = await voice(voiceParams({ From: from, Caller: from }));
      assert.equal(res.statusCode, 200);
      assert.doesNotMatch(res.body, /<Dial/);
      assert.match(res.body, /<Hangup\/>/);
    } finally {
      const demo = await app.notifyStore.findOrCreateGroup('demo');
      await app.notifyStore.upsertNumber({
        number: DEMO_NUMBER,
        vendor: 'TWILIO_DIRECT',
        group: demo.sys_id,
      });
    }
  });

  it('validates against the function form of publicUrl too', async () => {
    let base = 'https://first.test/api';
    const app2 = await makeApp({ account, publicUrl: () => base });
    try {
      const who = await signIn(app2, 'carol');
      const s = await createSession(app2, who);
      const params = { CallSid: callSid(9999), From: `client:${s.session.identity}`, To: '+15551234567' };
      const { getExpectedTwilioSignature: sign } = (await import('twilio')).default;
      base = 'https://second.test/api';
      const sig = sign(account.authToken, `${base}/twilio/voice`, params);
      const res = await postWebhook(app2, account.authToken, '/twilio/voice', params, sig);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<Dial/);
    } finally {
      await app2.close();
    }
  });
});

describe('POST /twilio/status (call status callbacks)', () => {
  const account = createDevAccount();
  let app: TestApp;
  let created: CreatedSession;
  let alice: SignedIn;
  const parentSid = callSid(1);
  const childSid = callSid(2);
  const status = (params: Record<string, string>, signature?: string) =>
    postWebhook(app, account.authToken, '/twilio/status', params, signature);

  before(async () => {
    app = await makeApp({ account });
    alice = await signIn(app, 'alice');
    created = await createSession(app, alice);
    const from = `client:${created.session.identity}`;
    const res = await postWebhook(app, account.authToken, '/twilio/voice', {
      CallSid: parentSid,
      From: from,
      To: '+15551234567',
      CallStatus: 'ringing',
    });
    assert.equal(res.statusCode, 200);
  });
  after(() => app.close());

  const child = (CallStatus: string) => ({
    AccountSid: account.accountSid,
    CallSid: childSid,
    ParentCallSid: parentSid,
    CallStatus,
    Direction: 'outbound-dial',
    From: DEMO_NUMBER,
    To: '+15551234567',
  });

  it('records a child leg linked to its parent and session', async () => {
    const res = await status(child('initiated'));
    assert.equal(res.statusCode, 204);
    const parent = await app.notifyStore.getCall(parentSid);
    const call = await app.notifyStore.getCall(childSid);
    assert.equal(call?.parent_call_sid, parentSid);
    assert.equal(call?.parent_sys_id, parent?.sys_id);
    assert.equal(call?.session, created.session.sys_id);
    assert.equal(call?.direction, 'outbound');
    assert.equal(call?.status, 'initiated');
  });

  it('is idempotent, and a late non-terminal status does not undo a terminal one', async () => {
    await status(child('in-progress'));
    const first = await app.notifyStore.getCall(childSid);
    assert.equal(first?.status, 'in-progress');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await status(child('in-progress'));
    assert.deepEqual(await app.notifyStore.getCall(childSid), first);

    await status(child('completed'));
    await status(child('ringing'));
    assert.equal((await app.notifyStore.getCall(childSid))?.status, 'completed');
  });

  it('GET /calls/:callSid/parent answers the parent notify_call sys_id to the session owner only', async () => {
    const parent = await app.notifyStore.getCall(parentSid);
    const res = await app.inject({ method: 'GET', url: `/calls/${childSid}/parent`, headers: alice.headers });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { parentId: parent?.sys_id });
    const unknown = await app.inject({
      method: 'GET',
      url: `/calls/${callSid(555)}/parent`,
      headers: alice.headers,
    });
    assert.deepEqual(unknown.json(), { parentId: null });
    const bob = await signIn(app, 'bob');
    const denied = await app.inject({
      method: 'GET',
      url: `/calls/${childSid}/parent`,
      headers: bob.headers,
    });
    assert.equal(denied.statusCode, 403);
  });

  it('updates the parent leg', async () => {
    await status({ CallSid: parentSid, CallStatus: 'completed', From: `client:${created.session.identity}` });
    assert.equal((await app.notifyStore.getCall(parentSid))?.status, 'completed');
  });

  it('records CallDuration of the terminal callback, once, and a late callback never clears it', async () => {
    const leg = (CallStatus: string, CallDuration?: string) => ({
      ...child(CallStatus),
      CallSid: callSid(3),
      ...(CallDuration === undefined ? {} : { CallDuration }),
    });
    // Only a terminal status carries a duration that counts.
    assert.equal((await status(leg('in-progress', '9'))).statusCode, 204);
    assert.equal((await app.notifyStore.getCall(callSid(3)))?.duration, null);

    const completed = leg('completed', '42');
    assert.equal((await status(completed)).statusCode, 204);
    const first = await app.notifyStore.getCall(callSid(3));
    assert.equal(first?.status, 'completed');
    assert.equal(first?.duration, 42);

    // Twilio retrying the same signed callback changes nothing (updated_at kept).
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal((await status(completed)).statusCode, 204);
    assert.deepEqual(await app.notifyStore.getCall(callSid(3)), first);

    // Late or malformed callbacks keep it.
    for (const late of [leg('ringing', '0'), leg('in-progress'), leg('completed'), leg('completed', 'abc')]) {
      assert.equal((await status(late)).statusCode, 204);
    }
    assert.deepEqual(await app.notifyStore.getCall(callSid(3)), first);

    // Non-numeric durations on a terminal callback are ignored; the status is still recorded.
    for (const [n, CallDuration] of ['abc', '', '-3', '1.5', '1e3', '99999999999'].entries()) {
      const res = await status({ ...leg('no-answer', CallDuration), CallSid: callSid(100 + n) });
      assert.equal(res.statusCode, 204, CallDuration);
      const call = await app.notifyStore.getCall(callSid(100 + n));
      assert.equal(call?.status, 'no-answer');
      assert.equal(call?.duration, null, CallDuration);
    }
    // Any terminal status records it (Twilio sends 0 for a leg that never connected).
    await status({ ...leg('busy', '0'), CallSid: callSid(200) });
    assert.equal((await app.notifyStore.getCall(callSid(200)))?.duration, 0);
  });

  it('refuses unsigned callbacks and unknown statuses', async () => {
    const res = await status(child('busy'), 'forged');
    assert.equal(res.statusCode, 403);
    assert.equal((await app.notifyStore.getCall(childSid))?.status, 'completed');
    const bad = await status({ ...child('exploded'), CallSid: callSid(77) });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'VALIDATION_FAILED');
    assert.equal(await app.notifyStore.getCall(callSid(77)), undefined);
  });
});
