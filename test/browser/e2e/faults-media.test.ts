/**
 * Media faults through the real SDK, WebRTC and the emulator's media black-hole (emulator/routes/faults.ts):
 * RTP stops while STUN still passes (the connection looks up, nothing arrives): the page is warned
 * (NOTIFY_EVENTS.CALL_WARNING `no-audio`) while it lasts and the warning clears after; all UDP lost: the
 * call reconnects (NOTIFY_EVENTS.RECONNECT with its CallSid) and its audio flows again both ways. Neither
 * is an ERROR: both recovered. An incoming call after each rings the page (issue 10, case 4).
 */
import { expect, waitUntil } from '@open-wc/testing';
import { stack } from './helpers.js';
import {
  NOTIFY_EVENTS,
  STD_EVENTS,
  TIMEOUT,
  audioFlowsAgain,
  cleanUp,
  emulator,
  fired,
  inCall,
  onlineAgent,
  ringsThePage,
} from './fault-helpers.js';

describe('faults: media', function () {
  this.timeout(60000);
  afterEach(cleanUp);

  it('RTP black-holed, STUN passing: a no-audio warning while it lasts, cleared after; audio again, no ERROR', async () => {
    const agent = await onlineAgent(stack);
    const { callSid, number } = await inCall(agent);
    const fault = await emulator(stack, '/faults/media/blackhole', {
      callSid,
      scope: 'rtp',
      durationMs: 9000,
    });
    expect(fault.status).to.equal(201);
    const warnings = () => fired(agent.log, NOTIFY_EVENTS.CALL_WARNING).map((e) => e.args);
    await waitUntil(() => warnings().length === 1, 'no no-audio warning', TIMEOUT);
    expect(warnings()[0]).to.deep.equal(['no-audio', true, callSid]);
    // Raised while the fault lasts: the page could tell the agent while it mattered.
    expect((await emulator(stack, `/faults/${fault.body.id}`)).status).to.equal(200);
    await waitUntil(() => warnings().length === 2, 'the warning never cleared', TIMEOUT);
    expect(warnings()[1]).to.deep.equal(['no-audio', false, callSid]);
    await audioFlowsAgain(agent, number);
    expect(fired(agent.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    expect(agent.client.getStatus()).to.equal('open');
    agent.client.hangupCall();
    await waitUntil(
      () => fired(agent.log, STD_EVENTS.CALL_DISCONNECT).length === 1,
      'no disconnect',
      TIMEOUT,
    );
    await ringsThePage(agent);
  });

  it('all UDP black-holed: the call reconnects and its audio flows again both ways, no ERROR', async () => {
    const agent = await onlineAgent(stack);
    const { callSid, number } = await inCall(agent);
    const fault = await emulator(stack, '/faults/media/blackhole', {
      callSid,
      scope: 'all',
      durationMs: 10000,
    });
    expect(fault.status).to.equal(201);
    const reconnects = () => fired(agent.log, NOTIFY_EVENTS.RECONNECT).map((e) => e.args);
    await waitUntil(() => reconnects().length === 1, 'the call never reconnected', {
      timeout: 20000,
      interval: 50,
    });
    expect(reconnects()[0]).to.deep.equal(['reconnecting', callSid]);
    await waitUntil(() => reconnects().length === 2, 'the call never came back', {
      timeout: 30000,
      interval: 50,
    });
    expect(reconnects()[1]).to.deep.equal(['reconnected', callSid]);
    await audioFlowsAgain(agent, number);
    expect(fired(agent.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    expect(fired(agent.log, STD_EVENTS.CALL_DISCONNECT)).to.deep.equal([]);
    agent.client.hangupCall();
  });
});
