/**
 * Signaling outages through the real SDK and the emulator's fault API (issue 10, cases 1 and 5). The session
 * heartbeat runs over HTTP beside the vendor's signaling, so an outage longer than the session TTL keeps the
 * session; a short cut recovers silently (RECONNECT events, no ERROR); a long one reports one SIGNALING_LOST.
 * Each ends with a phone call that rings the page.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { stack } from './helpers.js';
// @ts-expect-error served by the stack plugin at test time (starts the short-session stack)
import { stack as withShortSessions } from '/__stack.js?shortSessions';
import {
  NOTIFY_EVENTS,
  STD_EVENTS,
  TIMEOUT,
  cleanUp,
  emulator,
  fired,
  onlineAgent,
  registrations,
  ringsThePage,
  story,
  type StackRef,
} from './fault-helpers.js';

/** Sessions there expire 3 s after their last heartbeat (clients beat every second). */
const shortSessions = (withShortSessions as { shortSessions: StackRef }).shortSessions;

describe('faults: signaling outages', function () {
  this.timeout(60000);
  afterEach(cleanUp);

  it('an idle socket reset recovers silently: RECONNECT events, no ERROR, the page rings', async () => {
    const agent = await onlineAgent(stack);
    const dropped = await emulator(stack, '/faults/signaling/drop', { identity: agent.identity });
    expect(dropped.body).to.deep.equal({ closed: 1, mode: 'reset' });
    await waitUntil(
      () => fired(agent.log, NOTIFY_EVENTS.RECONNECT).length === 2,
      'never reconnected',
      TIMEOUT,
    );
    expect(story(agent.log)).to.deep.equal([
      'online',
      'reconnect:reconnecting',
      'offline',
      'online',
      'reconnect:reconnected',
    ]);
    expect(await registrations(stack, agent.identity)).to.equal(1);
    await ringsThePage(agent);
  });

  it('an outage four times the session TTL keeps the session (heartbeats over HTTP): one SIGNALING_LOST, ONLINE after', async () => {
    const agent = await onlineAgent(shortSessions);
    const sysId = agent.client.getSession()!.sys_id;
    // 12 s of refused connections: past the 3 s TTL and past the client's 10 s grace.
    const refused = await emulator(shortSessions, '/faults/signaling/refuse', {
      identity: agent.identity,
      durationMs: 12000,
    });
    expect(refused.status).to.equal(201);
    await emulator(shortSessions, '/faults/signaling/drop', { identity: agent.identity });
    await waitUntil(
      () => fired(agent.log, STD_EVENTS.ERROR).length === 1,
      'no SIGNALING_LOST past the grace',
      { timeout: 20000, interval: 50 },
    );
    expect(agent.client.getDeviceState()).to.equal('offline');
    await waitUntil(() => fired(agent.log, NOTIFY_EVENTS.RECONNECT).length === 2, 'never reconnected', {
      timeout: 30000,
      interval: 50,
    });
    expect(story(agent.log)).to.deep.equal([
      'online',
      'reconnect:reconnecting',
      'offline',
      'error:SIGNALING_LOST',
      'online',
      'reconnect:reconnected',
    ]);
    // The same session: its heartbeats reached the backend all along.
    expect(agent.client.getSession()!.sys_id).to.equal(sysId);
    expect(await registrations(shortSessions, agent.identity)).to.equal(1);
    await ringsThePage(agent);
  });
});
