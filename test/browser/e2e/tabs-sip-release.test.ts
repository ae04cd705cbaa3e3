/**
 * `shareTabs` on SIP (issue 10, docs/decisions.md §27), through the real SIP stack: the leader tab closed while
 * a call rings answers the INVITE 480 Temporarily Unavailable (src/drivers/sip/release.ts), not the agent's 486,
 * and the proxy routes the call again (scripts/sip/kamailio-config.ts, failure_route[NOTIFY_RETRY]) to the tab
 * that takes over; a decline (486) is never routed again. The test page and a second tab of its browser context
 * (tab-plugin.ts) are the agent's tabs. SIP phone: slot 6 (sip-stack-plugin.ts), this file's alone.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { recordEvents, signIn } from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS } from '/dist/notify-client.js';
// @ts-expect-error served by the stack plugin at test time
import { stack as served } from '/__stack.js?sip';

interface SipStackInfo {
  backendUrl: string;
  sipNumber: string;
  phones: string[];
}
const sip = (served as { sip: SipStackInfo | { skip: string } }).sip;
const skip = 'skip' in sip ? sip.skip : undefined;
const stack = sip as SipStackInfo;

type Client = InstanceType<typeof NotifyClient>;
type EventLog = ReturnType<typeof recordEvents>;

const TIMEOUT = { timeout: 20000, interval: 50 };
const command = <T>(name: string, payload: object = {}) => executeServerCommand<T, object>(name, payload);
const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);

const openTab = () => command<number>('agent-tab', { action: 'open' });
const inTab = async <T>(tab: number, js: string): Promise<T> =>
  (await command<{ value: T }>('agent-tab', { action: 'eval', tab, js })).value;
const closeTab = (tab: number) => command('agent-tab', { action: 'close', tab });

/** How many times the proxy routed call `callId` again (its log lines carry the Call-ID). */
const routedAgain = async (callId: string) =>
  (await command<string>('sip-logs'))
    .split('\n')
    .filter((line) => line.includes(callId) && line.includes('ROUTE AGAIN -> 200')).length;

describe('shareTabs on SIP: a call ringing when the leader tab closes', function () {
  this.timeout(90000);
  const clients: Client[] = [];
  let tabs: number[] = [];
  let config: Record<string, unknown> = {};
  const phone = () => stack.phones[6]!;

  before(function () {
    if (skip) this.skip();
  });

  beforeEach(async () => {
    const authToken = await signIn(`tabs-sip-${Math.random().toString(36).slice(2, 8)}`, stack.backendUrl);
    config = { autoLoadScriptResources: true, backendUrl: stack.backendUrl, authToken, shareTabs: true };
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.warn(await command<string>('sip-logs'));
    await command('sip-hangup', { phone: phone() }).catch(() => undefined);
    for (const client of clients.splice(0)) client.destroy();
    for (const tab of tabs.splice(0)) {
      await inTab(tab, 'agentTab.client?.destroy()').catch(() => undefined);
      await closeTab(tab).catch(() => undefined);
    }
  });

  /** The agent's other tab, leading (started first), and this page following it; the phone calls the number. */
  async function ringingAtBoth() {
    const tab = await openTab();
    tabs.push(tab);
    await inTab(tab, `agentTab.start(${JSON.stringify(config)}, ${JSON.stringify(stack.sipNumber)})`);
    await waitUntil(
      async () => (await inTab<string>(tab, 'agentTab.client.getDeviceState()')) === 'online',
      'the tab never went online',
      TIMEOUT,
    );
    const client: Client = new NotifyClient(config, true);
    clients.push(client);
    const log = recordEvents(client, STD_EVENTS);
    client.setCallerId(stack.sipNumber, () => client.init());
    await waitUntil(() => client.getDeviceState() === 'online', 'the page never went online', TIMEOUT);
    const phoneEvents = async () =>
      (await command<string[]>('sip-phone-events', { phone: phone() })).slice(seen);
    const seen = (await command<string[]>('sip-phone-events', { phone: phone() })).length;
    await command('sip-dial', { phone: phone(), target: stack.sipNumber });
    await waitUntil(() => fired(log, STD_EVENTS.INCOMING_CALL).length === 1, 'the page never rang', TIMEOUT);
    const callId = fired(log, STD_EVENTS.INCOMING_CALL)[0]!.args[2] as string;
    return { tab, client, log, phoneEvents, callId };
  }

  it('the leader tab closes: the proxy rings the call again at the tab that takes over, which answers it', async () => {
    const { tab, client, log, phoneEvents, callId } = await ringingAtBoth();
    await closeTab(tab);
    tabs = [];
    await waitUntil(
      () => fired(log, STD_EVENTS.INCOMING_CALL).length === 2,
      'the call never rang the page again',
      TIMEOUT,
    );
    // The same call (one Call-ID from the phone), routed again once: not a new call, not a busy phone.
    expect(await routedAgain(callId)).to.equal(1);
    expect(await phoneEvents()).not.to.include('CALL_CLOSED');
    client.pickupCall();
    await waitUntil(
      async () => (await phoneEvents()).includes('CALL_ESTABLISHED'),
      'the phone never saw the answer',
      TIMEOUT,
    );
    await waitUntil(() => client.getStatus() === 'open', 'the page never showed the call open', TIMEOUT);
    client.hangupCall();
    await waitUntil(async () => (await phoneEvents()).includes('CALL_CLOSED'), 'never hung up', TIMEOUT);
    expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
  });

  it('a decline stays a decline: the 486 ends the call at the phone and is never routed again', async () => {
    const { client, log, phoneEvents, callId } = await ringingAtBoth();
    client.hangupCall(); // declines the ringing call, in the leader (486 Busy Here)
    await waitUntil(
      async () => (await phoneEvents()).includes('CALL_CLOSED'),
      'the phone kept ringing',
      TIMEOUT,
    );
    expect(await routedAgain(callId)).to.equal(0);
    expect(fired(log, STD_EVENTS.INCOMING_CALL)).to.have.length(1);
  });
});
