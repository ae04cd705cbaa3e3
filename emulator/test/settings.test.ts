import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import {
  inspect,
  mintToken,
  SignalingClient,
  startEmulator,
  startFakeBackend,
  waitFor,
  type RunningEmulator,
} from './helpers.js';

const CALLER = '+15557650001';
const NOTIFY_NUMBER = '+15550002222';

describe('PUT /emulator/settings {parentCallbackDelayMs}: a slow Twilio', () => {
  let emulator: RunningEmulator;
  let backend: Awaited<ReturnType<typeof startFakeBackend>>;
  const arrivals: Array<{ at: number; status: string; sequence: string; parent: string }> = [];

  before(async () => {
    const account = createDevAccount();
    backend = await startFakeBackend(account.authToken, (params, path) => {
      if (path.startsWith('/status')) {
        arrivals.push({
          at: Date.now(),
          status: params.CallStatus!,
          sequence: params.SequenceNumber!,
          parent: params.ParentCallSid ?? '',
        });
        return { twiml: '<Response/>' };
      }
      return {
        twiml:
          '<Response><Dial timeout="10"><Client statusCallback="/status" ' +
          'statusCallbackEvent="initiated ringing answered completed"><Identity>carol</Identity></Client></Dial></Response>',
      };
    });
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

  it('validates the settings and answers them', async () => {
    assert.deepEqual((await inspect(emulator, '/emulator/settings')).body, { parentCallbackDelayMs: 0 });
    for (const bad of [{ parentCallbackDelayMs: -1 }, { parentCallbackDelayMs: '5' }, { other: 1 }]) {
      const answer = await inspect(emulator, '/emulator/settings', { method: 'PUT', body: bad });
      assert.equal(answer.status, 400, JSON.stringify(bad));
    }
    assert.deepEqual((await inspect(emulator, '/emulator/settings')).body, { parentCallbackDelayMs: 0 });
  });

  it(
    'rings at once but sends the child leg’s status callbacks (ParentCallSid) that much later, in order',
    { timeout: 20_000 },
    async () => {
      const set = await inspect(emulator, '/emulator/settings', {
        method: 'PUT',
        body: { parentCallbackDelayMs: 1200 },
      });
      assert.deepEqual(set.body, { parentCallbackDelayMs: 1200 });
      const client = new SignalingClient(emulator.url);
      try {
        await client.opened();
        await client.listen(mintToken(emulator.account, { identity: 'carol' }));
        client.send('register', { media: { audio: true } });
        await client.next('ready');
        const started = Date.now();
        const dialed = await inspect(emulator, `/emulator/phones/${encodeURIComponent(CALLER)}/dial`, {
          method: 'POST',
          body: { to: NOTIFY_NUMBER },
        });
        const invite = await client.next('invite');
        // An ordering, not a time limit: the client rang before any delayed status callback arrived.
        assert.equal(arrivals.length, 0, 'no status callback before the delay');
        client.send('reject', { callsid: invite.payload.callsid });
        const seen = await waitFor(() => (arrivals.length >= 3 ? arrivals : undefined), 8000, 'callbacks');
        assert.ok(
          seen[0]!.at - started >= 1150,
          `first callback after the delay (${seen[0]!.at - started} ms)`,
        );
        assert.deepEqual(
          seen.map((a) => [a.sequence, a.status]),
          [
            ['0', 'initiated'],
            ['1', 'ringing'],
            ['2', 'busy'],
          ],
        );
        assert.ok(seen.every((a) => a.parent === dialed.body.callSid));
      } finally {
        client.close();
        await inspect(emulator, '/emulator/settings', { method: 'PUT', body: { parentCallbackDelayMs: 0 } });
      }
      assert.deepEqual((await inspect(emulator, '/emulator/settings')).body, { parentCallbackDelayMs: 0 });
    },
  );
});
