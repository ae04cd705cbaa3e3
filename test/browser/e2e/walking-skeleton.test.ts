/**
 * The whole path once, with real parts: page → NotifyClient → the real @twilio/voice-sdk (the built
 * chunk) → the emulator's PStream signaling → the backend's signed TwiML webhook → <Dial><Number> →
 * a virtual PSTN phone, with real WebRTC media in Chromium.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  stack,
  signIn,
  phone,
  dialFromPhone,
  emulatorCalls,
  heardPageMs,
  inboundAudioPackets,
  pageHears,
  recordEvents,
} from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS, Status, Vendor } from '/dist/notify-client.js';

type Client = InstanceType<typeof NotifyClient>;
type EventLog = ReturnType<typeof recordEvents>;

const TIMEOUT = { timeout: 15000, interval: 50 };
const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);

/** A client for a newly signed-in user, with its caller ID resolved (lazy vendor mode). */
async function newClient(options: { backendUrl?: string; callerId?: string; config?: object } = {}) {
  const backendUrl = options.backendUrl ?? stack.backendUrl;
  const authToken = await signIn(`e2e-${Math.random().toString(36).slice(2, 8)}`, backendUrl);
  const notifyConfig: Record<string, unknown> = {
    autoLoadScriptResources: true,
    backendUrl,
    authToken,
    ...options.config,
  };
  const client: Client = new NotifyClient(notifyConfig, true);
  const log = recordEvents(client, STD_EVENTS);
  await new Promise<void>((resolve) =>
    client.setCallerId(options.callerId ?? stack.demoNumber, () => resolve()),
  );
  return { client, log, notifyConfig };
}

async function goOnline(client: Client, log: EventLog) {
  client.init();
  await waitUntil(() => fired(log, STD_EVENTS.ONLINE).length > 0, 'the client never came ONLINE', TIMEOUT);
}

describe('walking skeleton: a real call through the real SDK and the emulator', function () {
  this.timeout(60000);

  it('goes online, calls a virtual phone, sends 1234#, hears audio both ways and hangs up', async () => {
    const { client, log, notifyConfig } = await newClient();
    expect(notifyConfig.vendor).to.equal(Vendor.TWILIO_DIRECT);
    expect(notifyConfig.callerId).to.equal(stack.demoNumber);

    await goOnline(client, log);
    const number = '+15551230001';
    client.call({ phoneNumber: number });
    await waitUntil(() => fired(log, STD_EVENTS.CALL_START).length === 1, 'no CALL_START', TIMEOUT);
    expect(client.getStatus()).to.equal(Status.OPEN);
    expect(fired(log, STD_EVENTS.CALL_INIT)).to.have.length(1);

    // Real audio both ways: the page hears the phone's tone, the phone hears the page's microphone tone
    // for a second (not merely packets: silence would count as packets).
    await waitUntil(async () => (await inboundAudioPackets()) > 0, 'the page received no RTP', TIMEOUT);
    await waitUntil(() => pageHears(stack.phoneToneHz), 'the page never heard the phone', TIMEOUT);
    await waitUntil(
      async () => heardPageMs((await phone(number)).calls.at(-1)) >= 1000,
      'the virtual phone never heard the page for a second',
      TIMEOUT,
    );

    client.sendDtmf('1234#');
    await waitUntil(async () => (await phone(number)).calls.at(-1)?.digits === '1234#', 'digits', TIMEOUT);

    const { callSid, parentCallSid } = (await phone(number)).calls.at(-1)!;
    client.hangupCall();
    await waitUntil(() => fired(log, STD_EVENTS.CALL_DISCONNECT).length === 1, 'no CALL_DISCONNECT', TIMEOUT);
    expect(client.getStatus()).to.equal(Status.CLOSED);
    await waitUntil(
      async () => {
        const calls = await emulatorCalls();
        const legs = calls.filter((call) => call.sid === callSid || call.sid === parentCallSid);
        return legs.length === 2 && legs.every((leg) => leg.status === 'completed');
      },
      'both legs should be completed',
      TIMEOUT,
    );
    expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
    client.destroy();
  });

  it('reports a phone-side hangup as CALL_DISCONNECT and stays reachable for the next call', async () => {
    const { client, log } = await newClient();
    await goOnline(client, log);
    const number = '+15551230002';
    client.call({ phoneNumber: number });
    await waitUntil(() => fired(log, STD_EVENTS.CALL_START).length === 1, 'no CALL_START', TIMEOUT);
    // Twilio answers the browser's leg when <Dial> starts; the phone picks up a moment later.
    await waitUntil(
      async () => (await phone(number)).calls.at(-1)?.state === 'in-progress',
      'no answer',
      TIMEOUT,
    );
    const hangup = await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(number)}/hangup`, {
      method: 'POST',
    });
    expect(hangup.status).to.equal(200);
    await waitUntil(() => fired(log, STD_EVENTS.CALL_DISCONNECT).length === 1, 'no CALL_DISCONNECT', TIMEOUT);
    expect(client.getStatus()).to.equal(Status.CLOSED);

    // The far end hanging up ends the call, not the registration: the next incoming call still rings here.
    await dialFromPhone('+15551230003', stack.demoNumber);
    await waitUntil(
      () => fired(log, STD_EVENTS.INCOMING_CALL).length === 1,
      'the phone no longer rings after a phone-side hang-up',
      TIMEOUT,
    );
    expect(fired(log, STD_EVENTS.OFFLINE)).to.deep.equal([]);
    expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
    client.pickupCall();
    await waitUntil(
      () => fired(log, STD_EVENTS.CALL_START).length === 2,
      'the next call never started',
      TIMEOUT,
    );
    client.hangupCall();
    await waitUntil(
      () => fired(log, STD_EVENTS.CALL_DISCONNECT).length === 2,
      'no second CALL_DISCONNECT',
      TIMEOUT,
    );
    client.destroy();
  });
});

describe('walking skeleton: coded errors, state left intact', function () {
  this.timeout(60000);

  it('refuses a caller ID the user does not own: ERROR CALLER_ID_NOT_ALLOWED, vendor left unset', async () => {
    const { log, notifyConfig } = await newClient({ callerId: stack.foreignNumber });
    expect(notifyConfig.vendor).to.equal(undefined);
    expect(fired(log, STD_EVENTS.ERROR).map((entry) => entry.args[1])).to.deep.equal([
      'CALLER_ID_NOT_ALLOWED',
    ]);
  });

  it('refuses call() before init() with NOT_INITIALIZED and places no call', async () => {
    const { client, log } = await newClient();
    const before = (await emulatorCalls()).length;
    client.call({ phoneNumber: '+15551230003' });
    await waitUntil(() => fired(log, STD_EVENTS.ERROR).length === 1, 'no ERROR', TIMEOUT);
    expect(fired(log, STD_EVENTS.ERROR)[0].args[1]).to.equal('NOT_INITIALIZED');
    expect(fired(log, STD_EVENTS.CALL_INIT)).to.have.length(0);
    expect((await emulatorCalls()).length).to.equal(before);
    client.destroy();
  });

  it('refuses an invalid DTMF digit (F): INVALID_DTMF, nothing reaches the phone, the call stays open', async () => {
    const { client, log } = await newClient();
    await goOnline(client, log);
    const number = '+15551230004';
    client.call({ phoneNumber: number });
    await waitUntil(() => fired(log, STD_EVENTS.CALL_START).length === 1, 'no CALL_START', TIMEOUT);
    // In-band DTMF needs the media path up (ICE + DTLS finish shortly after CALL_START).
    await waitUntil(async () => (await inboundAudioPackets()) > 0, 'the page received no RTP', TIMEOUT);
    client.sendDtmf('1F');
    await waitUntil(() => fired(log, STD_EVENTS.ERROR).length === 1, 'no ERROR', TIMEOUT);
    expect(fired(log, STD_EVENTS.ERROR)[0].args[1]).to.equal('INVALID_DTMF');
    client.sendDtmf('9');
    await waitUntil(
      async () => (await phone(number)).calls.at(-1)?.digits === '9',
      'the phone heard other digits',
      TIMEOUT,
    );
    expect(client.getStatus()).to.equal(Status.OPEN);
    client.hangupCall();
    client.destroy();
  });

  it('rejects every method after destroy() with DESTROYED', async () => {
    const { client, log } = await newClient();
    await goOnline(client, log);
    client.destroy();
    await waitUntil(() => fired(log, STD_EVENTS.OFFLINE).length > 0, 'no OFFLINE after destroy', TIMEOUT);
    const errorsBefore = fired(log, STD_EVENTS.ERROR).length;
    client.call({ phoneNumber: '+15551230005' });
    client.sendDtmf('1');
    client.init();
    const codes = fired(log, STD_EVENTS.ERROR)
      .slice(errorsBefore)
      .map((entry) => entry.args[1]);
    expect(codes).to.deep.equal(['DESTROYED', 'DESTROYED', 'DESTROYED']);
  });

  it('goes OFFLINE with TOKEN_EXPIRED when the token expires and forceRefreshToken is false', async () => {
    const { client, log } = await newClient({
      backendUrl: stack.shortTokens.backendUrl,
      config: { forceRefreshToken: false },
    });
    await goOnline(client, log);
    await waitUntil(
      () => fired(log, STD_EVENTS.ERROR).some((entry) => entry.args[1] === 'TOKEN_EXPIRED'),
      'no TOKEN_EXPIRED',
      { timeout: 20000, interval: 100 },
    );
    expect(fired(log, STD_EVENTS.OFFLINE).length).to.be.greaterThan(0);
    client.destroy();
  });

  it('keeps a client online past expiry when forceRefreshToken is true (the default)', async () => {
    const { client, log } = await newClient({ backendUrl: stack.shortTokens.backendUrl });
    // Count the client's token refreshes (5 s tokens) instead of sleeping past an expiry.
    const nativeFetch = window.fetch;
    let refreshes = 0;
    window.fetch = (input, init) => {
      if (/\/sessions\/[0-9a-f]{32}\/token$/.test(String(input instanceof Request ? input.url : input))) {
        refreshes++;
      }
      return nativeFetch(input, init);
    };
    try {
      await goOnline(client, log);
      await waitUntil(() => refreshes >= 2, 'the token was never refreshed twice', {
        timeout: 20000,
        interval: 100,
      });
    } finally {
      window.fetch = nativeFetch;
    }
    // Two expiries on, the client is still reachable: a call to the Notify number rings it.
    const dial = await fetch(`${stack.shortTokens.origin}/emulator/phones/%2B15551230009/dial`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: stack.demoNumber }),
    });
    expect(dial.status).to.equal(201);
    await waitUntil(
      () => fired(log, STD_EVENTS.INCOMING_CALL).length === 1,
      'no call rang after expiry',
      TIMEOUT,
    );
    expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
    expect(fired(log, STD_EVENTS.OFFLINE)).to.deep.equal([]);
    client.hangupCall();
    client.destroy();
  });
});
