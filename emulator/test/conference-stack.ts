import assert from 'node:assert/strict';
import { after, afterEach, before } from 'node:test';
import twilio from 'twilio';
import { createDevAccount } from '../../scripts/dev-account.js';
import type { AudioReading } from '../media/audio-meter.js';
import {
  inspect,
  startEmulator,
  startFakeBackend,
  testCertificate,
  waitFor,
  type LooseJson,
  type RunningEmulator,
} from './helpers.js';

export const NOTIFY_NUMBER = '+15550003333';
/** Phones with distinct tones, so a listener's meter tells who it hears. */
export const PHONES = {
  a: ['+15551110001', 440],
  b: ['+15551110002', 550],
  c: ['+15551110003', 700],
} as const;
export const MODERATOR = '+15551110009'; // joins with endConferenceOnExit and the label "moderator"
export const PAGE_TONE_HZ = 1000;

export const phonePath = (number: string) => `/emulator/phones/${encodeURIComponent(number)}`;

/**
 * An emulator and a fake backend whose voice URL puts every caller into the conference named `room` (with
 * statusCallback /conference-events and action /after, which hangs up), and twilio-node pointed at the
 * emulator as the backend does it (server/twilio.ts createRestClient). Call inside a describe: it registers
 * the hooks that start and stop everything.
 */
export function useConferenceStack() {
  let emulator!: RunningEmulator;
  let backend!: Awaited<ReturnType<typeof startFakeBackend>>;
  let rest!: twilio.Twilio;
  const stack = {
    /** The conference the next caller joins. */
    room: 'room',
    cleanups: [] as Array<() => unknown>,
    get emulator() {
      return emulator;
    },
    get backend() {
      return backend;
    },
    get rest() {
      return rest;
    },
    conferenceList: async () =>
      (await inspect(emulator, '/emulator/conferences')).body.conferences as LooseJson[],
    conferenceOf: async (callSid: string) =>
      (await stack.conferenceList()).find((c) =>
        c.participants.some((p: LooseJson) => p.callSid === callSid),
      ),
    /** What the phone's live call has heard so far (the meter is read through the inspection API). */
    phoneReading: async (number: string): Promise<AudioReading> => {
      const { body } = await inspect(emulator, phonePath(number));
      const live = (body.calls as LooseJson[]).find((call) => call.state === 'in-progress');
      return (live?.audio as AudioReading | undefined) ?? emptyReading;
    },
    /** The conference's status callbacks as "event CallSid", in the order received. */
    events: (conferenceSid: string) =>
      backend.requests
        .filter((r) => r.path === '/conference-events' && r.params.ConferenceSid === conferenceSid)
        .map((r) => `${r.params.StatusCallbackEvent}${r.params.CallSid ? ` ${r.params.CallSid}` : ''}`),
    /** The phone calls the Notify number; resolves with its CallSid once it is in a conference. */
    dialIn: async (number: string): Promise<string> => {
      const { status, body } = await inspect(emulator, `${phonePath(number)}/dial`, {
        method: 'POST',
        body: { to: NOTIFY_NUMBER },
      });
      assert.equal(status, 201);
      const callSid = body.callSid as string;
      await waitFor(() => stack.conferenceOf(callSid), 5000, `${number} in a conference`);
      return callSid;
    },
    basicAuth: () =>
      `Basic ${Buffer.from(`${emulator.account.apiKeySid}:${emulator.account.apiKeySecret}`).toString('base64')}`,
    participant: (conferenceSid: string, callSid: string) =>
      rest.conferences(conferenceSid).participants(callSid),
  };

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
          `${stack.room}</Conference></Dial></Response>`,
      };
    });
    emulator = await startEmulator({
      account,
      voiceUrl: () => backend.voiceUrl,
      notifyNumbers: [NOTIFY_NUMBER],
    });
    const httpClient = new twilio.RequestClient({ ca: (await testCertificate()).cert });
    rest = twilio(account.apiKeySid, account.apiKeySecret, { accountSid: account.accountSid, httpClient });
    rest.api.baseUrl = emulator.url;
    for (const [number, toneHz] of Object.values(PHONES)) {
      await inspect(emulator, phonePath(number), { method: 'PUT', body: { toneHz } });
    }
  });
  afterEach(async () => {
    for (const cleanup of stack.cleanups.splice(0)) await cleanup();
  });
  after(async () => {
    await emulator.close();
    await backend.close();
  });
  return stack;
}

/** [HTTP status, Twilio code] of the RestException a twilio-node call throws. */
export async function restError(call: () => Promise<unknown>): Promise<[number, number]> {
  const error = (await call().then(
    () => assert.fail('expected an error'),
    (e: unknown) => e,
  )) as { status: number; code: number };
  return [error.status, error.code];
}

export const emptyReading: AudioReading = {
  levelDbfs: -Infinity,
  heardMs: 0,
  silentMs: 0,
  dominantHz: null,
  tones: {},
};

/** Waits until `read()` has grown by `byMs` from now. */
export async function rises(read: () => Promise<number>, what: string, byMs = 300): Promise<void> {
  const start = await read();
  await waitFor(async () => (await read()) - start >= byMs || undefined, 8000, what);
}

/** `flat()` does not grow while `meanwhile()` grows by 300 ms (so the listener was really listening). */
export async function staysFlat(
  flat: () => Promise<number>,
  meanwhile: () => Promise<number>,
  what: string,
): Promise<void> {
  const start = await flat();
  await rises(meanwhile, `${what}: the listener hears something meanwhile`);
  assert.equal((await flat()) - start, 0, what);
}

export type ConferenceStack = ReturnType<typeof useConferenceStack>;
