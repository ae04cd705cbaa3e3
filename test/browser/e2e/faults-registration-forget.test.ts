/**
 * A registration the vendor forgot while the socket stays open (the emulator's `forget` fault; Twilio's SDK
 * issues #444 and #299: a tab that shows registered and never rings). Nothing reaches the page, so it cannot
 * be detected there; it is repaired by the Device's own periodic register (emulator/limits.ts
 * SDK_REGISTRATION_INTERVAL_MS, 30 s), which bounds the time an agent is unreachable (docs/decisions.md §21).
 */
import { expect, waitUntil } from '@open-wc/testing';
import { stack } from './helpers.js';
import {
  STD_EVENTS,
  cleanUp,
  emulator,
  fired,
  onlineAgent,
  registrations,
  ringsThePage,
} from './fault-helpers.js';

describe('faults: a forgotten registration', function () {
  this.timeout(60000);
  afterEach(cleanUp);

  it('is registered again within the SDK register interval; the page rings after, no events meanwhile', async () => {
    const agent = await onlineAgent(stack);
    const events = agent.log.length;
    const forgotten = await emulator(stack, '/faults/registration/forget', { identity: agent.identity });
    expect(forgotten.body).to.deep.equal({ forgotten: 1 });
    expect(await registrations(stack, agent.identity)).to.equal(0);
    // 30 s interval + a margin for a loaded machine; not a measure.
    await waitUntil(
      async () => (await registrations(stack, agent.identity)) === 1,
      'never registered again',
      {
        timeout: 40000,
        interval: 250,
      },
    );
    expect(agent.log.slice(events)).to.deep.equal([]);
    expect(agent.client.getDeviceState()).to.equal('online');
    await ringsThePage(agent);
    expect(fired(agent.log, STD_EVENTS.ERROR)).to.deep.equal([]);
  });
});
