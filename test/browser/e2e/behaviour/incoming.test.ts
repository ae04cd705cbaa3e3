/**
 * Behaviour suite (issue 15), incoming calls to the Notify number, run unchanged for every vendor
 * (behaviour/vendors.ts): the backend rings every available agent, the first to answer wins and the other
 * gets CALL_CANCEL; an unavailable agent is not rung.
 */
import { expect } from '@open-wc/testing';
import { pageHears, peerConnections } from '../helpers.js';
import { VENDORS, reportFailures, until } from './vendors.js';
import { STD_EVENTS, count, errorCodes, fired, newAgent, type Agent } from './agents.js';

for (const vendor of VENDORS) {
  describe(`behaviour (${vendor.name}): incoming calls to the Notify number`, function () {
    this.timeout(60000);
    const agents: Agent[] = [];
    const online = async () => {
      const agent = await newAgent(vendor);
      agents.push(agent);
      return agent;
    };
    before(function () {
      if (vendor.skip) this.skip();
    });
    reportFailures(vendor);
    afterEach(async () => {
      await vendor.destroy(agents.splice(0).map((agent) => agent.client));
    });

    it('rings both agents with the caller; the first to answer wins and hears the phone, the other gets CALL_CANCEL', async () => {
      const first = await online();
      const second = await online();
      const caller = vendor.phoneNumber(0);
      const far = await vendor.watch(caller);
      await vendor.dialIn(caller, vendor.number);
      for (const { log } of [first, second]) {
        await until(() => count(log, STD_EVENTS.INCOMING_CALL) === 1, 'an agent never rang');
        const [from, to] = fired(log, STD_EVENTS.INCOMING_CALL)[0]!.args;
        expect([from, to]).to.deep.equal([caller, vendor.number]);
      }
      expect(count(first.log, STD_EVENTS.CALL_START) + count(second.log, STD_EVENTS.CALL_START)).to.equal(0);

      second.client.pickupCall();
      await until(() => count(second.log, STD_EVENTS.CALL_START) === 1, 'the winner never started');
      await until(
        () => count(first.log, STD_EVENTS.CALL_CANCEL) === 1,
        'the other agent never got CALL_CANCEL',
      );
      expect(count(first.log, STD_EVENTS.CALL_START)).to.equal(0);
      await until(
        () => pageHears(vendor.phoneToneHz, peerConnections.at(-1)),
        'the winner never heard the phone',
      );

      await far.hangup();
      await until(() => count(second.log, STD_EVENTS.CALL_DISCONNECT) === 1, 'no CALL_DISCONNECT');
      for (const agent of [first, second]) expect(errorCodes(agent)).to.deep.equal([]);
    });

    it('setClientAvailable(false): that agent is not rung, the available one is; back with (true)', async () => {
      const a = await online();
      const b = await online();
      const availableToA = () =>
        new Promise<Array<{ sys_id: string }>>((resolve) => a.client.getAvailableClients(resolve));
      b.client.setClientAvailable(false);
      await until(
        async () => !(await availableToA()).some((c) => c.sys_id === b.user.sys_id),
        'B never left the available clients',
      );

      const caller = vendor.phoneNumber(1);
      const far = await vendor.watch(caller);
      await vendor.dialIn(caller, vendor.number);
      await until(() => count(a.log, STD_EVENTS.INCOMING_CALL) === 1, 'A never rang');
      a.client.pickupCall();
      await until(() => count(a.log, STD_EVENTS.CALL_START) === 1, 'A never started');
      await far.hangup();
      await until(() => count(a.log, STD_EVENTS.CALL_DISCONNECT) === 1, 'no CALL_DISCONNECT');
      // Settled, not slept on: had B been rung it would have rung before A answered and been cancelled since.
      expect(count(b.log, STD_EVENTS.INCOMING_CALL)).to.equal(0);
      expect(count(b.log, STD_EVENTS.CALL_CANCEL)).to.equal(0);

      b.client.setClientAvailable(true);
      await until(
        async () => (await availableToA()).some((c) => c.sys_id === b.user.sys_id),
        'B never came back',
      );
      for (const agent of [a, b]) expect(errorCodes(agent)).to.deep.equal([]);
    });
  });
}
