/**
 * Behaviour suite (issue 15), transfers and call waiting, run unchanged for every vendor (behaviour/vendors.ts):
 * forward (blind transfer) to a number and to an agent, a muted call that stays muted when moved, call waiting
 * beside a held call with hold and resume, and a warm transfer to a number. Twilio moves the parties on the server (REST, conferences); SIP transfers in
 * the signaling path (REFER, REFER with Replaces) after the backend named the target. Each case reads the far
 * phones' side (answered, still talking, ended) and the page's events in order. Phone slots 4 and 5 are this
 * file's only.
 */
import { expect } from '@open-wc/testing';
import { VENDORS, reportFailures, until } from './vendors.js';
import {
  STD_EVENTS,
  callPhone,
  count,
  errorCodes,
  fired,
  newAgent,
  sentAudioLevel,
  type Agent,
} from './agents.js';
import { peerConnections } from '../helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { Status } from '/dist/notify-phone.js';

/** Audio packets a peer connection has sent (muted or not: a disabled track sends silence). */
async function sentPackets(pc: RTCPeerConnection): Promise<number> {
  let packets = 0;
  (await pc.getStats()).forEach((report: { type: string; kind?: string; packetsSent?: number }) => {
    if (report.type === 'outbound-rtp' && report.kind === 'audio') packets += report.packetsSent ?? 0;
  });
  return packets;
}

/** The page's call events in order (registration events left out). */
const callEvents = (agent: Agent) =>
  agent.log
    .map((entry) => entry.event)
    .filter((event) => event !== STD_EVENTS.ONLINE && event !== STD_EVENTS.OFFLINE && event !== 'ready');

for (const vendor of VENDORS) {
  describe(`behaviour (${vendor.name}): transfers and call waiting`, function () {
    this.timeout(90000);
    const agents: Agent[] = [];
    before(function () {
      if (vendor.skip) this.skip();
    });
    reportFailures(vendor);
    afterEach(async () => {
      await vendor.destroy(agents.splice(0).map((agent) => agent.client));
    });
    const online = async (config?: Record<string, unknown>) => {
      const agent = await newAgent(vendor, { config });
      agents.push(agent);
      return agent;
    };
    /** Two agents online, one in an answered call with the other. */
    const withColleague = async () => {
      const agent = await online();
      const colleague = await online();
      agent.client.call({ userId: colleague.user.sys_id });
      await until(() => count(colleague.log, STD_EVENTS.INCOMING_CALL) === 1, 'the colleague never rang');
      colleague.client.pickupCall();
      await until(() => count(agent.log, STD_EVENTS.CALL_START) === 1, 'the call never started');
      return { agent, colleague };
    };

    it('forwards a call to a number: the phone is handed to the number, which answers; the page leaves', async () => {
      const agent = await online();
      const call = await callPhone(vendor, agent, 4);
      const target = vendor.phoneNumber(5);
      const far = await vendor.watch(target, agent.backendUrl);
      agent.client.forwardCall({ type: 'number', id: target });
      await until(() => count(agent.log, STD_EVENTS.CALL_DISCONNECT) === 1, 'the page never left the call');
      await until(() => far.answered(), 'the number never answered the forwarded call');
      await until(() => call.far.talking(), 'the forwarded phone is not on a call');
      await until(() => far.talking(), 'the number is not on a call');
      expect(agent.client.calls).to.deep.equal([]);
      expect(callEvents(agent)).to.deep.equal([
        STD_EVENTS.CALL_INIT,
        STD_EVENTS.CALL_START,
        STD_EVENTS.CALL_DISCONNECT,
      ]);
      await far.hangup();
      await until(() => call.far.ended(), 'the forwarded phone never saw its call end');
    });

    it('forwards a call to an agent: the colleague rings, picks up and talks with the phone', async () => {
      const agent = await online();
      const colleague = await online();
      const call = await callPhone(vendor, agent, 4);
      agent.client.forwardCall({ type: 'userId', id: colleague.user.sys_id });
      await until(() => count(agent.log, STD_EVENTS.CALL_DISCONNECT) === 1, 'the page never left the call');
      await until(() => count(colleague.log, STD_EVENTS.INCOMING_CALL) === 1, 'the colleague never rang');
      colleague.client.pickupCall();
      await until(() => count(colleague.log, STD_EVENTS.CALL_START) === 1, 'the colleague never talked');
      await until(() => call.far.talking(), 'the phone is not on a call with the colleague');
      expect(callEvents(agent)).to.deep.equal([
        STD_EVENTS.CALL_INIT,
        STD_EVENTS.CALL_START,
        STD_EVENTS.CALL_DISCONNECT,
      ]);
      expect(callEvents(colleague)).to.deep.equal([
        STD_EVENTS.INCOMING_CALL,
        STD_EVENTS.CALL_INIT,
        STD_EVENTS.CALL_START,
      ]);
      expect([...errorCodes(agent), ...errorCodes(colleague)]).to.deep.equal([]);
      colleague.client.hangupCall();
      await until(() => call.far.ended(), 'the phone never saw the call end');
    });

    it("forwards a call with a colleague to a number: the colleague's call goes on with the number", async () => {
      const { agent, colleague } = await withColleague();
      const target = vendor.phoneNumber(5);
      const far = await vendor.watch(target, agent.backendUrl);
      agent.client.forwardCall({ type: 'number', id: target });
      await until(() => count(agent.log, STD_EVENTS.CALL_DISCONNECT) === 1, 'the page never left the call');
      await until(() => far.answered(), 'the number never answered the forwarded colleague');
      expect(colleague.client.calls).to.have.length(1);
      expect(colleague.client.getStatus()).to.equal(Status.OPEN);
      await far.hangup();
      await until(
        () => count(colleague.log, STD_EVENTS.CALL_DISCONNECT) === 1,
        "the colleague's call never ended with the number's",
      );
      expect(callEvents(colleague)).to.deep.equal([
        STD_EVENTS.INCOMING_CALL,
        STD_EVENTS.CALL_INIT,
        STD_EVENTS.CALL_START,
        STD_EVENTS.CALL_DISCONNECT,
      ]);
      expect([...errorCodes(agent), ...errorCodes(colleague)]).to.deep.equal([]);
    });

    it("a muted colleague's call forwarded to a number stays muted with the number, until unmuted", async () => {
      const { agent, colleague } = await withColleague();
      colleague.client.mute(true);
      const target = vendor.phoneNumber(5);
      const far = await vendor.watch(target, agent.backendUrl);
      agent.client.forwardCall({ type: 'number', id: target });
      await until(() => far.answered(), 'the number never answered the forwarded colleague');
      // The colleague's media leg now: on SIP the new dialog's (a REFER followed), on Twilio the same one.
      const pc = peerConnections.at(-1)!;
      await until(async () => (await sentPackets(pc)) > 50, 'the colleague sends nothing to the number');
      expect(colleague.client.isMuted()).to.equal(true);
      expect(await sentAudioLevel(pc), 'muted, yet the number is sent sound').to.equal(0);
      colleague.client.mute(false);
      await until(async () => (await sentAudioLevel(pc)) > 0, 'unmuted, yet no sound');
      await far.hangup();
      await until(
        () => count(colleague.log, STD_EVENTS.CALL_DISCONNECT) === 1,
        "the colleague's call never ended",
      );
      expect([...errorCodes(agent), ...errorCodes(colleague)]).to.deep.equal([]);
    });

    it('rings a second call beside a held call: answered, held, the first resumed, each its own state', async () => {
      const agent = await online({ callWaiting: 'ring' });
      const first = await callPhone(vendor, agent, 4);
      const firstCall = agent.client.activeCall;
      expect(await firstCall.hold()).to.equal(true);
      expect(firstCall.held).to.equal(true);

      const caller = vendor.phoneNumber(5);
      const second = await vendor.watch(caller, agent.backendUrl);
      await vendor.dialIn(caller, vendor.number);
      await until(() => count(agent.log, STD_EVENTS.INCOMING_CALL) === 1, 'the waiting call never rang');
      const waiting = agent.client.calls.find((c: { direction: string }) => c.direction === 'incoming');
      expect(waiting.status).to.equal(Status.PENDING);
      expect(firstCall.held).to.equal(true);

      agent.client.pickupCall();
      await until(() => waiting.status === Status.OPEN, 'the waiting call was never answered');
      await until(() => second.answered(), 'the caller never saw the answer');
      expect(agent.client.activeCall).to.equal(waiting);
      expect(firstCall.held).to.equal(true);
      expect(await first.far.talking()).to.equal(true);

      expect(await waiting.hold()).to.equal(true);
      expect(await firstCall.resume()).to.equal(true);
      expect([firstCall.held, waiting.held]).to.deep.equal([false, true]);
      expect(agent.client.activeCall).to.equal(firstCall);
      expect(await second.talking()).to.equal(true);

      waiting.hangup();
      await until(() => second.ended(), 'the waiting caller never saw its call end');
      expect(firstCall.status).to.equal(Status.OPEN);
      agent.client.hangupCall();
      await until(() => first.far.ended(), 'the first phone never saw its call end');
      expect(callEvents(agent)).to.deep.equal([
        STD_EVENTS.CALL_INIT,
        STD_EVENTS.CALL_START,
        STD_EVENTS.INCOMING_CALL,
        STD_EVENTS.CALL_INIT,
        STD_EVENTS.CALL_START,
        STD_EVENTS.CALL_DISCONNECT,
        STD_EVENTS.CALL_DISCONNECT,
      ]);
      expect(errorCodes(agent)).to.deep.equal([]);
    });

    it('warm-transfers a call to a number: consultation first, then the phone and the number talk', async () => {
      const agent = await online();
      const customer = await callPhone(vendor, agent, 4);
      const held = agent.client.activeCall;
      const target = vendor.phoneNumber(5);
      const consulted = await vendor.watch(target, agent.backendUrl);
      const consult = await agent.client.transferCall({ type: 'number', id: target });
      expect(consult.consultFor).to.equal(held);
      expect(held.held).to.equal(true);
      await until(() => consult.status === Status.OPEN, 'the consultation never opened');
      await until(() => consulted.answered(), 'the number never answered the consultation');

      expect([await agent.client.completeTransfer(), errorCodes(agent)]).to.deep.equal([true, []]);
      expect(agent.client.calls).to.deep.equal([]);
      expect([held.status, consult.status]).to.deep.equal([Status.CLOSED, Status.CLOSED]);
      await until(() => customer.far.talking(), 'the customer is not on a call');
      await until(() => consulted.talking(), 'the number is not on a call');
      expect(fired(agent.log, STD_EVENTS.CALL_DISCONNECT)).to.have.length(2);
      await consulted.hangup();
      await until(() => customer.far.ended(), 'the customer never saw the call end');
    });
  });
}
