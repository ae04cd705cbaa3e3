import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import type { EmulatorOptions } from '../app.js';
import {
  BrowserPeer,
  inspect,
  mintToken,
  SignalingClient,
  sleep,
  startEmulator,
  startFakeBackend,
  waitFor,
  type LooseJson,
  type RunningEmulator,
} from './helpers.js';

const CALLER = '+15557650001';
const NOTIFY_NUMBER = '+15550002222';
const PHONE = '+15551239001';
const CALLER_ID = '+15550002222';

/**
 * The parent leg's status callbacks come from the account's configuration, not from TwiML: the called
 * number's StatusCallback (a phone calls a Notify number) and the TwiML App's StatusCallback (a Voice SDK
 * client places a call). By default Twilio sends them once, when the parent leg ends.
 */
describe('status callbacks of parent legs (TwiML App and number StatusCallback)', () => {
  let backend: Awaited<ReturnType<typeof startFakeBackend>>;
  let emulator: RunningEmulator;
  const cleanups: Array<() => unknown> = [];
  const account = createDevAccount();

  async function start(options: Partial<EmulatorOptions> = {}) {
    emulator = await startEmulator({
      account,
      voiceUrl: () => backend.voiceUrl,
      notifyNumbers: [NOTIFY_NUMBER],
      statusCallbackUrl: () => `${backend.base}/app-status`,
      numberStatusCallbackUrl: (number) =>
        number === NOTIFY_NUMBER ? `${backend.base}/number-status` : undefined,
      ...options,
    });
  }

  before(async () => {
    backend = await startFakeBackend(account.authToken, (params, path) => {
      if (path !== '/twilio/voice') return { twiml: '<Response/>' };
      // A phone calling the Notify number rings bob; a browser's call dials the number it asked for.
      if (params.To === NOTIFY_NUMBER && !params.From?.startsWith('client:')) {
        return {
          twiml: `<Response><Dial answerOnBridge="true" timeout="10"><Client statusCallback="/child-status">bob</Client></Dial></Response>`,
        };
      }
      return {
        twiml: `<Response><Dial callerId="${CALLER_ID}"><Number statusCallback="/child-status">${params.To}</Number></Dial></Response>`,
      };
    });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await emulator.close();
    backend.requests.length = 0;
  });
  after(async () => {
    await backend.close();
  });

  async function client(identity: string) {
    const signaling = new SignalingClient(emulator.url);
    const peer = new BrowserPeer();
    cleanups.push(
      () => signaling.close(),
      () => peer.close(),
    );
    await signaling.opened();
    await signaling.listen(mintToken(account, { identity }));
    return { signaling, peer };
  }

  const callbacksTo = (path: string) => backend.requests.filter((r) => r.path === path);

  /** Checks the variable parameters, then returns the rest for an exact comparison. */
  /** When the running test began: a callback's times are bounded by it and by now (orderings, no limits). */
  let testStartedAt = 0;
  beforeEach(() => {
    testStartedAt = Date.now();
  });

  function fixed(params: Record<string, string>, durationAtLeast: number) {
    const { Timestamp, CallDuration, Duration, ...rest } = params;
    assert.match(Timestamp ?? '', /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const sentAt = Date.parse(Timestamp!);
    // Whole seconds: the callback was sent during this test.
    assert.ok(sentAt >= testStartedAt - 1000 && sentAt <= Date.now(), `Timestamp ${Timestamp}`);
    const seconds = Number(CallDuration);
    // The call lasted at least what the test held it, and no longer than the test has run.
    const testSeconds = Math.ceil((Date.now() - testStartedAt) / 1000);
    assert.ok(seconds >= durationAtLeast && seconds <= testSeconds, `CallDuration ${CallDuration}`);
    assert.equal(Duration, String(Math.ceil(seconds / 60)), 'Duration is in billed minutes');
    return rest;
  }

  it(
    'a phone calls a Notify number, a browser answers, the phone hangs up: one signed `completed` to the number’s StatusCallback',
    { timeout: 20_000 },
    async () => {
      await start();
      const { signaling, peer } = await client('bob');
      signaling.send('register', { media: { audio: true } });
      await signaling.next('ready');
      const dialed = await inspect(emulator, `/emulator/phones/${encodeURIComponent(CALLER)}/dial`, {
        method: 'POST',
        body: { to: NOTIFY_NUMBER },
      });
      assert.equal(dialed.status, 201);
      const parentSid = dialed.body.callSid as string;
      const invite = await signaling.next('invite');
      const childSid = invite.payload.callsid as string;
      signaling.send('answer', { callsid: childSid, sdp: await peer.answerOffer(invite.payload.sdp) });
      await waitFor(
        async () => {
          const calls = (await inspect(emulator, '/emulator/calls')).body.calls as LooseJson[];
          return calls.find((l) => l.sid === parentSid)?.status === 'in-progress' || undefined;
        },
        5000,
        'the parent answered on bridge',
      );
      await sleep(1100);
      assert.deepEqual(callbacksTo('/number-status'), [], 'nothing before the end (only `completed`)');

      await inspect(emulator, `/emulator/phones/${encodeURIComponent(CALLER)}/hangup`, { method: 'POST' });
      await signaling.next('hangup');
      const [callback, ...more] = await waitFor(
        () => (callbacksTo('/number-status').length ? callbacksTo('/number-status') : undefined),
        5000,
        'the number’s status callback',
      );
      await sleep(300);
      assert.deepEqual(more, []);
      assert.equal(callbacksTo('/number-status').length, 1);
      assert.ok(callback!.signatureValid, 'X-Twilio-Signature validates with twilio.validateRequest');
      assert.deepEqual(fixed(callback!.params, 1), {
        AccountSid: account.accountSid,
        ApiVersion: '2010-04-01',
        CallSid: parentSid,
        CallStatus: 'completed',
        Direction: 'inbound',
        From: CALLER,
        Caller: CALLER,
        To: NOTIFY_NUMBER,
        Called: NOTIFY_NUMBER,
        CallbackSource: 'call-progress-events',
        SequenceNumber: '0',
        SipResponseCode: '200',
      });
      // The TwiML App's callback is for calls a client places; the child leg keeps its own callbacks.
      assert.deepEqual(callbacksTo('/app-status'), []);
      const child = await waitFor(
        () => callbacksTo('/child-status')[0],
        5000,
        'the child leg’s own status callback',
      );
      assert.equal(child.params.CallSid, childSid);
      assert.equal(child.params.ParentCallSid, parentSid);
    },
  );

  it(
    'a browser calls a number and hangs up: one signed `completed` to the TwiML App’s StatusCallback',
    { timeout: 20_000 },
    async () => {
      await start();
      const { signaling, peer } = await client('alice');
      signaling.send('invite', {
        callsid: 'TJSaaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
        sdp: await peer.offer(),
        twilio: { params: `To=${encodeURIComponent(PHONE)}` },
      });
      const callSid = (await signaling.next('ringing')).payload.callsid as string;
      await peer.accept((await signaling.next('answer')).payload.sdp);
      await waitFor(
        async () => {
          const { body } = await inspect(emulator, `/emulator/phones/${encodeURIComponent(PHONE)}`);
          return (body.calls as LooseJson[]).find(
            (c) => c.parentCallSid === callSid && c.state === 'in-progress',
          );
        },
        5000,
        'the phone answering',
      );
      await sleep(1100);
      assert.deepEqual(callbacksTo('/app-status'), [], 'nothing before the end (only `completed`)');

      signaling.send('hangup', { callsid: callSid });
      const [callback] = await waitFor(
        () => (callbacksTo('/app-status').length ? callbacksTo('/app-status') : undefined),
        5000,
        'the TwiML App’s status callback',
      );
      await sleep(300);
      assert.equal(callbacksTo('/app-status').length, 1);
      assert.ok(callback!.signatureValid, 'X-Twilio-Signature validates with twilio.validateRequest');
      assert.deepEqual(fixed(callback!.params, 1), {
        AccountSid: account.accountSid,
        ApiVersion: '2010-04-01',
        ApplicationSid: account.twimlAppSid,
        CallSid: callSid,
        CallStatus: 'completed',
        Direction: 'inbound',
        From: 'client:alice',
        Caller: 'client:alice',
        To: PHONE,
        Called: PHONE,
        CallbackSource: 'call-progress-events',
        SequenceNumber: '0',
        SipResponseCode: '200',
      });
      assert.deepEqual(callbacksTo('/number-status'), []);
    },
  );

  it(
    'with parentStatusCallbackEvents, ringing and in-progress are reported too, in sequence',
    { timeout: 20_000 },
    async () => {
      await start({ parentStatusCallbackEvents: ['ringing', 'answered', 'completed'] });
      const { signaling, peer } = await client('alice');
      signaling.send('invite', {
        callsid: 'TJSaaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeef',
        sdp: await peer.offer(),
        twilio: { params: `To=${encodeURIComponent(PHONE)}` },
      });
      const callSid = (await signaling.next('ringing')).payload.callsid as string;
      await peer.accept((await signaling.next('answer')).payload.sdp);
      // Answered before the hang-up (the in-progress callback is due), read from the emulator rather than slept on.
      await waitFor(
        async () => {
          const calls = (await inspect(emulator, '/emulator/calls')).body.calls as LooseJson[];
          return calls.find((l) => l.sid === callSid)?.status === 'in-progress' || undefined;
        },
        5000,
        'the call answered',
      );
      signaling.send('hangup', { callsid: callSid });
      const callbacks = await waitFor(
        () => (callbacksTo('/app-status').length === 3 ? callbacksTo('/app-status') : undefined),
        5000,
        'three TwiML App status callbacks',
      );
      const bySequence = [...callbacks].sort(
        (a, b) => Number(a.params.SequenceNumber) - Number(b.params.SequenceNumber),
      );
      assert.deepEqual(
        bySequence.map((r) => [r.params.SequenceNumber, r.params.CallStatus, r.params.CallSid]),
        [
          ['0', 'ringing', callSid],
          ['1', 'in-progress', callSid],
          ['2', 'completed', callSid],
        ],
      );
      assert.ok(bySequence.every((r) => r.signatureValid && !('ParentCallSid' in r.params)));
      assert.ok(!('CallDuration' in bySequence[0]!.params) && 'CallDuration' in bySequence[2]!.params);
    },
  );

  it('sends none without a configured StatusCallback', { timeout: 20_000 }, async () => {
    await start({ statusCallbackUrl: undefined, numberStatusCallbackUrl: undefined });
    const { signaling, peer } = await client('alice');
    signaling.send('invite', {
      callsid: 'TJSaaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeed',
      sdp: await peer.offer(),
      twilio: { params: `To=${encodeURIComponent(PHONE)}` },
    });
    const callSid = (await signaling.next('ringing')).payload.callsid as string;
    await signaling.next('answer');
    signaling.send('hangup', { callsid: callSid });
    await waitFor(() => callbacksTo('/child-status').length > 0 || undefined, 5000, 'the child’s callback');
    await sleep(300);
    assert.deepEqual(
      backend.requests.filter((r) => r.path !== '/twilio/voice' && r.path !== '/child-status'),
      [],
    );
  });
});
