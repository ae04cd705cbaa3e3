import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import { callSid, createSession, makeApp, postWebhook, signIn, type TestApp } from './helpers.js';

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
    exp: number;
    iat: number;
    grants: { identity: string; voice: { outgoing: { application_sid: string } } };
  };

/**
 * The pre-call test's backend side (ours, `client.preflight()`): a token of its own identity for the user's own
 * live session, and the test's TwiML for a call from that identity (a conference of its own, not recorded).
 */
describe('POST /sessions/:sysId/preflight and the test call', () => {
  const account = createDevAccount();
  let app: TestApp;

  before(async () => {
    app = await makeApp({ account });
  });
  after(async () => app?.close());

  it('mints a short token for p_<session>, places it in a conference of its own, records nothing', async () => {
    const alice = await signIn(app, 'alice');
    const { session } = await createSession(app, alice);
    const res = await app.inject({
      method: 'POST',
      url: `/sessions/${session.sys_id}/preflight`,
      headers: alice.headers,
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { token: string; ttl: number; expiresAt: string };
    const jwt = claims(body.token);
    assert.equal(jwt.grants.identity, `p_${session.sys_id}`);
    assert.notEqual(jwt.grants.identity, session.identity, "never the session's own registration");
    assert.equal(jwt.grants.voice.outgoing.application_sid, account.twimlAppSid);
    assert.equal(body.ttl, 120);
    assert.equal(jwt.exp - jwt.iat, 120);

    const sid = callSid(0x9f);
    const twiml = await postWebhook(app, account.authToken, '/twilio/voice', {
      AccountSid: account.accountSid,
      CallSid: sid,
      From: `client:p_${session.sys_id}`,
      CallStatus: 'ringing',
    });
    assert.equal(twiml.statusCode, 200, twiml.body);
    assert.match(
      twiml.body,
      /<Dial timeLimit="30"><Conference [^>]*endConferenceOnExit="true"[^>]*>preflight-CA[0-9a-f]{32}<\/Conference><\/Dial>/,
    );
    const calls = await app.inject({ method: 'GET', url: '/calls', headers: alice.headers });
    assert.deepEqual((calls.json() as { calls: unknown[] }).calls, [], "a test is nobody's call history");
  });

  it('rejects a test call of a session that does not exist', async () => {
    const twiml = await postWebhook(app, account.authToken, '/twilio/voice', {
      AccountSid: account.accountSid,
      CallSid: callSid(0xa0),
      From: `client:p_${'0'.repeat(32)}`,
      CallStatus: 'ringing',
    });
    assert.equal(twiml.statusCode, 200);
    assert.match(twiml.body, /<Reject/);
    assert.doesNotMatch(twiml.body, /Conference/);
  });
});
