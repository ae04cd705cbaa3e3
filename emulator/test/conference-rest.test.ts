import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type twilio from 'twilio';
import { toneMs } from '../media/audio-meter.js';
import {
  MODERATOR,
  NOTIFY_NUMBER,
  PHONES,
  phonePath,
  restError,
  rises,
  useConferenceStack,
  type ConferenceStack,
} from './conference-stack.js';
import { inspect, waitFor, type RunningEmulator } from './helpers.js';

describe('<Dial><Conference>: ending, REST Conferences and Participants', () => {
  const stack = useConferenceStack();
  const { conferenceOf, phoneReading, events, dialIn, participant, basicAuth } = stack;
  let emulator: RunningEmulator;
  let backend: ConferenceStack['backend'];
  let rest: twilio.Twilio;
  before(() => ({ emulator, backend, rest } = stack));

  it(
    'ends the conference when an endConferenceOnExit participant leaves; REST removes a participant',
    { timeout: 30_000 },
    async () => {
      stack.room = 'moderated';
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
      stack.room = 'dial-out';
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
    stack.room = 'errors';
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
    // A phone's tone is validated by the inspection API.
    const badTone = await inspect(emulator, phonePath(PHONES.c[0]), { method: 'PUT', body: { toneHz: 5 } });
    assert.equal(badTone.status, 400);
    assert.equal((await inspect(emulator, phonePath(PHONES.c[0]))).body.behaviour.toneHz, PHONES.c[1]);
    // The built-in hold sound is served as a WAV file.
    const sound = await emulator.app.inject({ method: 'GET', url: '/sounds/hold' });
    assert.equal(sound.statusCode, 200);
    assert.equal(sound.headers['content-type'], 'audio/wav');
    assert.equal(sound.rawPayload.length, 44 + 8000 * 2, 'a second of 16-bit 8 kHz audio');
    await inspect(emulator, `${phonePath(PHONES.a[0])}/hangup`, { method: 'POST' });
  });
});
