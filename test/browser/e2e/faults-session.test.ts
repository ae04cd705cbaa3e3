/**
 * The session and its token across faults, through the real SDK and backend (issue 10): a session the backend
 * dropped is replaced by a new one without the page doing anything (same user, new sys_id, its availability
 * kept, registered again: it rings), and vendor tokens that expire during a signaling outage are renewed over
 * HTTP meanwhile, so the Device comes back with a valid one. Both recover silently: no ERROR.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { stack } from './helpers.js';
// @ts-expect-error served by the stack plugin at test time (starts the short-session stack)
import { stack as withShortSessions } from '/__stack.js?shortSessions';
import {
  NOTIFY_EVENTS,
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

/** Sessions there expire 3 s after their last heartbeat: clients beat every second, and learn of a drop soon. */
const shortSessions = (withShortSessions as { shortSessions: StackRef }).shortSessions;

describe('faults: the session and its token', function () {
  this.timeout(60000);
  afterEach(cleanUp);

  it('a session the backend dropped is replaced: new sys_id, availability kept, registered, rung; no ERROR', async () => {
    const agent = await onlineAgent(shortSessions);
    agent.client.setClientAvailable(false);
    await waitUntil(() => agent.client.getSession()?.available === false, 'never unavailable', TIMEOUT);
    const old = agent.client.getSession()!;
    const removed = await fetch(`${shortSessions.backendUrl}/sessions/${old.sys_id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(removed.status).to.equal(204);
    await waitUntil(() => fired(agent.log, NOTIFY_EVENTS.RECONNECT).length === 2, 'never replaced', TIMEOUT);
    const next = agent.client.getSession()!;
    expect(next.sys_id).to.not.equal(old.sys_id);
    expect(next.user).to.equal(old.user);
    expect(story(agent.log)).to.deep.equal([
      'online',
      'reconnect:reconnecting',
      'offline',
      'online',
      'reconnect:reconnected',
    ]);
    await waitUntil(
      () => agent.client.getSession()?.available === false,
      'the availability was lost',
      TIMEOUT,
    );
    await waitUntil(
      async () => (await registrations(shortSessions, next.identity)) === 1,
      'unregistered',
      TIMEOUT,
    );
    expect(await registrations(shortSessions, old.identity)).to.equal(0);
    agent.client.setClientAvailable(true);
    await waitUntil(() => agent.client.getSession()?.available === true, 'never available', TIMEOUT);
    await ringsThePage(agent);
  });

  it('5 s tokens expiring during a 6 s signaling outage are renewed meanwhile: ONLINE after, no ERROR', async () => {
    const agent = await onlineAgent(stack.shortTokens);
    const refused = await emulator(stack.shortTokens, '/faults/signaling/refuse', {
      identity: agent.identity,
      durationMs: 6000,
    });
    expect(refused.status).to.equal(201);
    await emulator(stack.shortTokens, '/faults/signaling/drop', { identity: agent.identity });
    await waitUntil(() => fired(agent.log, NOTIFY_EVENTS.RECONNECT).length === 2, 'never reconnected', {
      timeout: 30000,
      interval: 50,
    });
    expect(story(agent.log)).to.deep.equal([
      'online',
      'reconnect:reconnecting',
      'offline',
      'online',
      'reconnect:reconnected',
    ]);
    // The outage outlived the token the Device had when it began.
    expect((await emulator(stack.shortTokens, `/faults/${refused.body.id}`)).status).to.equal(404);
    await ringsThePage(agent);
  });
});
