/**
 * The rest of the SNC.Notify.Client surface through the real SDK: mute, getParentId and skipParentId,
 * autoLoadScriptResources:false with a page-provided window.Twilio, the Geneva-era config handlers, and a
 * classic page that only loads dist/snc-notify.js.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  dialFromPhone,
  heardPageMs,
  peerConnections,
  phone,
  recordEvents,
  signInUser,
  stack,
  destroyAndSettle,
} from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS, Status } from '/dist/notify-client.js';

type Client = InstanceType<typeof NotifyClient>;
type EventLog = ReturnType<typeof recordEvents>;

const TIMEOUT = { timeout: 15000, interval: 50 };
const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);
const count = (log: EventLog, event: string) => fired(log, event).length;
let seq = 0;
const newPhone = () => `+1555660${String(Date.now() % 1000).padStart(3, '0')}${seq++ % 10}`;
const clients: Client[] = [];

async function newClient(config: Record<string, unknown> = {}, goOnline = true) {
  const { token, user } = await signInUser(`client-${Math.random().toString(36).slice(2, 8)}`);
  const notifyConfig: Record<string, unknown> = {
    autoLoadScriptResources: true,
    backendUrl: stack.backendUrl,
    authToken: token,
    ...config,
  };
  const client: Client = new NotifyClient(notifyConfig, true);
  clients.push(client);
  const log = recordEvents(client, STD_EVENTS);
  await new Promise<void>((resolve) => client.setCallerId(stack.demoNumber, () => resolve()));
  if (goOnline) {
    client.init();
    await waitUntil(() => count(log, STD_EVENTS.ONLINE) > 0, 'the client never came ONLINE', TIMEOUT);
  }
  return { client, log, token, user, notifyConfig };
}

const microphoneEnabled = () =>
  peerConnections
    .at(-1)!
    .getSenders()
    .filter((sender) => sender.track?.kind === 'audio')
    .every((sender) => sender.track!.enabled);

describe('notify API: client features through the real SDK', function () {
  this.timeout(90000);
  afterEach(async () => {
    await destroyAndSettle(clients.splice(0));
  });

  it('mute(true) / mute("true") / mute(false) fire CALL_MUTE / CALL_UNMUTE and switch the microphone', async () => {
    const { client, log } = await newClient();
    const number = newPhone();
    client.call({ phoneNumber: number });
    await waitUntil(() => count(log, STD_EVENTS.CALL_START) === 1, 'no CALL_START', TIMEOUT);
    expect(microphoneEnabled()).to.equal(true);
    client.mute(true);
    expect(count(log, STD_EVENTS.CALL_MUTE)).to.equal(1);
    await waitUntil(() => !microphoneEnabled(), 'the microphone track should be disabled', TIMEOUT);
    client.mute(false);
    expect(count(log, STD_EVENTS.CALL_UNMUTE)).to.equal(1);
    await waitUntil(() => microphoneEnabled(), 'the microphone track should be enabled', TIMEOUT);
    client.mute('true');
    expect(count(log, STD_EVENTS.CALL_MUTE)).to.equal(2);
    await waitUntil(() => !microphoneEnabled(), 'the string "true" mutes', TIMEOUT);
    client.mute('yes');
    expect(count(log, STD_EVENTS.CALL_UNMUTE)).to.equal(2);
    expect(
      log
        .filter((e) => e.event === STD_EVENTS.CALL_MUTE || e.event === STD_EVENTS.CALL_UNMUTE)
        .map((e) => e.event),
    ).to.deep.equal([
      STD_EVENTS.CALL_MUTE,
      STD_EVENTS.CALL_UNMUTE,
      STD_EVENTS.CALL_MUTE,
      STD_EVENTS.CALL_UNMUTE,
    ]);
    // Audio still flows to the phone while the call lasts (a muted track sends silence).
    await waitUntil(
      async () => ((await phone(number)).calls.at(-1)?.audioPacketsReceived ?? 0) > 0,
      'the phone received no RTP',
      TIMEOUT,
    );
    client.hangupCall();
  });

  it('mute silences the page at the far end and unmute brings its voice back', async () => {
    const { client, log } = await newClient();
    const number = newPhone();
    const call = async () => (await phone(number)).calls.at(-1);
    client.call({ phoneNumber: number });
    await waitUntil(() => count(log, STD_EVENTS.CALL_START) === 1, 'no CALL_START', TIMEOUT);
    await waitUntil(async () => heardPageMs(await call()) >= 600, 'the phone never heard the page', TIMEOUT);

    client.mute(true);
    // Settled: the phone has received more silence than the fake microphone's own 200 ms pause.
    const silentAtMute = (await call())!.audio.silentMs;
    await waitUntil(
      async () => (await call())!.audio.silentMs >= silentAtMute + 400,
      'no silence at the far end after mute',
      TIMEOUT,
    );
    const heardWhileMuted = heardPageMs(await call());
    const silentMark = (await call())!.audio.silentMs;
    await waitUntil(
      async () => (await call())!.audio.silentMs >= silentMark + 1000,
      'the phone stopped receiving frames while muted',
      TIMEOUT,
    );
    expect(heardPageMs(await call()), 'the phone heard the page while muted').to.equal(heardWhileMuted);

    client.mute(false);
    await waitUntil(
      async () => heardPageMs(await call()) >= heardWhileMuted + 500,
      'the phone never heard the page again after unmute',
      TIMEOUT,
    );
    expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
    client.hangupCall();
  });

  it('getParentId resolves the parent of an incoming call, {error} for an unknown one; skipParentId fires at once', async () => {
    const a = await newClient();
    const b = await newClient({ skipParentId: true });
    await dialFromPhone(newPhone(), stack.demoNumber);
    await waitUntil(
      () => count(a.log, STD_EVENTS.INCOMING_CALL) === 1 && count(b.log, STD_EVENTS.INCOMING_CALL) === 1,
      'both should ring',
      TIMEOUT,
    );
    const argsA = fired(a.log, STD_EVENTS.INCOMING_CALL)[0]!.args;
    const argsB = fired(b.log, STD_EVENTS.INCOMING_CALL)[0]!.args;
    expect(argsA[3]).to.match(/^[0-9a-f]{32}$/);
    expect(argsB[3]).to.equal(undefined);

    const viaB = await new Promise<{ parentId?: string | null; error?: string }>((resolve) =>
      b.client.getParentId(argsB[2], resolve),
    );
    expect(viaB.parentId).to.equal(argsA[3]);
    expect(viaB.error).to.equal(undefined);

    const started = Date.now();
    const unknown = await new Promise<{ parentId?: string | null; error?: string }>((resolve) =>
      a.client.getParentId(`CA${'0'.repeat(32)}`, resolve),
    );
    expect(unknown.parentId ?? null).to.equal(null);
    expect(unknown.error).to.be.a('string');
    expect(Date.now() - started).to.be.greaterThan(900); // retried with a pause, bounded
    a.client.hangupCall();
    b.client.hangupCall();
  });

  it('autoLoadScriptResources:false: VENDOR_SDK_MISSING without window.Twilio, online with the page’s SDK', async () => {
    const page = window as unknown as { Twilio?: unknown };
    delete page.Twilio;
    const missing = await newClient({ autoLoadScriptResources: false }, false);
    missing.client.init();
    await waitUntil(() => count(missing.log, STD_EVENTS.ERROR) === 1, 'no ERROR', TIMEOUT);
    expect(fired(missing.log, STD_EVENTS.ERROR)[0]!.args[1]).to.equal('VENDOR_SDK_MISSING');
    expect(count(missing.log, STD_EVENTS.ONLINE)).to.equal(0);

    // @ts-expect-error the built SDK chunk has no types next to it at test time
    const sdk = (await import('/dist/twilio-voice-sdk.js')) as { Device: unknown };
    page.Twilio = { Device: sdk.Device };
    try {
      const { client, log } = await newClient({ autoLoadScriptResources: false });
      expect(count(log, STD_EVENTS.ERROR)).to.equal(0);
      const number = newPhone();
      client.call({ phoneNumber: number });
      await waitUntil(() => count(log, STD_EVENTS.CALL_START) === 1, 'no CALL_START', TIMEOUT);
      client.hangupCall();
    } finally {
      delete page.Twilio;
    }
  });

  it('honours the Geneva handlers in the config: onReady, onIncoming, onConnect(status), onDisconnect, onError, onOffline', async () => {
    const calls: Array<[string, unknown[]]> = [];
    const handler =
      (name: string) =>
      (...args: unknown[]) =>
        calls.push([name, args]);
    const names = ['onReady', 'onOffline', 'onError', 'onConnect', 'onDisconnect', 'onIncoming'];
    const { client } = await newClient(Object.fromEntries(names.map((n) => [n, handler(n)])));
    expect(calls.map(([n]) => n)).to.include('onReady');
    const caller = newPhone();
    await dialFromPhone(caller, stack.demoNumber);
    await waitUntil(() => calls.some(([n]) => n === 'onIncoming'), 'no onIncoming', TIMEOUT);
    expect(calls.find(([n]) => n === 'onIncoming')![1][0]).to.equal(caller);
    client.pickupCall();
    await waitUntil(
      () => calls.some(([n, args]) => n === 'onConnect' && args[0] === Status.OPEN),
      'no onConnect(OPEN)',
      TIMEOUT,
    );
    client.sendDtmf('F');
    await waitUntil(() => calls.some(([n]) => n === 'onError'), 'no onError', TIMEOUT);
    expect(calls.find(([n]) => n === 'onError')![1][1]).to.equal('INVALID_DTMF');
    client.hangupCall();
    await waitUntil(() => calls.some(([n]) => n === 'onDisconnect'), 'no onDisconnect', TIMEOUT);
    client.destroy();
    await waitUntil(() => calls.some(([n]) => n === 'onOffline'), 'no onOffline', TIMEOUT);
  });

  it('a classic page with only dist/snc-notify.js runs the documented example and places a call', async () => {
    const script = document.createElement('script');
    script.src = '/dist/snc-notify.js';
    await new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
    const SNC = (
      window as unknown as {
        SNC: {
          Notify: {
            Client: typeof NotifyClient;
            STD_EVENTS: typeof STD_EVENTS;
            Status: typeof Status;
            Vendor: { TWILIO_DIRECT: string };
          };
        };
      }
    ).SNC;
    expect(Object.keys(SNC.Notify).sort()).to.deep.equal(['Client', 'STD_EVENTS', 'Status', 'Vendor']);
    const { token } = await signInUser(`classic-${Math.random().toString(36).slice(2, 8)}`);

    // The documented example, as a page would write it (plus where our backend is).
    const notifyConfig: Record<string, unknown> = {
      autoLoadScriptResources: true,
      backendUrl: stack.backendUrl,
      authToken: token,
    };
    const notifyClient = new SNC.Notify.Client(notifyConfig, true);
    clients.push(notifyClient);
    const seen: string[] = [];
    notifyClient.setCallerId(stack.demoNumber, function () {
      if (!notifyConfig.vendor) return; // this number has no compatible vendor
      notifyClient.addEventListener(SNC.Notify.STD_EVENTS.ONLINE, function () {
        seen.push('online');
      });
      notifyClient.addEventListener(SNC.Notify.STD_EVENTS.CALL_START, function () {
        seen.push('start');
      });
      notifyClient.init();
    });
    await waitUntil(() => seen.includes('online'), 'the classic client never came online', TIMEOUT);
    expect(notifyConfig.vendor).to.equal(SNC.Notify.Vendor.TWILIO_DIRECT);
    const number = newPhone();
    notifyClient.call({ phoneNumber: number });
    await waitUntil(() => seen.includes('start'), 'no CALL_START', TIMEOUT);
    expect(notifyClient.getStatus()).to.equal(SNC.Notify.Status.OPEN);
    await waitUntil(
      async () => (await phone(number)).calls.at(-1)?.state === 'in-progress',
      'the phone should answer',
      TIMEOUT,
    );
    notifyClient.hangupCall();
  });
});
