import { expect, waitUntil } from '@open-wc/testing';
import { STD_EVENTS, Status } from '../../../src/client/constants.js';
import type { NotifyCall } from '../../../src/client/notify-call.js';
import { CALLER_ID, onlineClient } from './helpers/setup.js';

describe('NotifyCall (client.calls, client.activeCall)', () => {
  it('an outgoing call: its own status, parties, id, times, mute and events; gone from calls once closed', async () => {
    const { client, driver, names } = await onlineClient();
    expect(client.calls).to.deep.equal([]);
    expect(client.activeCall).to.equal(null);
    client.call({ phoneNumber: '+15551234567' });
    const call = client.activeCall!;
    expect(client.calls).to.deep.equal([call]);
    expect(call.direction).to.equal('outgoing');
    expect(call.from).to.equal(CALLER_ID);
    expect(call.to).to.equal('+15551234567');
    expect(call.status).to.equal(Status.PENDING);
    expect(call.held).to.equal(false);
    expect(call.answeredAt).to.equal(null);
    const statuses: string[] = [];
    const mutes: boolean[] = [];
    call.events.on('status', (to, from) => statuses.push(`${from}→${to}`));
    call.events.on('mute', (muted) => mutes.push(muted));
    await waitUntil(() => names().includes(STD_EVENTS.CALL_INIT));
    expect(call.callId).to.equal(driver.call!.callSid);
    driver.answer();
    expect(call.answeredAt).to.be.a('number');
    expect(call.answeredAt!).to.be.at.least(call.createdAt);
    client.mute(true);
    expect(call.muted).to.equal(true);
    driver.remoteHangup();
    expect(call.status).to.equal(Status.CLOSED);
    expect(call.endedAt).to.be.at.least(call.answeredAt!);
    expect(statuses).to.deep.equal(['pending→connecting', 'connecting→open', 'open→closed']);
    expect(call.outcome).to.equal('completed');
    expect(call.endedBy).to.equal('remote');
    expect(call.duration).to.equal(Math.round((call.endedAt! - call.answeredAt!) / 1000));
    expect(mutes).to.deep.equal([true]);
    expect(client.calls).to.deep.equal([]);
    expect(client.activeCall).to.equal(null);
    client.destroy();
  });

  it('the outcome of every way a call ends is on the call given with CALL_DISCONNECT (or CALL_CANCEL)', async () => {
    const { client, driver, events } = await onlineClient();
    const ended = () => {
      const last = events.at(-1)!;
      const call = last.args[1] as NotifyCall;
      return [last.event, call.outcome, call.endedBy, call.duration];
    };
    const dial = async () => {
      client.call({ phoneNumber: '+15551234567' });
      await waitUntil(() => events.at(-1)?.event === STD_EVENTS.CALL_INIT);
    };
    for (const outcome of ['busy', 'no-answer', 'declined', 'failed'] as const) {
      await dial();
      driver.ring();
      driver.refuse(outcome);
      expect(ended()).to.deep.equal([STD_EVENTS.CALL_DISCONNECT, outcome, 'remote', null]);
    }
    await dial();
    client.hangupCall(); // while it rings
    expect(ended()).to.deep.equal([STD_EVENTS.CALL_DISCONNECT, 'canceled', 'local', null]);
    await dial();
    driver.answer();
    client.hangupCall();
    expect(ended()).to.deep.equal([STD_EVENTS.CALL_DISCONNECT, 'completed', 'local', 0]);

    driver.receive({ params: { parentId: 'P' } });
    await waitUntil(() => events.at(-1)?.event === STD_EVENTS.INCOMING_CALL);
    driver.remoteCancel();
    expect(ended()).to.deep.equal([STD_EVENTS.CALL_CANCEL, 'canceled', 'remote', null]);
    driver.receive({ params: { parentId: 'P' } });
    await waitUntil(() => events.at(-1)?.event === STD_EVENTS.INCOMING_CALL);
    client.hangupCall(); // declines it
    expect(ended()).to.deep.equal([STD_EVENTS.CALL_DISCONNECT, 'declined', 'local', null]);
    client.destroy();
  });

  it('a ringing incoming call is the current call but not the active one until answered', async () => {
    const { client, driver, backend, names } = await onlineClient();
    backend.parentIds.CAin = 'parent-1';
    driver.receive({ callSid: 'CAin', from: '+15559990000', to: 'client:me' });
    const [call] = client.calls;
    expect(call.direction).to.equal('incoming');
    expect(call.from).to.equal('+15559990000');
    expect(call.callId).to.equal('CAin');
    expect(client.activeCall).to.equal(null);
    expect(client.getStatus()).to.equal(Status.PENDING);
    await waitUntil(() => names().includes(STD_EVENTS.INCOMING_CALL));
    expect(call.parentId).to.equal('parent-1');
    client.pickupCall();
    await waitUntil(() => call.status === Status.CONNECTING);
    expect(client.activeCall).to.equal(call);
    client.hangupCall();
    expect(call.status).to.equal(Status.CLOSED);
    expect(client.calls).to.deep.equal([]);
    client.destroy();
  });

  it("routes the driver's call events by handle: a second invite declined (callWaiting 'busy') leaves the open one alone", async () => {
    const { client, driver, names } = await onlineClient();
    client.call({ phoneNumber: '+15551234567' });
    await waitUntil(() => names().includes(STD_EVENTS.CALL_INIT));
    const outgoing = driver.call!;
    driver.answer(outgoing);
    const call = client.activeCall!;
    // callWaiting 'busy' (the default): a second invite is declined on the driver, and its end (a handle
    // the client does not hold) changes nothing.
    driver.receive({ callSid: 'CAsecond' });
    expect(client.calls).to.deep.equal([call]);
    expect(
      driver.log.filter((e) => e.method === 'reject').map((e) => (e.args[0] as { callSid: string }).callSid),
    ).to.deep.equal(['CAsecond']);
    expect(call.status).to.equal(Status.OPEN);
    expect(names()).to.not.include(STD_EVENTS.CALL_DISCONNECT);
    client.sendDtmf('5');
    expect(driver.log.find((e) => e.method === 'sendDigits')?.args).to.deep.equal(['5', outgoing]);
    driver.remoteHangup(outgoing);
    expect(call.status).to.equal(Status.CLOSED);
    expect(names()).to.include(STD_EVENTS.CALL_DISCONNECT);
    client.destroy();
  });
});
