import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type twilio from 'twilio';
import { toneMs, type AudioReading } from '../media/audio-meter.js';
import { HOLD_TONES_HZ } from '../media/hold-music.js';
import {
  PAGE_TONE_HZ,
  PHONES,
  phonePath,
  rises,
  staysFlat,
  useConferenceStack,
  type ConferenceStack,
} from './conference-stack.js';
import {
  BrowserPeer,
  inspect,
  mintToken,
  SignalingClient,
  waitFor,
  type LooseJson,
  type RunningEmulator,
} from './helpers.js';

describe('<Dial><Conference>: mixing, hold and status callbacks', () => {
  const stack = useConferenceStack();
  const { conferenceOf, phoneReading, events, dialIn, participant } = stack;
  let emulator: RunningEmulator;
  let backend: ConferenceStack['backend'];
  let rest: twilio.Twilio;
  before(() => ({ emulator, backend, rest } = stack));

  it(
    'mixes three phones: each hears the others, never itself nor a muted one; callbacks in order',
    { timeout: 30_000 },
    async () => {
      const [a, b, c] = [PHONES.a[0], PHONES.b[0], PHONES.c[0]];
      const sidA = await dialIn(a);
      const { sid } = (await conferenceOf(sidA))!;
      assert.match(sid, /^CF[0-9a-f]{32}$/);
      const waiting = await rest.conferences(sid).fetch();
      assert.equal(waiting.friendlyName, 'room');
      assert.equal(waiting.status, 'init', 'one participant does not start a conference');
      await rises(async () => (await phoneReading(a)).silentMs, 'A hears the wait audio (silence)');
      assert.equal((await phoneReading(a)).heardMs, 0);

      const sidB = await dialIn(b);
      assert.equal((await rest.conferences(sid).fetch()).status, 'in-progress');
      await rises(async () => toneMs(await phoneReading(a), 550), 'A hears B');
      await rises(async () => toneMs(await phoneReading(b), 440), 'B hears A');
      const sidC = await dialIn(c);

      // C hears A and B mixed; with one of them muted, the other alone.
      const muted = await participant(sid, sidB).update({ muted: true });
      assert.equal(muted.muted, true);
      await rises(async () => toneMs(await phoneReading(c), 440), 'C hears A while B is muted');
      await staysFlat(
        async () => toneMs(await phoneReading(c), 550),
        async () => toneMs(await phoneReading(c), 440),
        'C does not hear muted B',
      );
      await participant(sid, sidB).update({ muted: false });
      await participant(sid, sidA).update({ muted: true });
      await rises(async () => toneMs(await phoneReading(c), 550), 'C hears B while A is muted');
      await staysFlat(
        async () => toneMs(await phoneReading(c), 440),
        async () => toneMs(await phoneReading(c), 550),
        'C does not hear muted A',
      );
      assert.equal(toneMs(await phoneReading(a), 440), 0, 'A never hears itself');
      await participant(sid, sidA).update({ muted: false });
      const inspected = (await conferenceOf(sidA))!;
      assert.deepEqual(
        inspected.participants.map((p: LooseJson) => [p.callSid, p.kind, p.muted, p.hold]),
        [
          [sidA, 'phone', false, false],
          [sidB, 'phone', false, false],
          [sidC, 'phone', false, false],
        ],
      );
      assert.ok(toneMs(inspected.participants[2].audio, 440) > 0, "the inspection API shows C's meter");

      for (const number of [a, b, c])
        await inspect(emulator, `${phonePath(number)}/hangup`, { method: 'POST' });
      await waitFor(
        async () => (await rest.conferences(sid).fetch()).status === 'completed',
        5000,
        'the end',
      );
      const ended = await rest.conferences(sid).fetch();
      assert.equal(ended.reasonConferenceEnded, 'last-participant-left');
      assert.equal(ended.callSidEndingConference, sidC);
      const expected = [
        `participant-join ${sidA}`,
        `participant-join ${sidB}`,
        'conference-start',
        `participant-join ${sidC}`,
        `participant-mute ${sidB}`,
        `participant-unmute ${sidB}`,
        `participant-mute ${sidA}`,
        `participant-unmute ${sidA}`,
        `participant-leave ${sidA}`,
        `participant-leave ${sidB}`,
        `participant-leave ${sidC}`,
        'conference-end',
      ];
      await waitFor(() => events(sid).length >= expected.length || undefined, 5000, 'every callback');
      assert.deepEqual(events(sid), expected);
      const requests = backend.requests.filter((r) => r.params.ConferenceSid === sid);
      assert.ok(
        requests.every((r) => r.signatureValid),
        'every callback is signed',
      );
      assert.deepEqual(
        requests.map((r) => Number(r.params.SequenceNumber)),
        requests.map((_r, i) => i + 1),
      );
      const mute = requests.find((r) => r.params.StatusCallbackEvent === 'participant-mute')!;
      assert.equal(mute.params.Muted, 'true');
      assert.equal(mute.params.Hold, 'false');
      assert.equal(mute.params.FriendlyName, 'room');
      assert.equal(mute.params.AccountSid, emulator.account.accountSid);
      const end = requests.find((r) => r.params.StatusCallbackEvent === 'conference-end')!;
      assert.equal(end.params.ReasonConferenceEnded, 'last-participant-left');
      assert.equal(end.params.CallSidEndingConference, sidC);
    },
  );

  /** A werift "browser" places a call (From client:alice) and plays the page's tone once connected. */
  async function browserDialsIn(): Promise<{ peer: BrowserPeer; callSid: string }> {
    const client = new SignalingClient(emulator.url);
    const peer = new BrowserPeer();
    stack.cleanups.push(
      () => client.close(),
      () => peer.close(),
    );
    await client.opened();
    await client.listen(mintToken(emulator.account, { identity: 'alice' }));
    client.send('invite', { callsid: 'TJSconference-test', sdp: await peer.offer(), twilio: { params: '' } });
    const callSid = (await client.next('ringing')).payload.callsid as string;
    const answer = await client.next('answer');
    await peer.accept(answer.payload.sdp);
    await peer.connected();
    peer.startAudio(PAGE_TONE_HZ);
    return { peer, callSid };
  }

  const holdMs = (reading: AudioReading) => HOLD_TONES_HZ.reduce((sum, hz) => sum + toneMs(reading, hz), 0);

  it(
    'carries real audio to and from a browser leg; hold plays the hold tone and takes it out of the mix',
    { timeout: 30_000 },
    async () => {
      stack.room = 'mixed-room';
      const [a, b] = [PHONES.a[0], PHONES.b[0]];
      const { peer, callSid } = await browserDialsIn();
      const { sid } = (await waitFor(() => conferenceOf(callSid), 5000, 'the browser in the conference'))!;
      const sidA = await dialIn(a);
      const sidB = await dialIn(b);
      // B muted: A and the browser hear each other alone.
      await participant(sid, sidB).update({ muted: true });
      await rises(async () => toneMs(await phoneReading(a), PAGE_TONE_HZ), 'A hears the browser');
      await rises(async () => toneMs(peer.heard.reading(), 440), 'the browser hears A');
      await participant(sid, sidB).update({ muted: false });
      await participant(sid, sidA).update({ muted: true });
      await rises(async () => toneMs(peer.heard.reading(), 550), 'the browser hears B');
      await participant(sid, sidA).update({ muted: false });
      await participant(sid, sidB).update({ muted: true });

      // The browser on hold (default hold audio): it hears the hold tone, A no longer hears it.
      const held = await participant(sid, callSid).update({ hold: true });
      assert.equal(held.hold, true);
      await rises(async () => holdMs(peer.heard.reading()), 'the held browser hears the hold tone');
      await staysFlat(
        async () => toneMs(peer.heard.reading(), 440),
        async () => holdMs(peer.heard.reading()),
        'the held browser does not hear A',
      );
      await staysFlat(
        async () => toneMs(await phoneReading(a), PAGE_TONE_HZ),
        async () => (await phoneReading(a)).silentMs,
        'A does not hear the held browser',
      );
      const listed = await rest.conferences(sid).participants.list({ hold: true });
      assert.deepEqual(
        listed.map((p) => p.callSid),
        [callSid],
      );
      await participant(sid, callSid).update({ hold: false });
      await rises(async () => toneMs(peer.heard.reading(), 440), 'the resumed browser hears A again');
      await rises(async () => toneMs(await phoneReading(a), PAGE_TONE_HZ), 'A hears the resumed browser');

      // A HoldUrl whose TwiML plays the built-in hold sound (fetched, signed) gives the hold tone too.
      await participant(sid, sidA).update({
        hold: true,
        holdUrl: `${backend.base}/hold-music`,
        holdMethod: 'POST',
      });
      await rises(async () => holdMs(await phoneReading(a)), 'A hears the HoldUrl hold music');
      const holdRequest = backend.requests.find((r) => r.path === '/hold-music');
      assert.equal(holdRequest?.signatureValid, true);
      assert.equal(holdRequest?.params.CallSid, sidA);
      assert.equal(holdRequest?.params.ConferenceSid, sid);

      await rest.conferences(sid).update({ status: 'completed' });
      const ended = await rest.conferences(sid).fetch();
      assert.equal(ended.status, 'completed');
      assert.equal(ended.reasonConferenceEnded, 'conference-ended-via-api');
      assert.deepEqual(await rest.conferences(sid).participants.list(), []);
      await waitFor(() => events(sid).includes('conference-end') || undefined, 5000, 'conference-end');
      assert.deepEqual(
        events(sid).filter((e) => /hold|end/.test(e)),
        [
          `participant-hold ${callSid}`,
          `participant-unhold ${callSid}`,
          `participant-hold ${sidA}`,
          'conference-end',
        ],
      );
      // Every leg's <Dial action> ran (DialCallStatus=answered) and its <Hangup/> ended the call.
      await waitFor(
        () =>
          backend.requests.filter(
            (r) => r.path === '/after' && [callSid, sidA, sidB].includes(r.params.CallSid),
          ).length === 3 || undefined,
        5000,
        'the three action requests',
      );
      const actions = backend.requests.filter((r) => r.path === '/after' && r.params.CallSid === sidA);
      assert.equal(actions[0]?.params.DialCallStatus, 'answered');
      await waitFor(async () => (await rest.calls(sidA).fetch()).status === 'completed', 5000, 'A completed');
    },
  );
});
