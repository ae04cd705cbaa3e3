import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { createDevAccount } from '../../scripts/dev-account.js';
import { toneMs, type AudioReading } from '../media/audio-meter.js';
import { HOLD_TONES_HZ } from '../media/hold-music.js';
import {
  BrowserPeer,
  inspect,
  mintToken,
  SignalingClient,
  startEmulator,
  startFakeBackend,
  testCertificate,
  waitFor,
  type LooseJson,
  type RunningEmulator,
} from './helpers.js';

const NOTIFY_NUMBER = '+15550003333';
/** Phones with distinct tones, so a listener's meter tells who it hears. */
const PHONES = { a: ['+15551110001', 440], b: ['+15551110002', 550], c: ['+15551110003', 700] } as const;
const MODERATOR = '+15551110009'; // joins with endConferenceOnExit
const PAGE_TONE_HZ = 1000;

const phonePath = (number: string) => `/emulator/phones/${encodeURIComponent(number)}`;

describe('<Dial><Conference>', () => {
  let emulator: RunningEmulator;
  let backend: Awaited<ReturnType<typeof startFakeBackend>>;
  let rest: twilio.Twilio;
  /** The conference the next caller joins. */
  let room = 'room';
  const cleanups: Array<() => unknown> = [];

  before(async () => {
    const account = createDevAccount();
    backend = await startFakeBackend(account.authToken, (params, path) => {
      if (path.startsWith('/conference-events')) return { twiml: '<Response/>' };
      if (path.startsWith('/after')) return { twiml: '<Response><Hangup/></Response>' };
      if (path.startsWith('/hold-music'))
        return { twiml: '<Response><Play loop="0">/sounds/hold</Play></Response>' };
      const moderator = params.From === MODERATOR;
      const endOnExit = moderator ? ' endConferenceOnExit="true" participantLabel="moderator"' : '';
      return {
        twiml:
          `<Response><Dial action="/after"><Conference beep="false" waitUrl=""${endOnExit} ` +
          `statusCallback="/conference-events" statusCallbackEvent="start end join leave mute hold">` +
          `${room}</Conference></Dial></Response>`,
      };
    });
    emulator = await startEmulator({
      account,
      voiceUrl: () => backend.voiceUrl,
      notifyNumbers: [NOTIFY_NUMBER],
    });
    // twilio-node pointed at the emulator as the backend does it (server/twilio.ts createRestClient).
    const httpClient = new twilio.RequestClient({ ca: (await testCertificate()).cert });
    rest = twilio(account.apiKeySid, account.apiKeySecret, { accountSid: account.accountSid, httpClient });
    rest.api.baseUrl = emulator.url;
    for (const [number, toneHz] of Object.values(PHONES)) {
      await inspect(emulator, phonePath(number), { method: 'PUT', body: { toneHz } });
    }
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  after(async () => {
    await emulator.close();
    await backend.close();
  });

  const conferenceList = async () =>
    (await inspect(emulator, '/emulator/conferences')).body.conferences as LooseJson[];
  const conferenceOf = async (callSid: string) =>
    (await conferenceList()).find((c) => c.participants.some((p: LooseJson) => p.callSid === callSid));
  /** What the phone's live call has heard so far (the meter is read through the inspection API). */
  const phoneReading = async (number: string): Promise<AudioReading> => {
    const { body } = await inspect(emulator, phonePath(number));
    const live = (body.calls as LooseJson[]).find((call) => call.state === 'in-progress');
    return (live?.audio as AudioReading | undefined) ?? emptyReading;
  };
  const events = (conferenceSid: string) =>
    backend.requests
      .filter((r) => r.path === '/conference-events' && r.params.ConferenceSid === conferenceSid)
      .map((r) => `${r.params.StatusCallbackEvent}${r.params.CallSid ? ` ${r.params.CallSid}` : ''}`);

  async function dialIn(number: string): Promise<string> {
    const { status, body } = await inspect(emulator, `${phonePath(number)}/dial`, {
      method: 'POST',
      body: { to: NOTIFY_NUMBER },
    });
    assert.equal(status, 201);
    const callSid = body.callSid as string;
    await waitFor(() => conferenceOf(callSid), 5000, `${number} in a conference`);
    return callSid;
  }

  const basicAuth = () =>
    `Basic ${Buffer.from(`${emulator.account.apiKeySid}:${emulator.account.apiKeySecret}`).toString('base64')}`;

  const participant = (conferenceSid: string, callSid: string) =>
    rest.conferences(conferenceSid).participants(callSid);

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
    cleanups.push(
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
      room = 'mixed-room';
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

  it(
    'ends the conference when an endConferenceOnExit participant leaves; REST removes a participant',
    { timeout: 30_000 },
    async () => {
      room = 'moderated';
      const [a, c] = [PHONES.a[0], PHONES.c[0]];
      const sidModerator = await dialIn(MODERATOR);
      const sidA = await dialIn(a);
      const sidC = await dialIn(c);
      const { sid } = (await conferenceOf(sidA))!;
      // A participant is addressed by its label too.
      const moderator = await participant(sid, 'moderator').fetch();
      assert.equal(moderator.callSid, sidModerator);
      assert.equal(moderator.endConferenceOnExit, true);
      assert.equal(moderator.label, 'moderator');

      // Removing C takes it out of the conference; its TwiML goes on (<Dial action>), the conference stays.
      await participant(sid, sidC).remove();
      await waitFor(
        () => backend.requests.find((r) => r.path === '/after' && r.params.CallSid === sidC),
        5000,
        "C's action request",
      );
      assert.deepEqual(
        (await rest.conferences(sid).participants.list()).map((p) => p.callSid),
        [sidModerator, sidA],
      );
      assert.equal((await rest.conferences(sid).fetch()).status, 'in-progress');

      await inspect(emulator, `${phonePath(MODERATOR)}/hangup`, { method: 'POST' });
      await waitFor(
        async () => (await rest.conferences(sid).fetch()).status === 'completed',
        5000,
        'the end',
      );
      const ended = await rest.conferences(sid).fetch();
      assert.equal(ended.reasonConferenceEnded, 'participant-with-end-conference-on-exit-left');
      assert.equal(ended.callSidEndingConference, sidModerator);
      const action = await waitFor(
        () => backend.requests.find((r) => r.path === '/after' && r.params.CallSid === sidA),
        5000,
        "A's action request",
      );
      assert.equal(action.params.DialCallStatus, 'answered');
      await waitFor(async () => (await rest.calls(sidA).fetch()).status === 'completed', 5000, 'A hung up');
      await waitFor(() => events(sid).includes('conference-end') || undefined, 5000, 'conference-end');
      assert.deepEqual(events(sid).slice(-4), [
        `participant-leave ${sidC}`,
        `participant-leave ${sidModerator}`,
        `participant-leave ${sidA}`,
        'conference-end',
      ]);
      const list = await rest.conferences.list({ friendlyName: 'moderated', status: 'completed' });
      assert.deepEqual(
        list.map((conference) => conference.sid),
        [sid],
      );
      assert.deepEqual(await rest.conferences.list({ friendlyName: 'moderated', status: 'in-progress' }), []);
    },
  );

  it(
    'adds a participant through REST: the phone rings, joins when it answers and is heard',
    { timeout: 30_000 },
    async () => {
      room = 'dial-out';
      const [a, c] = [PHONES.a[0], PHONES.c[0]];
      const busy = '+15551110077';
      await inspect(emulator, phonePath(busy), { method: 'PUT', body: { answer: 'busy' } });
      const sidA = await dialIn(a);
      const { sid } = (await conferenceOf(sidA))!;
      const created = await rest.conferences('dial-out').participants.create({
        from: NOTIFY_NUMBER,
        to: c,
        label: 'customer',
        endConferenceOnExit: true,
        statusCallback: `${backend.base}/call-status`,
        statusCallbackEvent: ['ringing', 'answered', 'completed'],
      });
      assert.equal(created.conferenceSid, sid, 'the friendly name finds the live conference');
      assert.equal(created.status, 'queued');
      assert.equal(created.label, 'customer');
      await waitFor(
        async () => (await conferenceOf(created.callSid))?.sid === sid || undefined,
        5000,
        'C joins',
      );
      await rises(async () => toneMs(await phoneReading(a), 700), 'A hears C');
      assert.equal((await rest.calls(created.callSid).fetch()).direction, 'outbound-api');
      assert.equal((await participant(sid, 'customer').fetch()).callSid, created.callSid);

      const refused = await rest.conferences(sid).participants.create({ from: NOTIFY_NUMBER, to: busy });
      await waitFor(async () => (await rest.calls(refused.callSid).fetch()).status === 'busy', 5000, 'busy');
      assert.equal((await rest.conferences(sid).participants.list()).length, 2, 'a busy phone never joins');

      await inspect(emulator, `${phonePath(c)}/hangup`, { method: 'POST' });
      await waitFor(
        async () => (await rest.conferences(sid).fetch()).status === 'completed',
        5000,
        'the end',
      );
      const progress = () =>
        backend.requests
          .filter((r) => r.path === '/call-status' && r.params.CallSid === created.callSid)
          .map((r) => r.params.CallStatus);
      await waitFor(() => progress().length >= 3 || undefined, 5000, 'call-progress callbacks');
      assert.deepEqual(progress(), ['ringing', 'in-progress', 'completed']);
      assert.deepEqual(
        await restError(() => rest.conferences(sid).participants.create({ from: NOTIFY_NUMBER, to: c })),
        [404, 20404],
      );
      const post = (payload: string) =>
        emulator.app.inject({
          method: 'POST',
          url: `/2010-04-01/Accounts/${emulator.account.accountSid}/Conferences/other/Participants.json`,
          headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
          payload,
        });
      assert.equal((await post('To=%2B15551110003')).json().code, 21603);
      assert.equal((await post('From=%2B15550003333')).json().code, 21604);
      assert.equal((await post('From=%2B15550003333&To=nobody')).json().code, 21211);
      assert.equal((await post('From=%2B15550003333&To=%2B15551110003&Muted=perhaps')).json().code, 20001);
      assert.deepEqual(
        await rest.conferences.list({ friendlyName: 'other' }),
        [],
        'refused: no conference opened',
      );
    },
  );

  it('answers bad requests with Twilio-shaped errors', { timeout: 20_000 }, async () => {
    room = 'errors';
    const sidA = await dialIn(PHONES.a[0]);
    const { sid } = (await conferenceOf(sidA))!;
    const unknownSid = `CF${'0'.repeat(32)}`;
    assert.deepEqual(await restError(() => rest.conferences(unknownSid).fetch()), [404, 20404]);
    assert.deepEqual(await restError(() => rest.conferences('room').fetch()), [404, 20404]);
    assert.deepEqual(await restError(() => participant(sid, `CA${'0'.repeat(32)}`).fetch()), [404, 20404]);
    assert.deepEqual(
      await restError(() => participant(unknownSid, sidA).update({ hold: true })),
      [404, 20404],
    );
    assert.deepEqual(await restError(() => participant(sid, `CA${'1'.repeat(32)}`).remove()), [404, 20404]);
    assert.deepEqual(
      await restError(() => rest.conferences(sid).update({ status: 'init' as 'completed' })),
      [400, 20001],
    );
    // twilio-node only sends booleans, so a bad Hold is sent by hand.
    const auth = basicAuth();
    const path = `/2010-04-01/Accounts/${emulator.account.accountSid}/Conferences/${sid}/Participants/${sidA}.json`;
    const bad = await emulator.app.inject({
      method: 'POST',
      url: path,
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'Hold=maybe',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 20001);
    assert.equal(bad.json().status, 400);
    assert.match(bad.json().more_info, /20001/);
    const badUrl = await emulator.app.inject({
      method: 'POST',
      url: path,
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'Hold=true&HoldUrl=not-a-url',
    });
    assert.equal(badUrl.statusCode, 400);
    assert.equal(badUrl.json().code, 21205);
    const unauthenticated = await emulator.app.inject({ method: 'GET', url: path });
    assert.equal(unauthenticated.statusCode, 401);
    assert.equal(unauthenticated.json().code, 20003);
    const after = await participant(sid, sidA).fetch();
    assert.equal(after.hold, false, 'refused updates leave the participant unchanged');
    assert.equal(after.muted, false);
    // The built-in hold sound is served as a WAV file.
    const sound = await emulator.app.inject({ method: 'GET', url: '/sounds/hold' });
    assert.equal(sound.statusCode, 200);
    assert.equal(sound.headers['content-type'], 'audio/wav');
    assert.equal(sound.rawPayload.length, 44 + 8000 * 2, 'a second of 16-bit 8 kHz audio');
    await inspect(emulator, `${phonePath(PHONES.a[0])}/hangup`, { method: 'POST' });
  });
});

/** [HTTP status, Twilio code] of the RestException a twilio-node call throws. */
async function restError(call: () => Promise<unknown>): Promise<[number, number]> {
  const error = (await call().then(
    () => assert.fail('expected an error'),
    (e: unknown) => e,
  )) as { status: number; code: number };
  return [error.status, error.code];
}

const emptyReading: AudioReading = {
  levelDbfs: -Infinity,
  heardMs: 0,
  silentMs: 0,
  dominantHz: null,
  tones: {},
};

/** Waits until `read()` has grown by `byMs` from now. */
async function rises(read: () => Promise<number>, what: string, byMs = 300): Promise<void> {
  const start = await read();
  await waitFor(async () => (await read()) - start >= byMs || undefined, 8000, what);
}

/** `flat()` does not grow while `meanwhile()` grows by 300 ms (so the listener was really listening). */
async function staysFlat(
  flat: () => Promise<number>,
  meanwhile: () => Promise<number>,
  what: string,
): Promise<void> {
  const start = await flat();
  await rises(meanwhile, `${what}: the listener hears something meanwhile`);
  assert.equal((await flat()) - start, 0, what);
}
