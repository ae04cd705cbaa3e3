/**
 * Media lost for good (issue 10, case 4): every UDP packet of a call black-holed until the SDK gives up its ICE
 * restarts (emulator/limits.ts SDK_ICE_RESTART_MAX_BACKOFF_MS, then the next failed ICE cycle: about 37 s
 * in Chrome). The call ends with one ERROR that names it, MEDIA_LOST, not a bare CALL_DISCONNECT; the
 * registration was never lost, so an incoming call rings the page right after. Its own file: it takes ~45 s.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { stack } from './helpers.js';
import {
  STD_EVENTS,
  cleanUp,
  emulator,
  fired,
  inCall,
  onlineAgent,
  ringsThePage,
  story,
} from './fault-helpers.js';

describe('faults: media lost for good', function () {
  this.timeout(90000);
  afterEach(cleanUp);

  it('ends the call with MEDIA_LOST once the SDK gives up; the page rings after', async () => {
    const agent = await onlineAgent(stack);
    const { callSid } = await inCall(agent);
    const fault = await emulator(stack, '/faults/media/blackhole', {
      callSid,
      scope: 'all',
      durationMs: 70000,
    });
    expect(fault.status).to.equal(201);
    await waitUntil(() => fired(agent.log, STD_EVENTS.CALL_DISCONNECT).length === 1, 'the call never ended', {
      timeout: 60000,
      interval: 100,
    });
    await fetch(`${stack.origin}/emulator/faults/${fault.body.id}`, { method: 'DELETE' });
    const told = story(agent.log);
    const afterStart = told.slice(told.indexOf('call_start') + 1);
    // The no-audio warning may come first (the SDK's low-bytes check) or not (ICE noticed first).
    expect(afterStart.filter((e) => e !== 'call_warning')).to.deep.equal([
      'reconnect:reconnecting:call',
      'error:MEDIA_LOST',
      'call_disconnect',
    ]);
    expect(fired(agent.log, STD_EVENTS.CALL_DISCONNECT)[0]!.args[0]).to.equal(callSid);
    expect(agent.client.getDeviceState()).to.equal('online');
    await ringsThePage(agent);
  });
});
