/**
 * Behaviour suite (issue 15), faults, run unchanged for every vendor (behaviour/vendors.ts): the page's
 * signaling connection is lost mid-call through the stack's own fault control, and the call survives as it
 * does on Twilio: audio flows both ways again, the far end's hang-up still reaches the page, and the page is
 * told the recovery by NOTIFY_EVENTS.RECONNECT (the registration and the call), with no ERROR. During an outage
 * that lasts (reconnects refused), a hang-up on either side still ends the call on both: the phone's as
 * CALL_LOST on the page, the page's at the phone once signaling is back.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { inboundPacketsOf, recordEvents } from '../helpers.js';
import { story as storyOf } from '../fault-helpers.js';
import { VENDORS, reportFailures, until, type VendorAdapter } from './vendors.js';
import { STD_EVENTS, callPhone, count, errorCodes, newAgent } from './agents.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NOTIFY_EVENTS, Status } from '/dist/notify-phone.js';

/** The phone slot of this file: a number no other file calls (a fresh one on Twilio, its own baresip on SIP). */
const PHONE_SLOT = 3;

/**
 * A new agent in a call with this file's phone, with ServiceNow's events and the recovery events recorded
 * (`log`, read as a story: `reconnect:reconnecting:call`, …). Here, not in fault-helpers.ts: it needs the vendor
 * adapters (vendors.ts), which start the SIP stack for any file that imports them.
 */
async function inCall(vendor: VendorAdapter) {
  const agent = await newAgent(vendor);
  const log = recordEvents(agent.client, { ...STD_EVENTS, RECONNECT: NOTIFY_EVENTS.RECONNECT });
  const call = await callPhone(vendor, agent, PHONE_SLOT);
  return { agent, log, call };
}

/**
 * inCall(), then an outage of the page's signaling that lasts until `endOutage()`; resolves once the call is
 * reconnecting (and ends the outage if it never does).
 */
async function inOutage(vendor: VendorAdapter) {
  const { agent, log, call } = await inCall(vendor);
  const identity = agent.client.getSession()!.identity as string;
  const endOutage = await vendor.signalingOutage(identity, call.callId);
  try {
    await until(() => storyOf(log).includes('reconnect:reconnecting:call'), 'the call never reconnecting');
  } catch (error) {
    await endOutage();
    throw error;
  }
  return { agent, log, call, endOutage };
}

for (const vendor of VENDORS) {
  describe(`behaviour (${vendor.name}): faults`, function () {
    this.timeout(60000);
    before(function () {
      if (vendor.skip) this.skip();
    });
    reportFailures(vendor);

    it("signaling loss mid-call: the call survives, audio flows again, the phone's hang-up ends it on the page, the events in order", async () => {
      const { agent, log, call } = await inCall(vendor);
      await until(async () => (await call.far.received(call.callId)) > 0, 'the phone never got the page');

      await vendor.loseSignaling(call.callId);
      await until(
        () => storyOf(log).includes('reconnect:reconnected:call'),
        'the call was never reconnected',
      );
      await until(() => agent.client.getDeviceState() === 'online', 'never ONLINE again');

      // Audio flows both ways after the recovery: the phone gets the page, the page gets the phone.
      const toPhone = await call.far.received(call.callId);
      const toPage = await inboundPacketsOf(call.pc);
      await until(
        async () => (await call.far.received(call.callId)) > toPhone + 25,
        'the phone got nothing more from the page after the recovery',
      );
      await until(
        async () => (await inboundPacketsOf(call.pc)) > toPage + 25,
        'the page got nothing more from the phone after the recovery',
      );
      expect(agent.client.getStatus()).to.equal(Status.OPEN);
      expect(await call.far.ended()).to.equal(false);

      // In-dialog requests reach the page again: the phone's hang-up ends the call there.
      await call.far.hangup();
      await until(
        () => count(agent.log, STD_EVENTS.CALL_DISCONNECT) === 1,
        "the phone's hang-up never arrived",
      );
      expect(agent.client.getStatus()).to.equal(Status.CLOSED);

      // Told as it happened, with nothing as an ERROR: the call and the registration reconnecting (the
      // registration going OFFLINE meanwhile), then both back, then the end.
      const told = storyOf(log);
      const fromLoss = told.slice(told.indexOf(STD_EVENTS.CALL_START) + 1);
      expect([...fromLoss].sort()).to.deep.equal(
        [
          'reconnect:reconnecting:call',
          'reconnect:reconnecting',
          STD_EVENTS.OFFLINE,
          STD_EVENTS.ONLINE,
          'reconnect:reconnected',
          'reconnect:reconnected:call',
          STD_EVENTS.CALL_DISCONNECT,
        ].sort(),
      );
      const at = (entry: string) => fromLoss.indexOf(entry);
      expect(at('reconnect:reconnecting:call')).to.be.lessThan(at('reconnect:reconnected:call'));
      expect(at('reconnect:reconnecting')).to.be.lessThan(at('reconnect:reconnected'));
      expect(at(STD_EVENTS.OFFLINE)).to.be.lessThan(at(STD_EVENTS.ONLINE));
      expect(fromLoss.at(-1)).to.equal(STD_EVENTS.CALL_DISCONNECT);
      const callIds = log
        .filter((e) => e.event === NOTIFY_EVENTS.RECONNECT && e.args[1])
        .map((e) => e.args[1]);
      expect(callIds).to.deep.equal([call.callId, call.callId]);
      expect(errorCodes(agent)).to.deep.equal([]);
      await vendor.destroy([agent.client]);
    });

    it('the phone hangs up during a signaling outage: CALL_LOST, the call ends on the page, ONLINE after it', async () => {
      const { agent, log, call, endOutage } = await inOutage(vendor);
      try {
        // The far end hangs up while the page cannot be reached: its BYE has nowhere to go.
        await call.far.hangup();
        await until(() => call.far.ended(), 'the phone never ended the call');
      } finally {
        await endOutage();
      }
      // The page learns it at the latest once its signaling is back (SIP: the dialog's refresh is refused,
      // 481; Twilio: the backend heard the call end): CALL_LOST, then the end.
      await until(
        () => count(agent.log, STD_EVENTS.CALL_DISCONNECT) === 1,
        'the dead call stayed on the page',
      );
      expect(agent.client.getStatus()).to.equal(Status.CLOSED);
      await waitUntil(() => agent.client.getDeviceState() === 'online', 'never ONLINE again', {
        timeout: 30000,
        interval: 50,
      });
      const told = storyOf(log);
      const fromLoss = told.slice(told.indexOf(STD_EVENTS.CALL_START) + 1);
      // SIGNALING_LOST too when the reconnect backoff outlasts the grace (docs/decisions.md §21).
      expect(fromLoss.filter((e) => e.startsWith('error:') && e !== 'error:SIGNALING_LOST')).to.deep.equal([
        'error:CALL_LOST',
      ]);
      expect(fromLoss.indexOf('reconnect:reconnecting:call')).to.be.lessThan(
        fromLoss.indexOf('error:CALL_LOST'),
      );
      expect(fromLoss.indexOf('error:CALL_LOST')).to.equal(fromLoss.indexOf(STD_EVENTS.CALL_DISCONNECT) - 1);
      expect(fromLoss).to.not.include('reconnect:reconnected:call');
      await vendor.destroy([agent.client]);
    });

    it('the page hangs up during a signaling outage: the call ends there at once, and at the phone after it', async () => {
      const { agent, log, call, endOutage } = await inOutage(vendor);
      try {
        agent.client.hangupCall();
        await until(
          () => count(agent.log, STD_EVENTS.CALL_DISCONNECT) === 1,
          'the hang-up waited for the outage',
        );
        expect(agent.client.getStatus()).to.equal(Status.CLOSED);
      } finally {
        await endOutage();
      }
      // The far end is not left talking to nobody (SIP: the BYE goes out over the new connection).
      await until(() => call.far.ended(), "the phone's call never ended");
      await waitUntil(() => agent.client.getDeviceState() === 'online', 'never ONLINE again', {
        timeout: 30000,
        interval: 50,
      });
      const told = storyOf(log);
      const fromLoss = told.slice(told.indexOf(STD_EVENTS.CALL_START) + 1);
      expect(fromLoss.filter((e) => e.startsWith('error:') && e !== 'error:SIGNALING_LOST')).to.deep.equal(
        [],
      );
      expect(fromLoss.filter((e) => e === STD_EVENTS.CALL_DISCONNECT)).to.have.length(1);
      expect(fromLoss).to.not.include('reconnect:reconnected:call');
      await vendor.destroy([agent.client]);
    });
  });
}
