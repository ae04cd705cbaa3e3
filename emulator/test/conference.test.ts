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
  const cleanups: Array<() => unknown> = [];

  before(async () => {
    const account = createDevAccount();
    backend = await startFakeBackend(account.authToken, (params, path) => {
      if (path.startsWith('/conference-events')) return { twiml: '<Response/>' };
      if (path.startsWith('/after')) return { twiml: '<Response><Hangup/></Response>' };
      const room = params.From === 'client:alice' ? 'mixed-room' : params.To === NOTIFY_NUMBER ? 'room' : 'x';
      const endOnExit = params.From === MODERATOR ? ' endConferenceOnExit="true"' : '';
      return {
        twiml:
          `<Response><Dial action="/after"><Conference beep="false" waitUrl=""${endOnExit} ` +
          `statusCallback="/conference-events" statusCallbackEvent="start end join leave mute hold">` +
          `${params.From === MODERATOR ? 'moderated' : room}</Conference></Dial></Response>`,
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
});

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

export { BrowserPeer, mintToken, SignalingClient, HOLD_TONES_HZ, PAGE_TONE_HZ };
