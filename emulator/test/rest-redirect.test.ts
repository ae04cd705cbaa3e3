import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { createDevAccount } from '../../scripts/dev-account.js';
import {
  inspect,
  startEmulator,
  startFakeBackend,
  testCertificate,
  waitFor,
  type RunningEmulator,
} from './helpers.js';

const NOTIFY_NUMBER = '+15550003333';
const AGENT = '+15557000001';
const TRANSFER = '+15557000002';

interface PhoneJson {
  calls: Array<{ callSid: string; state: string; digitsSentByTwilio: string; parentCallSid: string | null }>;
}

describe('REST Calls update with Twiml / Url (redirecting a live call)', () => {
  let emulator: RunningEmulator;
  let backend: Awaited<ReturnType<typeof startFakeBackend>>;
  let rest: twilio.Twilio;
  const phone = async (number: string) =>
    (await inspect(emulator, `/emulator/phones/${encodeURIComponent(number)}`)).body as unknown as PhoneJson;
  const dialIn = async (caller: string) =>
    (
      await inspect(emulator, `/emulator/phones/${encodeURIComponent(caller)}/dial`, {
        method: 'POST',
        body: { to: NOTIFY_NUMBER },
      })
    ).body.callSid as string;
  const liveCallOf = (number: string) =>
    waitFor(
      async () => (await phone(number)).calls.find((c) => c.state === 'in-progress'),
      5000,
      `${number} live`,
    );

  before(async () => {
    const account = createDevAccount();
    backend = await startFakeBackend(account.authToken, (_params, path) => ({
      twiml: path.startsWith('/forward')
        ? `<Response><Dial><Number sendDigits="99">${TRANSFER}</Number></Dial></Response>`
        : `<Response><Dial><Number>${AGENT}</Number></Dial></Response>`,
    }));
    emulator = await startEmulator({
      account,
      voiceUrl: () => backend.voiceUrl,
      notifyNumbers: [NOTIFY_NUMBER],
    });
    const httpClient = new twilio.RequestClient({ ca: (await testCertificate()).cert });
    rest = twilio(account.apiKeySid, account.apiKeySecret, { accountSid: account.accountSid, httpClient });
    rest.api.baseUrl = emulator.url;
  });
  after(async () => {
    await emulator.close();
    await backend.close();
  });

  it(
    'Twiml on the parent: the bridged child is hung up and the caller is dialled onwards',
    { timeout: 20_000 },
    async () => {
      const parentSid = await dialIn('+15557100001');
      const agentCall = await liveCallOf(AGENT);
      assert.equal(agentCall.parentCallSid, parentSid);

      const updated = await rest.calls(parentSid).update({
        twiml: `<Response><Dial><Number sendDigits="1234">${TRANSFER}</Number></Dial></Response>`,
      });
      assert.equal(updated.status, 'in-progress');
      await waitFor(
        async () =>
          (await phone(AGENT)).calls.find((c) => c.callSid === agentCall.callSid)?.state === 'completed',
        5000,
        'the first agent hung up',
      );
      const transfer = await liveCallOf(TRANSFER);
      assert.equal(transfer.parentCallSid, parentSid);
      assert.equal(transfer.digitsSentByTwilio, '1234');
      assert.equal((await rest.calls(agentCall.callSid).fetch()).status, 'completed');
      assert.equal((await rest.calls(parentSid).fetch()).status, 'in-progress');
      await rest.calls(parentSid).update({ status: 'completed' });
    },
  );

  it(
    'Url on a bridged child: it leaves the Dial, fetches the URL (signed) and runs it',
    { timeout: 20_000 },
    async () => {
      const parentSid = await dialIn('+15557100002');
      const agentCall = await liveCallOf(AGENT);
      const before = (await phone(TRANSFER)).calls.length;
      await rest.calls(agentCall.callSid).update({ url: `${backend.base}/forward`, method: 'POST' });
      const forwarded = await waitFor(
        async () => (await phone(TRANSFER)).calls.slice(before).find((c) => c.state === 'in-progress'),
        5000,
        'the transfer phone answered',
      );
      // The redirected child dialled: the new leg's parent is the child, and it played the digits.
      assert.equal(forwarded.parentCallSid, agentCall.callSid);
      assert.equal(forwarded.digitsSentByTwilio, '99');
      const request = backend.requests.find((r) => r.path === '/forward');
      assert.equal(request?.signatureValid, true);
      assert.equal(request?.params.CallSid, agentCall.callSid);
      // The parent's Dial ended when its child left; with no verbs after it, the caller's call ended.
      await waitFor(
        async () => ((await rest.calls(parentSid).fetch()).status === 'completed' ? true : undefined),
        5000,
        'the parent completed',
      );
      await rest.calls(agentCall.callSid).update({ status: 'completed' });
    },
  );

  it('answers 21220 for a call that is over and 21263 for TwiML that does not parse', async () => {
    const parentSid = await dialIn('+15557100003');
    await liveCallOf(AGENT);
    await assert.rejects(rest.calls(parentSid).update({ twiml: '<Response><Dial>' }), {
      status: 400,
      code: 21263,
    });
    await rest.calls(parentSid).update({ status: 'completed' });
    await assert.rejects(rest.calls(parentSid).update({ twiml: '<Response><Hangup/></Response>' }), {
      status: 400,
      code: 21220,
    });
  });
});
