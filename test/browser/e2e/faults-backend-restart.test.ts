/**
 * The backend restarted during a call (issue 10, "Done when"). The vendor's signaling and the call's media
 * go from the page to the emulator, not through the backend, so the call goes on; the backend keeps its
 * SQLite file and its account and session secret (scripts/dev-secrets.ts), so the page's bearer token and
 * session are still valid after it: a heartbeat that failed while it was down is retried a second later,
 * which keeps the session (9 s TTL, a beat every 3 s), with nothing told to the page: no ERROR, no
 * RECONNECT, never OFFLINE. After the restart the far end hangs up (the new backend hears the vendor's status
 * callback) and a call placed to the agent rings the page (the new backend routes it to the same session).
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect, waitUntil } from '@open-wc/testing';
import { phone } from './helpers.js';
// @ts-expect-error served by the stack plugin at test time (starts the restartable stack)
import { stack as withRestartable } from '/__stack.js?restartable';
import {
  STD_EVENTS,
  TIMEOUT,
  audioFlowsAgain,
  cleanUp,
  emulator,
  fired,
  inCall,
  onlineAgent,
  registrations,
  ringsThePage,
  story,
  type StackRef,
} from './fault-helpers.js';

const restartable = (withRestartable as { restartable: StackRef }).restartable;
/**
 * Long enough after the restart that a session the new backend does not hear from would have expired (the
 * restartable stack's TTL is 9 s), and its call ended with it.
 */
const TWO_TTLS_MS = 18000;

describe('faults: the backend restarted during a call', function () {
  this.timeout(90000);
  afterEach(cleanUp);

  it('the call goes on, audio both ways; the same session, ONLINE all along, no events; hang-up and ring after', async () => {
    const agent = await onlineAgent(restartable);
    const session = agent.client.getSession()!;
    const { callSid, number } = await inCall(agent);
    const lastCall = async () => (await phone(number, restartable.origin)).calls.at(-1);
    const eventsBefore = agent.log.length;

    // Down until the page's next heartbeat failed (a beat every 3 s): one lost, the next one must do.
    await executeServerCommand('restart-backend', { failedRequests: 1 });
    await new Promise((resolve) => setTimeout(resolve, TWO_TTLS_MS));
    // Still after two TTLs: the phone hears another second of the page, the page receives packets.
    await audioFlowsAgain(agent, number);
    expect((await lastCall())!.state).to.equal('in-progress');
    expect(agent.client.getStatus()).to.equal('open');
    expect(agent.client.getDeviceState()).to.equal('online');
    expect(agent.client.getSession()!.sys_id).to.equal(session.sys_id);
    expect(story(agent.log.slice(eventsBefore)), 'nothing to tell the page').to.deep.equal([]);

    // The far end hangs up: the vendor tells the page, and the new backend its status callback.
    const hungUp = await emulator(restartable, `/phones/${encodeURIComponent(number)}/hangup`, {});
    expect(hungUp.status).to.be.within(200, 204);
    await waitUntil(
      () => fired(agent.log, STD_EVENTS.CALL_DISCONNECT).length === 1,
      'no CALL_DISCONNECT',
      TIMEOUT,
    );
    const disconnect = fired(agent.log, STD_EVENTS.CALL_DISCONNECT)[0]!;
    expect(disconnect.args[0]).to.equal(callSid);
    expect(disconnect.args[1]).to.include({ outcome: 'completed', endedBy: 'remote' });
    expect(story(agent.log.slice(eventsBefore))).to.deep.equal(['call_disconnect']);
    expect(await registrations(restartable, agent.identity)).to.equal(1);
    // The restarted backend routes a new call to the same, live session.
    await ringsThePage(agent);
    expect(agent.client.getSession()!.sys_id).to.equal(session.sys_id);
    expect(fired(agent.log, STD_EVENTS.ERROR)).to.deep.equal([]);
  });
});
