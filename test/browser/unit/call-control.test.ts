import { expect, waitUntil } from '@open-wc/testing';
import { STD_EVENTS, Status } from '../../../src/client/constants.js';
import { NotifyError } from '../../../src/client/errors.js';
import { onlineClient } from './helpers/setup.js';

/** Places a call and answers it on the fake driver: an open call with its media leg. */
async function openCall(made: Awaited<ReturnType<typeof onlineClient>>) {
  made.client.call({ phoneNumber: '+15551234567' });
  await waitUntil(() => made.names().includes(STD_EVENTS.CALL_INIT));
  const leg = made.driver.call!;
  made.driver.answer(leg);
  return { call: made.client.activeCall!, leg };
}

const actions = (made: Awaited<ReturnType<typeof onlineClient>>) =>
  made.backend.log.filter((e) => e.method === 'callAction').map((e) => [e.args[1], e.args[2]]);

describe('call control (hold, resume, call waiting, transfer, added parties) on the fake driver', () => {
  it('hold: the server holds first, then the media leg is released; its end does not end the call', async () => {
    const made = await onlineClient();
    const { call, leg } = await openCall(made);
    const holds: boolean[] = [];
    call.events.on('hold', (held) => holds.push(held));
    expect(await call.hold()).to.equal(true);
    expect(actions(made)).to.deep.equal([['hold', { hold: true }]]);
    expect(made.driver.log.find((e) => e.method === 'hangup')?.args[0]).to.equal(leg);
    expect(call.held).to.equal(true);
    expect(call.status).to.equal(Status.OPEN);
    expect(made.client.activeCall).to.equal(null);
    expect(made.client.getStatus()).to.equal(Status.CLOSED);
    expect(holds).to.deep.equal([true]);
    expect(made.names()).to.not.include(STD_EVENTS.CALL_DISCONNECT);
    made.client.destroy();
  });

  it('a vendor that holds in the media path (VendorDriver.hold, e.g. SIP): the driver holds, the leg stays, no server', async () => {
    const made = await onlineClient();
    const { call, leg } = await openCall(made);
    const held: Array<[boolean, unknown]> = [];
    made.driver.hold = async (on, handle) => {
      held.push([on, handle]);
    };
    expect(await call.hold()).to.equal(true);
    expect(call.held).to.equal(true);
    expect(await call.resume()).to.equal(true);
    expect(call.held).to.equal(false);
    expect(held).to.deep.equal([
      [true, leg],
      [false, leg],
    ]);
    expect(actions(made)).to.deep.equal([]);
    expect(made.driver.calls).to.deep.equal([leg]);
    expect(made.client.activeCall).to.equal(call);
    made.client.destroy();
  });

  it('resume: a new media leg with notifyResume; its progress does not move the call; open, the call is back', async () => {
    const made = await onlineClient();
    const { call } = await openCall(made);
    await call.hold();
    const statuses: string[] = [];
    call.events.on('status', (to) => statuses.push(to));
    const resumed = call.resume();
    await waitUntil(() => made.driver.calls.length === 1);
    const rejoin = made.driver.call!;
    expect(rejoin.params).to.deep.equal({ notifyResume: call.callId });
    made.driver.ring(rejoin);
    expect(call.held).to.equal(true);
    made.driver.answer(rejoin);
    expect(await resumed).to.equal(true);
    expect(call.held).to.equal(false);
    expect(statuses).to.deep.equal([]);
    expect(made.client.activeCall).to.equal(call);
    // The call keeps its id; digits and hang-up go to the new leg.
    made.client.sendDtmf('7');
    expect(made.driver.log.filter((e) => e.method === 'sendDigits').at(-1)?.args).to.deep.equal([
      '7',
      rejoin,
    ]);
    made.driver.remoteHangup(rejoin);
    expect(call.status).to.equal(Status.CLOSED);
    expect(made.names().filter((n) => n === STD_EVENTS.CALL_DISCONNECT)).to.have.length(1);
    made.client.destroy();
  });

  it('a hold the server refuses: coded ERROR, the call stays active with its media leg', async () => {
    const made = await onlineClient();
    const { call, leg } = await openCall(made);
    made.backend.callActionResults.hold = new NotifyError('FORBIDDEN');
    expect(await call.hold()).to.equal(false);
    expect(made.errors().at(-1)).to.equal('FORBIDDEN');
    expect(call.held).to.equal(false);
    expect(made.client.activeCall).to.equal(call);
    expect(made.driver.calls).to.deep.equal([leg]);
    made.client.destroy();
  });

  it('wrong states: resume of a call not held, hold twice, hold of a closed call: INVALID_STATE, nothing sent', async () => {
    const made = await onlineClient();
    const { call } = await openCall(made);
    expect(await call.resume()).to.equal(false);
    await call.hold();
    expect(await call.hold()).to.equal(false);
    expect(await made.client.completeTransfer()).to.equal(false);
    expect(await made.client.cancelTransfer()).to.equal(false);
    call.hangup();
    expect(await call.hold()).to.equal(false);
    expect(made.errors()).to.deep.equal([
      'INVALID_STATE',
      'INVALID_STATE',
      'INVALID_STATE',
      'INVALID_STATE',
      'INVALID_STATE',
    ]);
    // One hold, then the parked call's conference ended on hang-up: nothing else reached the backend.
    await waitUntil(() => actions(made).length === 2);
    expect(actions(made)).to.deep.equal([
      ['hold', { hold: true }],
      ['end', {}],
    ]);
    made.client.destroy();
  });

  it('a parked call whose parties left (conference no longer live) ends with CALL_DISCONNECT', async () => {
    const made = await onlineClient();
    const { call } = await openCall(made);
    await call.hold();
    made.backend.callActionResults.conference = { live: false };
    await waitUntil(() => call.status === Status.CLOSED, 'the parked call was never checked', {
      timeout: 5000,
    });
    expect(made.names().filter((n) => n === STD_EVENTS.CALL_DISCONNECT)).to.have.length(1);
    made.client.destroy();
  });

  it("call waiting 'ring': the second call is announced; pickupCall() holds the first, then answers", async () => {
    const made = await onlineClient({ config: { callWaiting: 'ring', skipParentId: true } });
    const { call: first } = await openCall(made);
    made.driver.receive({ callSid: 'CAwaiting', from: '+15557770000' });
    await waitUntil(() => made.names().includes(STD_EVENTS.INCOMING_CALL));
    const waiting = made.client.calls[1]!;
    expect(waiting.status).to.equal(Status.PENDING);
    expect(made.client.activeCall).to.equal(first);
    made.client.pickupCall();
    await waitUntil(() => made.driver.log.some((e) => e.method === 'accept'));
    expect(actions(made)).to.deep.equal([['hold', { hold: true }]]);
    expect(first.held).to.equal(true);
    made.driver.answer(made.driver.call!);
    expect(waiting.status).to.equal(Status.OPEN);
    expect(made.client.activeCall).to.equal(waiting);
    // A third call while one rings… none rings here now, so with 'ring' it would be announced too;
    // a call while one is still ringing is declined.
    made.driver.receive({ callSid: 'CAthird' });
    made.driver.receive({ callSid: 'CAfourth' });
    expect(made.driver.log.filter((e) => e.method === 'reject')).to.have.length(1);
    made.client.destroy();
  });

  it('warm transfer: hold, consultation call, complete (both calls end); cancel resumes the held call', async () => {
    const made = await onlineClient();
    const { call } = await openCall(made);
    const consult = (await made.client.transferCall({ type: 'number', id: '+15559990000' }))!;
    expect(consult.consultFor).to.equal(call);
    expect(call.held).to.equal(true);
    expect(made.driver.call!.params).to.deep.equal({ To: '+15559990000' });
    made.driver.answer(made.driver.call!);
    expect(await made.client.transferCall({ type: 'number', id: '+15559990001' })).to.equal(null);
    expect(made.errors().at(-1)).to.equal('INVALID_STATE');
    expect(await made.client.completeTransfer()).to.equal(true);
    expect(actions(made).at(-1)).to.deep.equal(['transfer', { consultCallSid: consult.callId }]);
    expect(made.client.calls).to.deep.equal([]);
    expect(call.status).to.equal(Status.CLOSED);

    const again = await openCall(made);
    const second = (await made.client.transferCall({ type: 'userId', id: 'b'.repeat(32) }))!;
    expect(made.driver.call!.params).to.deep.equal({ To: `client:${'b'.repeat(32)}` });
    const cancelled = made.client.cancelTransfer();
    await waitUntil(() => made.driver.call?.params?.notifyResume === again.call.callId);
    made.driver.answer(made.driver.call!);
    expect(await cancelled).to.equal(true);
    expect(second.status).to.equal(Status.CLOSED);
    expect(again.call.held).to.equal(false);
    expect(made.client.activeCall).to.equal(again.call);
    made.client.destroy();
  });

  it('addToCall: the server adds the party, the media leg joins the conference again; bad targets are coded', async () => {
    const made = await onlineClient();
    const { call, leg } = await openCall(made);
    expect(await made.client.addToCall({ type: 'number', id: '555' })).to.equal(false);
    expect(await made.client.addToCall({ type: 'fax', id: '+15551110000' } as never)).to.equal(false);
    expect(made.errors()).to.deep.equal(['INVALID_NUMBER', 'INVALID_ARGUMENT']);
    const added = made.client.addToCall({ type: 'number', id: '+15551110000' });
    await waitUntil(() => made.driver.call?.params?.notifyResume === call.callId);
    expect(actions(made)).to.deep.equal([['participants', { type: 'number', id: '+15551110000' }]]);
    expect(made.driver.log.find((e) => e.method === 'hangup')?.args[0]).to.equal(leg);
    made.driver.answer(made.driver.call!);
    expect(await added).to.equal(true);
    expect(made.client.activeCall).to.equal(call);
    // In the conference already: another party joins without a new media leg.
    const connects = made.driver.log.filter((e) => e.method === 'connect').length;
    expect(await made.client.addToCall({ type: 'number', id: '+15551110001' })).to.equal(true);
    expect(made.driver.log.filter((e) => e.method === 'connect').length).to.equal(connects);
    made.client.destroy();
  });

  it('destroy() with a held call releases it on the server (its conference ends), once', async () => {
    const made = await onlineClient();
    const { call } = await openCall(made);
    await call.hold();
    made.client.destroy();
    expect(call.status).to.equal(Status.CLOSED);
    await waitUntil(() => actions(made).some(([action]) => action === 'end'));
    expect(actions(made)).to.deep.equal([
      ['hold', { hold: true }],
      ['end', {}],
    ]);
  });

  it('after destroy(), every call-control method reports DESTROYED', async () => {
    const made = await onlineClient();
    made.client.destroy();
    expect(await made.client.transferCall({ type: 'number', id: '+15551110000' })).to.equal(null);
    expect(await made.client.completeTransfer()).to.equal(false);
    expect(await made.client.addToCall({ type: 'number', id: '+15551110000' })).to.equal(false);
    expect(made.errors()).to.deep.equal(['DESTROYED', 'DESTROYED', 'DESTROYED']);
  });
});
