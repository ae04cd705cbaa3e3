/**
 * An agent's tabs for the shareTabs e2e files (issue 10, docs/decisions.md §27): the test page's client and
 * other tabs of its browser context (tab-plugin.ts), each started for the same signed-in agent, and phones of
 * the file's own prefix calling the agent's number.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { recordEvents, stack } from './helpers.js';
import { EVENTS, STD_EVENTS, TIMEOUT, emulator, fired, registrations, type Client } from './fault-helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient } from '/dist/notify-client.js';

export type TabAction = 'close' | 'freeze' | 'resume';

/** The test page's client for the agent, and what it heard. */
export interface PageTab {
  client: Client;
  log: ReturnType<typeof recordEvents>;
}

export const openTab = () => executeServerCommand<number, object>('agent-tab', { action: 'open' });
export const inTab = async <T>(tab: number, js: string): Promise<T> =>
  (await executeServerCommand<{ value: T }, object>('agent-tab', { action: 'eval', tab, js })).value;
export const tabAction = (tab: number, action: TabAction) =>
  executeServerCommand('agent-tab', { action, tab });

export const tabState = (tab: number) => inTab<string>(tab, 'agentTab.client.getDeviceState()');
export const tabLog = (tab: number) => inTab<string[]>(tab, 'agentTab.log');
export const tabIdentity = (tab: number) => inTab<string>(tab, 'agentTab.client.getSession()?.identity');
export const tabStatus = (tab: number) => inTab<string>(tab, 'agentTab.client.getStatus()');

/** The emulator's registered identities. */
export const registered = async (): Promise<string[]> =>
  ((await emulator(stack, '/registrations')).body.registrations as Array<{ identity: string }>).map(
    (r) => r.identity,
  );

/**
 * One agent's tabs: `token` is set by the file's beforeEach; `clients` and `tabs` are what its afterEach
 * releases. `phonePrefix` (7 digits after `+`) is the file's own.
 */
export function agentTabs(phonePrefix: string) {
  const clients: Client[] = [];
  const tabs: number[] = [];
  /** The phones `dial()` made call the agent. */
  const callers: string[] = [];
  let seq = 0;
  const agent = {
    token: '',
    clients,
    tabs,

    /**
     * For afterEach: every phone that called hangs up. A call still ringing when its agent's tabs close reads
     * as a vanished phone and is rung again (decision 27) to every agent of the shared number: the next
     * test's agent would ring with this test's call.
     */
    async hangUpCallers(): Promise<void> {
      for (const from of callers.splice(0)) {
        await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(from)}/hangup`, { method: 'POST' });
      }
    },
    config: () => ({
      autoLoadScriptResources: true,
      backendUrl: stack.backendUrl,
      authToken: agent.token,
      shareTabs: true,
    }),
    newPhone: () => `${phonePrefix}${String(Date.now() % 1000).padStart(3, '0')}${seq++ % 10}`,

    /** The test page's client for the agent. */
    pageTab(): PageTab {
      const client: Client = new NotifyClient(agent.config(), true);
      const log = recordEvents(client, EVENTS);
      clients.push(client);
      client.setCallerId(stack.demoNumber, () => client.init());
      return { client, log };
    },

    /** Another tab of the agent, started. */
    async otherTab(): Promise<number> {
      const tab = await openTab();
      tabs.push(tab);
      await inTab(
        tab,
        `agentTab.start(${JSON.stringify(agent.config())}, ${JSON.stringify(stack.demoNumber)})`,
      );
      return tab;
    },

    /**
     * The page's client registered in place of the tab whose session was `first` (closed or frozen): its new
     * session's identity, registered once.
     */
    async pageTookOver(page: PageTab, first: string): Promise<string> {
      await waitUntil(
        () => page.client.getSession()?.identity !== first && page.client.getDeviceState() === 'online',
        'the page never took over',
        TIMEOUT,
      );
      const identity = page.client.getSession()!.identity as string;
      await waitUntil(async () => (await registrations(stack, identity)) === 1, 'not registered', TIMEOUT);
      return identity;
    },

    /** A phone calls the agent and the page rings with that call (one INCOMING_CALL, from it): the phone. */
    async ringPage(page: PageTab): Promise<string> {
      const from = await agent.dial();
      await waitUntil(() => fired(page.log, STD_EVENTS.INCOMING_CALL).length === 1, 'never rang', TIMEOUT);
      expect(fired(page.log, STD_EVENTS.INCOMING_CALL)[0]!.args[0]).to.equal(from);
      return from;
    },

    /** A phone nobody else uses calls the agent's number. */
    async dial(): Promise<string> {
      const from = agent.newPhone();
      callers.push(from);
      const response = await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(from)}/dial`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: stack.demoNumber }),
      });
      expect(response.status).to.equal(201);
      return from;
    },
  };
  return agent;
}
