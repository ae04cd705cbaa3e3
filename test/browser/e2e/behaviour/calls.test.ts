/**
 * Behaviour suite (issue 15), outgoing calls, run unchanged for every vendor (behaviour/vendors.ts):
 * register/ONLINE, audio both ways and DTMF heard in order, hang-up from either side, mute, hold and resume.
 */
import { expect } from '@open-wc/testing';
import { inboundPacketsOf, pageHears, peerConnections } from '../helpers.js';
import { VENDORS, reportFailures, until } from './vendors.js';
import {
  STD_EVENTS,
  callPhone,
  count,
  errorCodes,
  fired,
  hangUp,
  newAgent,
  sentAudioLevel,
} from './agents.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { Status } from '/dist/notify-phone.js';

for (const vendor of VENDORS) {
  describe(`behaviour (${vendor.name}): outgoing calls`, function () {
    this.timeout(60000);
    before(function () {
      if (vendor.skip) this.skip();
    });
    reportFailures(vendor);

    it('registers on the Notify number: the vendor is chosen by the caller ID, ONLINE', async () => {
      const agent = await newAgent(vendor);
      expect(agent.notifyConfig.vendor).to.equal(vendor.vendor);
      expect(agent.client.getDeviceState()).to.equal('online');
      expect(count(agent.log, STD_EVENTS.ONLINE)).to.equal(1);
      expect(errorCodes(agent)).to.deep.equal([]);
      await vendor.destroy([agent.client]);
      await until(() => count(agent.log, STD_EVENTS.OFFLINE) === 1, 'no OFFLINE after destroy()');
    });

    it('calls a phone: audio both ways, DTMF 1234# then *0# heard in order, the page hangs up', async () => {
      const agent = await newAgent(vendor);
      const call = await callPhone(vendor, agent);
      expect(agent.client.getStatus()).to.equal(Status.OPEN);
      await until(async () => (await inboundPacketsOf(call.pc)) > 50, 'the page received no RTP');
      await until(() => pageHears(vendor.phoneToneHz, call.pc), 'the page never heard the phone');
      await until(() => call.far.heardPage(call.pc), 'the phone never heard the page');

      agent.client.sendDtmf('1234#');
      await until(
        async () => (await call.far.digits(call.callId)) === '1234#',
        'the phone never heard 1234#',
      );
      agent.client.sendDtmf('*0#');
      await until(
        async () => (await call.far.digits(call.callId)) === '1234#*0#',
        'the phone never heard *0# after 1234#',
      );

      await hangUp(agent, call);
      expect(agent.client.getStatus()).to.equal(Status.CLOSED);
      expect(errorCodes(agent)).to.deep.equal([]);
      await vendor.destroy([agent.client]);
    });

    it('the phone hangs up: CALL_DISCONNECT, the client stays ONLINE and calls again', async () => {
      const agent = await newAgent(vendor);
      const first = await callPhone(vendor, agent);
      await first.far.hangup();
      await until(() => count(agent.log, STD_EVENTS.CALL_DISCONNECT) === 1, 'no CALL_DISCONNECT');
      expect(agent.client.getStatus()).to.equal(Status.CLOSED);
      expect(count(agent.log, STD_EVENTS.OFFLINE)).to.equal(0);

      const second = await callPhone(vendor, agent, 1);
      await until(async () => (await inboundPacketsOf(second.pc)) > 0, 'the next call has no RTP');
      await hangUp(agent, second);
      expect(errorCodes(agent)).to.deep.equal([]);
      await vendor.destroy([agent.client]);
    });

    it('mute stops the microphone on the wire (CALL_MUTE), unmute brings it back (CALL_UNMUTE)', async () => {
      const agent = await newAgent(vendor);
      const call = await callPhone(vendor, agent);
      await until(async () => (await sentAudioLevel(call.pc)) > 0, 'the page sent no sound');
      agent.client.mute(true);
      expect(agent.client.isMuted()).to.equal(true);
      expect(fired(agent.log, STD_EVENTS.CALL_MUTE)).to.have.length(1);
      await until(async () => (await sentAudioLevel(call.pc)) === 0, 'muted, yet sound was sent');
      agent.client.mute(false);
      expect(agent.client.isMuted()).to.equal(false);
      expect(fired(agent.log, STD_EVENTS.CALL_UNMUTE)).to.have.length(1);
      await until(async () => (await sentAudioLevel(call.pc)) > 0, 'unmuted, yet no sound');
      await hangUp(agent, call);
      expect(errorCodes(agent)).to.deep.equal([]);
      await vendor.destroy([agent.client]);
    });

    it('hold and resume: the call stays OPEN and the phone on the line while held; after resume audio flows again', async () => {
      const agent = await newAgent(vendor);
      const call = await callPhone(vendor, agent);
      await until(() => pageHears(vendor.phoneToneHz, call.pc), 'the page never heard the phone');
      const notifyCall = agent.client.activeCall!;
      expect(await notifyCall.hold()).to.equal(true);
      expect(notifyCall.held).to.equal(true);
      expect(notifyCall.status).to.equal(Status.OPEN);
      expect(agent.client.activeCall).to.equal(null);
      expect(await call.far.ended()).to.equal(false);

      expect(await notifyCall.resume()).to.equal(true);
      expect(notifyCall.held).to.equal(false);
      expect(agent.client.activeCall).to.equal(notifyCall);
      // A vendor may resume on a new media leg: read the page's newest connection.
      const pc = peerConnections.at(-1)!;
      const packets = await inboundPacketsOf(pc);
      await until(async () => (await inboundPacketsOf(pc)) > packets + 25, 'no audio after resume');
      await until(() => pageHears(vendor.phoneToneHz, pc), 'the page never heard the phone again');
      // Hold and resume are no ServiceNow events: the call neither ended nor restarted.
      expect(count(agent.log, STD_EVENTS.CALL_START)).to.equal(1);
      expect(count(agent.log, STD_EVENTS.CALL_DISCONNECT)).to.equal(0);
      await hangUp(agent, call);
      expect(errorCodes(agent)).to.deep.equal([]);
      await vendor.destroy([agent.client]);
    });
  });
}
