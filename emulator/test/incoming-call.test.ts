import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import {
  BrowserPeer,
  inspect,
  mintToken,
  SignalingClient,
  startEmulator,
  startFakeBackend,
  waitFor,
  type LooseJson,
  type RunningEmulator,
} from './helpers.js';

const CALLER = '+15557654321';
const NOTIFY_NUMBER = '+15550001111';
const CALLER_PATH = `/emulator/phones/${encodeURIComponent(CALLER)}`;

describe('an incoming call from a virtual phone to registered browsers', () => {
  let emulator: RunningEmulator;
  let backend: Awaited<ReturnType<typeof startFakeBackend>>;

  before(async () => {
    const account = createDevAccount();
    backend = await startFakeBackend(account.authToken, (_params, path) => ({
      twiml: path.startsWith('/status')
        ? '<Response/>'
        : `<Response><Dial timeout="10"><Client statusCallback="/status" statusCallbackEvent="initiated ringing answered completed">` +
          `<Identity>bob</Identity><Parameter name="ticket" value="INC 42"/></Client></Dial></Response>`,
    }));
    emulator = await startEmulator({
      account,
      voiceUrl: () => backend.voiceUrl,
      notifyNumbers: [NOTIFY_NUMBER],
    });
  });
  after(async () => {
    await emulator.close();
    await backend.close();
  });

  async function registeredClient(identity: string) {
    const client = new SignalingClient(emulator.url);
    await client.opened();
    await client.listen(mintToken(emulator.account, { identity }));
    client.send('register', { media: { audio: true } });
    await client.next('ready');
    return client;
  }

  it(
    'invites every registration of the identity, bridges the first answer and cancels the rest',
    { timeout: 20_000 },
    async () => {
      const first = await registeredClient('bob');
      const second = await registeredClient('bob');
      const peer = new BrowserPeer();
      try {
        const dialed = await inspect(emulator, `${CALLER_PATH}/dial`, {
          method: 'POST',
          body: { to: NOTIFY_NUMBER },
        });
        assert.equal(dialed.status, 201);
        const parentSid = dialed.body.callSid as string;

        const invite = await first.next('invite');
        const invite2 = await second.next('invite');
        const childSid = invite.payload.callsid as string;
        assert.equal(invite2.payload.callsid, childSid, 'forks share the child CallSid');
        assert.notEqual(childSid, parentSid);
        assert.match(invite.payload.sdp, /a=candidate:/);
        assert.equal(typeof invite.payload.reconnect, 'string');
        assert.deepEqual(invite.payload.parameters, {
          CallSid: childSid,
          AccountSid: emulator.account.accountSid,
          ApiVersion: '2010-04-01',
          From: CALLER,
          To: 'client:bob',
          Params: 'ticket=INC+42',
        });
        const voiceRequest = backend.requests.find((r) => r.path === '/twilio/voice');
        assert.equal(voiceRequest?.params.From, CALLER);
        assert.equal(voiceRequest?.params.To, NOTIFY_NUMBER);
        assert.ok(voiceRequest?.signatureValid);

        first.send('answer', { callsid: childSid, sdp: await peer.answerOffer(invite.payload.sdp) });
        assert.deepEqual((await second.next('cancel')).payload, { callsid: childSid });
        await peer.connected();
        peer.startAudio();
        await waitFor(() => peer.rtpReceived > 10 || undefined, 5000, 'the caller phone tone at the browser');
        await peer.sendDtmf('7');
        const phone = await waitFor(
          async () => {
            const { body } = await inspect(emulator, CALLER_PATH);
            const call = body.calls[0] as LooseJson | undefined;
            return call && call.audioPacketsReceived > 5 && call.digits === '7' ? call : undefined;
          },
          5000,
          'browser audio and digit at the caller phone',
        );
        assert.equal(phone.direction, 'outgoing');
        assert.equal(phone.state, 'in-progress');

        await inspect(emulator, `${CALLER_PATH}/hangup`, { method: 'POST' });
        assert.deepEqual((await first.next('hangup')).payload, { callsid: childSid });
        const legs = await waitFor(
          async () => {
            const { body } = await inspect(emulator, '/emulator/calls');
            const mine = (body.calls as LooseJson[]).filter(
              (l) => l.sid === parentSid || l.parentSid === parentSid,
            );
            return mine.every((l) => l.status === 'completed') ? mine : undefined;
          },
          5000,
          'both legs completed',
        );
        assert.deepEqual(
          legs.map((l) => [l.direction, l.from, l.to]),
          [
            ['inbound', CALLER, NOTIFY_NUMBER],
            ['outbound-dial', CALLER, 'client:bob'],
          ],
        );
        const statuses = await waitFor(
          () => {
            const seen = backend.requests.filter((r) => r.path === '/status');
            return seen.length === 4 ? seen : undefined;
          },
          5000,
          'four status callbacks',
        );
        assert.deepEqual(statuses.map((r) => r.params.CallStatus).sort(), [
          'completed',
          'in-progress',
          'initiated',
          'ringing',
        ]);
        assert.ok(
          statuses.every(
            (r) => r.signatureValid && r.params.CallSid === childSid && r.params.ParentCallSid === parentSid,
          ),
        );
      } finally {
        first.close();
        second.close();
        await peer.close();
      }
    },
  );

  it('ends the Dial as busy when the only registration rejects', { timeout: 20_000 }, async () => {
    const client = await registeredClient('bob');
    try {
      const { body } = await inspect(emulator, `${CALLER_PATH}/dial`, {
        method: 'POST',
        body: { to: NOTIFY_NUMBER },
      });
      const invite = await client.next('invite');
      client.send('reject', { callsid: invite.payload.callsid });
      await waitFor(
        async () => {
          const calls = (await inspect(emulator, '/emulator/calls')).body.calls as LooseJson[];
          const child = calls.find((l) => l.sid === invite.payload.callsid);
          const parent = calls.find((l) => l.sid === body.callSid);
          return child?.status === 'busy' && parent?.status === 'completed' ? true : undefined;
        },
        5000,
        'child busy, parent completed',
      );
    } finally {
      client.close();
    }
  });

  it('ends a call answered too late: after the caller gave up, and on a leg it never knew', async () => {
    const client = await registeredClient('bob');
    const peer = new BrowserPeer();
    try {
      await inspect(emulator, `${CALLER_PATH}/dial`, { method: 'POST', body: { to: NOTIFY_NUMBER } });
      const invite = await client.next('invite');
      const childSid = invite.payload.callsid as string;
      await inspect(emulator, `${CALLER_PATH}/hangup`, { method: 'POST' });
      assert.deepEqual((await client.next('cancel')).payload, { callsid: childSid });
      // The SDK's accept() crossed the cancel: Twilio ends the call rather than leave it open without media.
      client.send('answer', { callsid: childSid, sdp: await peer.answerOffer(invite.payload.sdp) });
      assert.deepEqual((await client.next('hangup')).payload, { callsid: childSid });
      client.send('answer', { callsid: 'CA00000000000000000000000000000000', sdp: 'v=0' });
      assert.deepEqual((await client.next('hangup')).payload, {
        callsid: 'CA00000000000000000000000000000000',
      });
    } finally {
      client.close();
      await peer.close();
    }
  });

  it('refuses to dial a number that is not a Notify number', async () => {
    const { status } = await inspect(emulator, `${CALLER_PATH}/dial`, {
      method: 'POST',
      body: { to: '+15559990000' },
    });
    assert.equal(status, 400);
  });
});
