/**
 * A signaling outage mid-call that outlasts the emulator's reconnect grace (emulator/limits.ts
 * RECONNECT_GRACE_MS): the emulator ends the call, the vendor cannot tell the page while its signaling is down,
 * but the backend knows; the page asks it while the call reconnects and ends the call with CALL_LOST while the
 * outage still lasts (issue 10, case 3). After the outage the agent is ONLINE and an incoming call rings it.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { stack } from './helpers.js';
import {
  NOTIFY_EVENTS,
  STD_EVENTS,
  TIMEOUT,
  cleanUp,
  emulator,
  fired,
  inCall,
  onlineAgent,
  ringsThePage,
  story,
} from './fault-helpers.js';

describe('faults: a call whose far end ends it during a signaling outage', function () {
  this.timeout(60000);
  afterEach(cleanUp);

  it('ends on the page with CALL_LOST while the outage lasts; ONLINE and rung after it', async () => {
    const agent = await onlineAgent(stack);
    const { callSid } = await inCall(agent);
    expect(callSid).to.match(/^CA[0-9a-f]{32}$/);

    const refused = await emulator(stack, '/faults/signaling/refuse', {
      identity: agent.identity,
      durationMs: 14000,
    });
    expect(refused.status).to.equal(201);
    await emulator(stack, '/faults/signaling/drop', { identity: agent.identity });
    await waitUntil(() => fired(agent.log, STD_EVENTS.CALL_DISCONNECT).length === 1, 'the dead call stayed', {
      timeout: 20000,
      interval: 50,
    });
    // As soon as knowable: the signaling is still refused, the vendor could not have said it.
    expect((await emulator(stack, `/faults/${refused.body.id}`)).status, 'the outage was over').to.equal(200);
    expect(fired(agent.log, STD_EVENTS.CALL_DISCONNECT)[0]!.args[0]).to.equal(callSid);
    // The far end ended it (the emulator, after its grace), not this page: the page only released it.
    expect(fired(agent.log, STD_EVENTS.CALL_DISCONNECT)[0]!.args[1]).to.include({
      outcome: 'completed',
      endedBy: 'remote',
    });
    expect(agent.client.getStatus()).to.equal('closed');

    await waitUntil(() => agent.client.getDeviceState() === 'online', 'never ONLINE again', {
      timeout: 30000,
      interval: 50,
    });
    await waitUntil(() => fired(agent.log, NOTIFY_EVENTS.RECONNECT).length === 3, 'no reconnected', TIMEOUT);
    const told = story(agent.log);
    const fromDrop = told.slice(told.indexOf('call_start') + 1);
    expect(fromDrop.filter((e) => e.startsWith('error:'))).to.deep.equal([
      'error:CALL_LOST',
      'error:SIGNALING_LOST',
    ]);
    expect(fromDrop.indexOf('reconnect:reconnecting:call')).to.be.lessThan(
      fromDrop.indexOf('error:CALL_LOST'),
    );
    expect(fromDrop.indexOf('error:CALL_LOST')).to.equal(fromDrop.indexOf('call_disconnect') - 1);
    expect(fromDrop.slice(-2)).to.deep.equal(['online', 'reconnect:reconnected']);
    expect(fromDrop).to.not.include('reconnect:reconnected:call');
    await ringsThePage(agent);
  });
});
