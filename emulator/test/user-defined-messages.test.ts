import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { createDevAccount } from '../../scripts/dev-account.js';
import {
  BrowserPeer,
  inspect,
  mintToken,
  SignalingClient,
  startEmulator,
  startFakeBackend,
  testCertificate,
  type RunningEmulator,
} from './helpers.js';

const CALLER = '+15557654399';
const NOTIFY_NUMBER = '+15550001199';

/** [HTTP status, Twilio code] of the RestException a twilio-node call throws. */
async function restError(call: () => Promise<unknown>): Promise<[number, number]> {
  const error = (await call().then(
    () => assert.fail('the request succeeded'),
    (e: unknown) => e,
  )) as { status: number; code: number };
  return [error.status, error.code];
}

describe('REST UserDefinedMessages: the backend speaks to the SDK of a live browser leg', () => {
  let emulator: RunningEmulator;
  let backend: Awaited<ReturnType<typeof startFakeBackend>>;
  let rest: twilio.Twilio;

  before(async () => {
    const account = createDevAccount();
    backend = await startFakeBackend(account.authToken, () => ({
      twiml: '<Response><Dial timeout="10"><Client>bob</Client></Dial></Response>',
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
    'delivers the parsed content to that socket only, and refuses legs no SDK holds',
    { timeout: 20_000 },
    async () => {
      const bob = new SignalingClient(emulator.url);
      const peer = new BrowserPeer();
      try {
        await bob.opened();
        await bob.listen(mintToken(emulator.account, { identity: 'bob' }));
        bob.send('register', { media: { audio: true } });
        await bob.next('ready');
        const dialed = await inspect(emulator, `/emulator/phones/${encodeURIComponent(CALLER)}/dial`, {
          method: 'POST',
          body: { to: NOTIFY_NUMBER },
        });
        const parentSid = dialed.body.callSid as string;
        const invite = await bob.next('invite');
        const childSid = invite.payload.callsid as string;
        // Ringing, not answered yet: no SDK holds the leg's media.
        assert.deepEqual(
          await restError(() => rest.calls(childSid).userDefinedMessages.create({ content: '{}' })),
          [400, 21220],
        );
        bob.send('answer', { callsid: childSid, sdp: await peer.answerOffer(invite.payload.sdp) });
        await peer.connected();

        const sent = await rest
          .calls(childSid)
          .userDefinedMessages.create({ content: JSON.stringify({ type: 'hello', n: 1 }) });
        assert.match(sent.sid, /^KX[0-9a-f]{32}$/);
        assert.equal(sent.callSid, childSid);
        const frame = await bob.next('message');
        assert.deepEqual(frame.payload, {
          callsid: childSid,
          content: { type: 'hello', n: 1 },
          contenttype: 'application/json',
          messagetype: 'user-defined-message',
          voiceeventsid: sent.sid,
        });

        // The phone's own leg has no SDK; the content must be JSON; an unknown call is 404.
        assert.deepEqual(
          await restError(() => rest.calls(parentSid).userDefinedMessages.create({ content: '{}' })),
          [400, 21220],
        );
        assert.deepEqual(
          await restError(() => rest.calls(childSid).userDefinedMessages.create({ content: 'not json' })),
          [400, 21201],
        );
        assert.deepEqual(
          await restError(() =>
            rest.calls(`CA${'0'.repeat(32)}`).userDefinedMessages.create({ content: '{}' }),
          ),
          [404, 20404],
        );
        assert.equal(bob.messages.filter((m) => m.type === 'message').length, 0, 'nothing else reached bob');
      } finally {
        await peer.close();
        bob.close();
      }
    },
  );
});
