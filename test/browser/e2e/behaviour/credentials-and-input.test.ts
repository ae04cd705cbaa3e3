/**
 * Behaviour suite (issue 15), run unchanged for every vendor (behaviour/vendors.ts): short-lived tokens or
 * credentials renewed under forceRefreshToken, and bad input (numbers, digits, wrong state, after destroy)
 * answered with its coded error, the client left as it was and still able to call.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { inboundPacketsOf } from '../helpers.js';
import { VENDORS, reportFailures, until } from './vendors.js';
import { STD_EVENTS, callPhone, count, errorCodes, hangUp, newAgent, type Agent } from './agents.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { Status } from '/dist/notify-phone.js';

/**
 * `act` produces exactly one ERROR with `code`, synchronously or after the client's next backend round trip
 * (getAvailableClients, issued after anything `act` sent), and nothing else; getStatus() is unchanged.
 */
async function expectCodedError(agent: Agent, code: string, act: () => unknown, what: string): Promise<void> {
  const status = agent.client.getStatus();
  const before = agent.log.length;
  await act();
  await until(() => agent.log.length > before, `${what}: no ERROR`);
  if (agent.client.getDeviceState() !== 'destroyed') await agent.client.getAvailableClients();
  const added = agent.log.slice(before).map((entry) => [entry.event, entry.args[1]]);
  expect(added, `${what}: exactly one ERROR ${code}`).to.deep.equal([[STD_EVENTS.ERROR, code]]);
  expect(agent.log[before]!.args[0], `${what}: a message`).to.be.a('string').with.length.greaterThan(0);
  expect(agent.client.getStatus(), `${what}: status unchanged`).to.equal(status);
}

for (const vendor of VENDORS) {
  describe(`behaviour (${vendor.name}): credentials and bad input`, function () {
    this.timeout(60000);
    before(function () {
      if (vendor.skip) this.skip();
    });
    reportFailures(vendor);

    it('renews 5-second credentials: past the first expiry it is ONLINE and calls', async () => {
      const agent = await newAgent(vendor, { backendUrl: vendor.shortTokensBackendUrl });
      const first = Date.now();
      // Past the first token's expiry (5 s): an ordering on the clock, not a speed measure.
      await waitUntil(() => Date.now() > first + 6500, 'the clock stood still', {
        timeout: 10000,
        interval: 250,
      });
      expect(agent.client.getDeviceState()).to.equal('online');
      expect(count(agent.log, STD_EVENTS.OFFLINE)).to.equal(0);
      // The vendor accepts the call only with renewed credentials (an expired one is refused).
      const call = await callPhone(vendor, agent);
      await until(async () => (await inboundPacketsOf(call.pc)) > 0, 'the page received no RTP');
      await hangUp(agent, call);
      expect(errorCodes(agent)).to.deep.equal([]);
      await vendor.destroy([agent.client]);
    });

    it('bad numbers and digits, every method in the wrong state and after destroy(): coded errors, then it still calls', async () => {
      const idle = await newAgent(vendor, { online: false });
      await expectCodedError(
        idle,
        'NOT_INITIALIZED',
        () => idle.client.call({ phoneNumber: vendor.phoneNumber(0) }),
        'call() before init()',
      );

      const a = await newAgent(vendor);
      for (const bad of ['5551234', '+0123456', '+1 555 123 4567', 'tel:+15551234567'])
        await expectCodedError(
          a,
          'INVALID_NUMBER',
          () => a.client.call({ phoneNumber: bad }),
          `call("${bad}")`,
        );
      await expectCodedError(a, 'INVALID_ARGUMENT', () => a.client.call({ phoneNumber: '' }), 'call("")');
      for (const [name, act] of [
        ['pickupCall', () => a.client.pickupCall()],
        ['hangupCall', () => a.client.hangupCall()],
        ['sendDtmf', () => a.client.sendDtmf('1')],
        ['mute', () => a.client.mute(true)],
        ['init', () => a.client.init()],
      ] as const)
        await expectCodedError(a, 'INVALID_STATE', act, `${name}() without a call`);

      const call = await callPhone(vendor, a);
      for (const bad of ['12F', 'x', '', '1 2', ...vendor.unsendableDtmf])
        await expectCodedError(a, 'INVALID_DTMF', () => a.client.sendDtmf(bad), `sendDtmf("${bad}")`);
      await expectCodedError(
        a,
        'INVALID_STATE',
        () => a.client.call({ phoneNumber: vendor.phoneNumber(1) }),
        'a second call() in a call',
      );
      await expectCodedError(
        a,
        'INVALID_STATE',
        () => a.client.pickupCall(),
        'pickupCall() in an outgoing call',
      );
      expect(a.client.getStatus()).to.equal(Status.OPEN);
      // Nothing refused went out: the phone hears the valid digits that follow, and only them.
      a.client.sendDtmf('5#');
      await until(async () => (await call.far.digits(call.callId)) === '5#', 'the phone never heard just 5#');
      await hangUp(a, call);
      const again = await callPhone(vendor, a);
      await hangUp(a, again);

      const gone = await newAgent(vendor);
      await vendor.destroy([gone.client]);
      await until(() => count(gone.log, STD_EVENTS.OFFLINE) === 1, 'no OFFLINE after destroy()');
      for (const [name, act] of [
        ['init', () => gone.client.init()],
        ['call', () => gone.client.call({ phoneNumber: vendor.phoneNumber(0) })],
        ['pickupCall', () => gone.client.pickupCall()],
        ['hangupCall', () => gone.client.hangupCall()],
        ['sendDtmf', () => gone.client.sendDtmf('1')],
        ['mute', () => gone.client.mute(true)],
        ['setCallerId', () => gone.client.setCallerId(vendor.number)],
        ['setClientAvailable', () => gone.client.setClientAvailable(true)],
        ['destroy', () => gone.client.destroy()],
      ] as const)
        await expectCodedError(gone, 'DESTROYED', act, `${name}() after destroy()`);
      await vendor.destroy([idle.client, a.client]);
    });
  });
}
