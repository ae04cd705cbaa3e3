import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { createDevAccount } from '../../scripts/dev-account.js';
import {
  inspect,
  mintToken,
  SignalingClient,
  startEmulator,
  startFakeBackend,
  testCertificate,
  waitFor,
  type RunningEmulator,
} from './helpers.js';

const CALLER = '+15557650000';
const NOTIFY_NUMBER = '+15550002222';

describe('REST Calls resource', () => {
  let emulator: RunningEmulator;
  let backend: Awaited<ReturnType<typeof startFakeBackend>>;
  let client: SignalingClient;
  let rest: twilio.Twilio;

  before(async () => {
    const account = createDevAccount();
    backend = await startFakeBackend(account.authToken, () => ({
      twiml: '<Response><Dial><Client>carol</Client></Dial></Response>',
    }));
    emulator = await startEmulator({
      account,
      voiceUrl: () => backend.voiceUrl,
      notifyNumbers: [NOTIFY_NUMBER],
    });
    // twilio-node pointed at the emulator exactly as the backend does it: API key auth, overridden base URL.
    const httpClient = new twilio.RequestClient({ ca: (await testCertificate()).cert });
    rest = twilio(account.apiKeySid, account.apiKeySecret, { accountSid: account.accountSid, httpClient });
    rest.api.baseUrl = emulator.url;
    client = new SignalingClient(emulator.url);
    await client.opened();
    await client.listen(mintToken(account, { identity: 'carol' }));
    client.send('register', { media: { audio: true } });
    await client.next('ready');
  });
  after(async () => {
    client.close();
    await emulator.close();
    await backend.close();
  });

  it('lists and fetches legs, and Status=completed ends a live call', { timeout: 20_000 }, async () => {
    const { body } = await inspect(emulator, `/emulator/phones/${encodeURIComponent(CALLER)}/dial`, {
      method: 'POST',
      body: { to: NOTIFY_NUMBER },
    });
    const parentSid = body.callSid as string;
    const invite = await client.next('invite');
    const childSid = invite.payload.callsid as string;

    const children = await rest.calls.list({ parentCallSid: parentSid });
    assert.deepEqual(
      children.map((c) => [c.sid, c.direction, c.to, c.status]),
      [[childSid, 'outbound-dial', 'client:carol', 'ringing']],
    );
    const parent = await rest.calls(parentSid).fetch();
    assert.equal(parent.from, CALLER);
    assert.equal(parent.to, NOTIFY_NUMBER);
    assert.ok(parent.dateCreated instanceof Date && !Number.isNaN(parent.dateCreated.getTime()));

    const updated = await rest.calls(parentSid).update({ status: 'completed' });
    assert.equal(updated.status, 'completed');
    assert.deepEqual((await client.next('cancel')).payload, { callsid: childSid });
    await waitFor(
      async () => ((await rest.calls(childSid).fetch()).status === 'canceled' ? true : undefined),
      5000,
      'child canceled',
    );
  });

  it('answers 404 (20404) for an unknown call and 401 (20003) for wrong credentials', async () => {
    await assert.rejects(rest.calls(`CA${'0'.repeat(32)}`).fetch(), { status: 404, code: 20404 });
    const wrong = twilio(emulator.account.accountSid, 'wrong-token', {
      httpClient: new twilio.RequestClient({ ca: (await testCertificate()).cert }),
    });
    wrong.api.baseUrl = emulator.url;
    await assert.rejects(wrong.calls.list(), { status: 401, code: 20003 });
  });
});
