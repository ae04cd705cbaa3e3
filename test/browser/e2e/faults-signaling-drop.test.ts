/**
 * The fault-injection API through the real SDK in Chromium: one fault's page-visible effect, reproduced
 * inside the project (no root, no `ss -K`). The signaling socket of a call is reset mid-call; the SDK
 * reconnects on its own and the call's audio goes on, both ways; the page is told by NOTIFY_EVENTS.RECONNECT
 * (the registration and the call), with no ERROR: the fault recovered silently.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  emulatorLegs,
  heardPageMs,
  inboundAudioPackets,
  phone,
  recordEvents,
  signIn,
  stack,
} from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NOTIFY_EVENTS, NotifyClient, STD_EVENTS } from '/dist/notify-phone.js';
import { story } from './fault-helpers.js';

type Client = InstanceType<typeof NotifyClient>;
type EventLog = ReturnType<typeof recordEvents>;

const TIMEOUT = { timeout: 15000, interval: 50 };
const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- loose JSON, the assertions check it
async function emulator(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.origin}/emulator${path}`, {
    ...init,
    headers: init.body ? { 'content-type': 'application/json' } : {},
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

const registrations = async (identity: string) =>
  ((await emulator('/registrations')).body.registrations as Array<{ identity: string }>).filter(
    (r) => r.identity === identity,
  ).length;

describe('fault injection: the signaling socket reset mid-call', function () {
  this.timeout(60000);

  it('the SDK reconnects, the call stays up and audio keeps flowing both ways', async () => {
    const authToken = await signIn(`faults-${Math.random().toString(36).slice(2, 8)}`);
    const client: Client = new NotifyClient(
      { autoLoadScriptResources: true, backendUrl: stack.backendUrl, authToken },
      true,
    );
    // Recovery events only: quality warnings (CALL_QUALITY) have their own tests.
    const log = recordEvents(client, {
      ...STD_EVENTS,
      RECONNECT: NOTIFY_EVENTS.RECONNECT,
      CALL_WARNING: NOTIFY_EVENTS.CALL_WARNING,
    });
    await new Promise<void>((resolve) => client.setCallerId(stack.demoNumber, () => resolve()));
    client.init();
    await waitUntil(() => fired(log, STD_EVENTS.ONLINE).length > 0, 'never ONLINE', TIMEOUT);
    const identity = client.getSession()!.identity as string;
    await waitUntil(async () => (await registrations(identity)) === 1, 'not registered', TIMEOUT);

    const number = '+15551239001';
    client.call({ phoneNumber: number });
    await waitUntil(() => fired(log, STD_EVENTS.CALL_START).length === 1, 'no CALL_START', TIMEOUT);
    await waitUntil(
      async () => heardPageMs((await phone(number)).calls.at(-1)) >= 500,
      'phone hears page',
      TIMEOUT,
    );
    const { parentCallSid } = (await phone(number)).calls.at(-1)!;
    const reconnects = async () =>
      (await emulatorLegs())
        .find((leg) => leg.sid === parentCallSid)
        ?.events?.filter((e) => e.event === 'reconnected').length ?? 0;
    const reconnectsBefore = await reconnects();

    const dropped = await emulator('/faults/signaling/drop', {
      method: 'POST',
      body: JSON.stringify({ callSid: parentCallSid }),
    });
    expect(dropped.status).to.equal(200);
    expect(dropped.body).to.deep.equal({ closed: 1, mode: 'reset' });
    const heardAtDrop = heardPageMs((await phone(number)).calls.at(-1));
    const pageAtDrop = await inboundAudioPackets();

    // The SDK opens a new socket, finds its call again with the reconnect token (the emulator would end
    // it after a 5 s grace otherwise) and registers again (the emulator forgot the old socket at once)…
    await waitUntil(async () => (await reconnects()) > reconnectsBefore, 'no reconnect invite', TIMEOUT);
    await waitUntil(async () => (await registrations(identity)) === 1, 'never registered again', TIMEOUT);
    // …and the call lives on: the phone hears the page for another second, the page keeps receiving.
    await waitUntil(
      async () => heardPageMs((await phone(number)).calls.at(-1)) >= heardAtDrop + 1000,
      'the phone stopped hearing the page after the reset',
      TIMEOUT,
    );
    await waitUntil(
      async () => (await inboundAudioPackets()) > pageAtDrop + 50,
      'page audio stopped',
      TIMEOUT,
    );
    const legs = (await emulator('/calls')).body.calls as Array<{ sid: string; status: string }>;
    expect(legs.find((leg) => leg.sid === parentCallSid)?.status).to.equal('in-progress');
    expect(fired(log, STD_EVENTS.CALL_DISCONNECT)).to.have.length(0);
    // Told as it happened: the call and the registration reconnecting, then back; nothing as an ERROR.
    await waitUntil(() => client.getDeviceState() === 'online', 'never ONLINE again', TIMEOUT);
    const told = story(log);
    const fromDrop = told.slice(told.indexOf('call_start') + 1);
    expect([...fromDrop].sort()).to.deep.equal(
      [
        'reconnect:reconnecting',
        'reconnect:reconnecting:call',
        'offline',
        'online',
        'reconnect:reconnected',
        'reconnect:reconnected:call',
      ].sort(),
    );
    expect(fromDrop.indexOf('reconnect:reconnecting:call')).to.be.lessThan(
      fromDrop.indexOf('reconnect:reconnected:call'),
    );
    expect(fromDrop.indexOf('offline')).to.be.lessThan(fromDrop.indexOf('online'));
    const callIds = log.filter((e) => e.event === NOTIFY_EVENTS.RECONNECT && e.args[1]).map((e) => e.args[1]);
    expect(callIds).to.deep.equal([parentCallSid, parentCallSid]);
    client.hangupCall();
    await waitUntil(() => fired(log, STD_EVENTS.CALL_DISCONNECT).length === 1, 'no CALL_DISCONNECT', TIMEOUT);
    client.destroy();
  });
});
