/**
 * A half-open signaling socket (issue 10, case 6): the emulator's `stall` fault stops the page's socket both
 * ways while TCP stays open (a sleeping laptop, a NAT mapping gone). The SDK drops a socket on which nothing
 * arrived for 15 s (emulator/limits.ts SDK_HEARTBEAT_TIMEOUT_MS) and opens a new one; the emulator expires the
 * silent one (HALF_OPEN_TIMEOUT_MS), so the dead connection does not stay registered beside the new one and
 * an incoming call goes to the live socket, not the dead one.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { stack } from './helpers.js';
import {
  NOTIFY_EVENTS,
  cleanUp,
  emulator,
  fired,
  onlineAgent,
  registrations,
  ringsThePage,
  story,
} from './fault-helpers.js';

describe('faults: a half-open signaling socket', function () {
  this.timeout(60000);
  afterEach(cleanUp);

  it('is replaced by a new socket; the dead one is not left registered beside it; the page rings', async () => {
    const agent = await onlineAgent(stack);
    // No end: only the half-open expiry (or the SDK's own timeout) ends it.
    const stalled = await emulator(stack, '/faults/signaling/stall', { identity: agent.identity });
    expect(stalled.status).to.equal(201);
    // 15 s of silence on both sides, then the SDK's reconnect: a margin for a loaded machine, not a measure.
    await waitUntil(() => fired(agent.log, NOTIFY_EVENTS.RECONNECT).length === 2, 'never reconnected', {
      timeout: 40000,
      interval: 100,
    });
    expect(story(agent.log)).to.deep.equal([
      'online',
      'reconnect:reconnecting',
      'offline',
      'online',
      'reconnect:reconnected',
    ]);
    // The stalled socket is gone (expired), not registered beside the new one.
    await waitUntil(
      async () => (await emulator(stack, `/faults/${stalled.body.id}`)).status === 404,
      'the stalled socket was never expired',
      { timeout: 20000, interval: 100 },
    );
    expect(await registrations(stack, agent.identity)).to.equal(1);
    await ringsThePage(agent);
    expect(agent.client.getDeviceState()).to.equal('online');
  });
});
