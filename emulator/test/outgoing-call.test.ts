import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  BrowserPeer,
  inspect,
  mintToken,
  SignalingClient,
  startEmulator,
  startFakeBackend,
  waitFor,
  type RunningEmulator,
} from './helpers.js';

const PHONE = '+15551230001';
const PHONE_PATH = `/emulator/phones/${encodeURIComponent(PHONE)}`;

describe('an outgoing call from a browser to a virtual phone', () => {
  let emulator: RunningEmulator;
  let backend: Awaited<ReturnType<typeof startFakeBackend>>;
  let twiml = `<Response><Dial callerId="+15550001111"><Number>${PHONE}</Number></Dial></Response>`;
  let status = 200;
  const cleanups: Array<() => unknown> = [];

  before(async () => {
    const { createDevAccount } = await import('../../scripts/dev-account.js');
    const account = createDevAccount();
    backend = await startFakeBackend(account.authToken, () => ({ status, twiml }));
    emulator = await startEmulator({ account, voiceUrl: () => backend.voiceUrl });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  after(async () => {
    await emulator.close();
    await backend.close();
  });

  /** Signaling client + werift "browser", listening, with an invite sent. */
  async function placeCall(params = `To=${encodeURIComponent(PHONE)}&Agent=alice`) {
    const client = new SignalingClient(emulator.url);
    const peer = new BrowserPeer();
    cleanups.push(
      () => client.close(),
      () => peer.close(),
    );
    await client.opened();
    await client.listen(mintToken(emulator.account, { identity: 'alice' }));
    const tempId = 'TJSaaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    client.send('invite', { callsid: tempId, sdp: await peer.offer(), twilio: { params } });
    return { client, peer, tempId };
  }

  it(
    'rings, answers, carries audio and DTMF both ways and ends on a phone hangup',
    { timeout: 20_000 },
    async () => {
      const { client, peer } = await placeCall();
      const ringing = await client.next('ringing');
      const callSid = ringing.payload.callsid as string;
      assert.match(callSid, /^CA[0-9a-f]{32}$/);

      const answer = await client.next('answer');
      assert.equal(answer.payload.callsid, callSid);
      assert.equal(typeof answer.payload.reconnect, 'string');
      assert.match(answer.payload.sdp, /a=candidate:/, 'the answer lists candidates (no trickle in PStream)');
      assert.match(answer.payload.sdp, /telephone-event\/8000/);
      // The DTLS server's side: the browser sends its ClientHello as soon as ICE connects (media-leg.ts).
      assert.match(answer.payload.sdp, /a=setup:passive/);
      // Only addresses the leg answers from: the loopback only on a host that has nothing else.
      const hasInterface = Object.values(networkInterfaces()).some((list) =>
        list?.some((address) => address.family === 'IPv4' && !address.internal),
      );
      if (hasInterface) assert.doesNotMatch(answer.payload.sdp, /a=candidate:.* 127\.0\.0\.1 /);
      await peer.accept(answer.payload.sdp);
      await peer.connected();
      peer.startAudio();

      // The voice URL request, as the backend saw it.
      const [request] = backend.requests;
      assert.ok(request?.signatureValid, 'X-Twilio-Signature validates with twilio.validateRequest');
      assert.equal(request.params.CallSid, callSid);
      assert.equal(request.params.From, 'client:alice');
      assert.equal(request.params.Caller, 'client:alice');
      assert.equal(request.params.To, PHONE);
      assert.equal(request.params.Agent, 'alice');
      assert.equal(request.params.Direction, 'inbound');
      assert.equal(request.params.CallStatus, 'ringing');
      assert.equal(request.params.ApplicationSid, emulator.account.twimlAppSid);
      assert.equal(request.params.AccountSid, emulator.account.accountSid);

      await waitFor(() => peer.rtpReceived > 10 || undefined, 5000, 'tone RTP at the browser');
      await waitFor(
        async () => {
          const { body } = await inspect(emulator, PHONE_PATH);
          return body.calls[0]?.audioPacketsReceived > 5 || undefined;
        },
        5000,
        'browser audio at the phone',
      );

      await peer.sendDtmf('1234#');
      client.send('dtmf', { callsid: callSid, dtmf: '9w*' });
      const phone = await waitFor(
        async () => {
          const { body } = await inspect(emulator, PHONE_PATH);
          return body.calls[0]?.digits === '1234#9*' ? body : undefined;
        },
        5000,
        'digits 1234# then 9* at the phone',
      );
      const phoneCall = phone.calls[0];
      assert.equal(phoneCall.parentCallSid, callSid);
      assert.equal(phoneCall.from, '+15550001111');
      assert.equal(phoneCall.state, 'in-progress');
      assert.ok(phoneCall.audioPacketsSent > 10);

      const hangup = await inspect(emulator, `${PHONE_PATH}/hangup`, { method: 'POST' });
      assert.equal(hangup.status, 200);
      const ended = await client.next('hangup');
      assert.deepEqual(ended.payload, { callsid: callSid });

      const { body } = await inspect(emulator, '/emulator/calls');
      const parent = body.calls.find((leg: { sid: string }) => leg.sid === callSid);
      const child = body.calls.find((leg: { sid: string }) => leg.sid === phoneCall.callSid);
      assert.equal(parent.status, 'completed');
      assert.equal(parent.direction, 'inbound');
      assert.equal(child.status, 'completed');
      assert.equal(child.direction, 'outbound-dial');
      assert.equal(child.parentSid, callSid);
    },
  );

  it('ends both legs when the browser hangs up', { timeout: 20_000 }, async () => {
    const { client, peer } = await placeCall();
    const callSid = (await client.next('ringing')).payload.callsid as string;
    await peer.accept((await client.next('answer')).payload.sdp);
    await waitFor(
      async () => {
        const { body } = await inspect(emulator, PHONE_PATH);
        return body.calls.find(
          (c: { parentCallSid: string; state: string }) =>
            c.parentCallSid === callSid && c.state === 'in-progress',
        );
      },
      5000,
      'the phone answering',
    );
    client.send('hangup', { callsid: callSid });
    await waitFor(
      async () => {
        const { body } = await inspect(emulator, '/emulator/calls');
        const legs = body.calls.filter(
          (leg: { sid: string; parentSid: string }) => leg.sid === callSid || leg.parentSid === callSid,
        );
        return legs.length === 2 && legs.every((leg: { status: string }) => leg.status === 'completed')
          ? legs
          : undefined;
      },
      5000,
      'both legs completed',
    );
  });

  it(
    'answers the browser only when the phone answers with answerOnBridge, and runs the action URL',
    { timeout: 20_000 },
    async () => {
      twiml = `<Response><Dial callerId="+15550001111" answerOnBridge="true" action="/after"><Number sendDigits="w12">${PHONE}</Number></Dial></Response>`;
      await inspect(emulator, PHONE_PATH, { method: 'PUT', body: { answer: 'answer', answerDelayMs: 600 } });
      const { client, peer } = await placeCall();
      const ringingAt = Date.now();
      await client.next('ringing');
      const answer = await client.next('answer');
      assert.ok(Date.now() - ringingAt >= 500, 'answer waits for the phone');
      await peer.accept(answer.payload.sdp);
      const { body } = await inspect(emulator, PHONE_PATH);
      const live = body.calls.find((c: { state: string }) => c.state === 'in-progress');
      assert.equal(live.digitsSentByTwilio, '12');
      twiml = '<Response><Say>Goodbye</Say></Response>';
      await inspect(emulator, `${PHONE_PATH}/hangup`, { method: 'POST' });
      await client.next('hangup', 5000);
      const action = backend.requests.find((r) => r.path === '/after');
      assert.equal(action?.params.DialCallStatus, 'completed');
      assert.equal(action?.params.DialCallSid, live.callSid);
      assert.ok(action?.signatureValid);
      await inspect(emulator, PHONE_PATH, { method: 'PUT', body: { answerDelayMs: 300 } });
    },
  );

  it('hangs up with 31486 when an answerOnBridge dial meets a busy phone', { timeout: 20_000 }, async () => {
    twiml = `<Response><Dial callerId="+15550001111" answerOnBridge="true"><Number>+15551230009</Number></Dial></Response>`;
    await inspect(emulator, `/emulator/phones/${encodeURIComponent('+15551230009')}`, {
      method: 'PUT',
      body: { answer: 'busy' },
    });
    const { client } = await placeCall('To=%2B15551230009');
    const callSid = (await client.next('ringing')).payload.callsid;
    const hangup = await client.next('hangup');
    assert.equal(hangup.payload.callsid, callSid);
    assert.equal(hangup.payload.error.code, 31486);
  });

  it(
    'hangs up with 31603 when the phone rejects and 31480 when it never answers',
    { timeout: 30_000 },
    async () => {
      const number = '+15551230010';
      const path = `/emulator/phones/${encodeURIComponent(number)}`;
      twiml = `<Response><Dial callerId="+15550001111" answerOnBridge="true" timeout="5"><Number>${number}</Number></Dial></Response>`;
      await inspect(emulator, path, { method: 'PUT', body: { answer: 'reject' } });
      const rejected = await placeCall(`To=${encodeURIComponent(number)}`);
      await rejected.client.next('ringing');
      assert.equal((await rejected.client.next('hangup')).payload.error.code, 31603);

      await inspect(emulator, path, { method: 'PUT', body: { answer: 'no-answer' } });
      const unanswered = await placeCall(`To=${encodeURIComponent(number)}`);
      const callSid = (await unanswered.client.next('ringing')).payload.callsid;
      assert.equal((await unanswered.client.next('hangup', 9000)).payload.error.code, 31480);
      const { body } = await inspect(emulator, '/emulator/calls');
      assert.equal(body.calls.find((leg: { sid: string }) => leg.sid === callSid).status, 'no-answer');
    },
  );

  it('hangs up with an error when the voice URL answers 500', { timeout: 20_000 }, async () => {
    status = 500;
    twiml = '<Response/>';
    const { client } = await placeCall();
    const callSid = (await client.next('ringing')).payload.callsid;
    const hangup = await client.next('hangup');
    status = 200;
    assert.equal(hangup.payload.callsid, callSid);
    assert.equal(hangup.payload.error.code, 31603);
    assert.match(hangup.payload.error.message, /11200/);
    const { body } = await inspect(emulator, '/emulator/calls');
    assert.equal(body.calls.find((leg: { sid: string }) => leg.sid === callSid).status, 'failed');
  });

  it('answers a reconnect invite (token update) on the same leg', { timeout: 20_000 }, async () => {
    twiml = `<Response><Dial callerId="+15550001111"><Number>${PHONE}</Number></Dial></Response>`;
    const { client, peer } = await placeCall();
    const callSid = (await client.next('ringing')).payload.callsid;
    const answer = await client.next('answer');
    await peer.accept(answer.payload.sdp);
    await client.listen(mintToken(emulator.account, { identity: 'alice' }));
    client.send('invite', {
      callsid: callSid,
      reconnect: answer.payload.reconnect,
      sdp: peer.pc.localDescription!.sdp,
      twilio: {},
    });
    const again = await client.next('answer');
    assert.equal(again.payload.callsid, callSid);
    assert.equal(again.payload.sdp, answer.payload.sdp);
    assert.equal(again.payload.reconnect, answer.payload.reconnect);
    client.send('hangup', { callsid: callSid });
  });
});
