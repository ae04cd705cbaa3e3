/**
 * The fault-injection API through the real SDK in Chromium: one fault's page-visible effect, reproduced
 * inside the project (no root, no `ss -K`). The signaling socket of a call is reset mid-call; the SDK
 * reconnects on its own and the call's audio goes on, both ways; the page is told by NOTIFY_EVENTS.RECONNECT
 * (the registration and the call), with no ERROR: the fault recovered silently.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { emulatorLegs, phone, stack } from './helpers.js';
import {
  NOTIFY_EVENTS,
  STD_EVENTS,
  TIMEOUT,
  audioFlowsAgain,
  cleanUp,
  emulator,
  fired,
  inCall,
  onlineAgent,
  registrations,
  story,
} from './fault-helpers.js';

describe('fault injection: the signaling socket reset mid-call', function () {
  this.timeout(60000);
  afterEach(cleanUp);

  it('the SDK reconnects, the call stays up and audio keeps flowing both ways', async () => {
    const agent = await onlineAgent(stack);
    const { client, log, identity } = agent;
    const { number } = await inCall(agent);
    const { parentCallSid } = (await phone(number)).calls.at(-1)!;
    const reconnects = async () =>
      (await emulatorLegs())
        .find((leg) => leg.sid === parentCallSid)
        ?.events?.filter((e) => e.event === 'reconnected').length ?? 0;
    const reconnectsBefore = await reconnects();

    const dropped = await emulator(stack, '/faults/signaling/drop', { callSid: parentCallSid });
    expect(dropped.status).to.equal(200);
    expect(dropped.body).to.deep.equal({ closed: 1, mode: 'reset' });

    // The SDK opens a new socket, finds its call again with the reconnect token (the emulator would end
    // it after a 5 s grace otherwise) and registers again (the emulator forgot the old socket at once)…
    await waitUntil(async () => (await reconnects()) > reconnectsBefore, 'no reconnect invite', TIMEOUT);
    await waitUntil(
      async () => (await registrations(stack, identity)) === 1,
      'never registered again',
      TIMEOUT,
    );
    // …and the call lives on: the phone hears the page for another second, the page keeps receiving.
    await audioFlowsAgain(agent, number);
    const legs = (await emulator(stack, '/calls')).body.calls as Array<{ sid: string; status: string }>;
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
  });
});
