/**
 * One registration per agent across the tabs of a browser (`shareTabs`, issue 10, docs/decisions.md §27),
 * through the real stack: the test page and a second tab of the same browser context (tab-plugin.ts) share
 * Web Locks and BroadcastChannels as an agent's tabs do; each runs the built bundle and the real SDK. Phones
 * +1555471… are this file's own.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { phone, signInUser, stack } from './helpers.js';
import { STD_EVENTS, TIMEOUT, emulator, fired, registrations, story, type Client } from './fault-helpers.js';
import {
  agentTabs,
  inTab,
  registered,
  tabAction,
  tabIdentity,
  tabLog,
  tabState,
  tabStatus,
} from './tab-helpers.js';

const closeTab = (tab: number) => tabAction(tab, 'close');

/** For a failure message: the phone's calls, the emulator's legs and registrations, the page's story. */
async function whatWasSeen(from: string, page: { client: Client; log: Parameters<typeof story>[0] }) {
  const legs = ((await emulator(stack, '/calls')).body.calls ?? []) as Array<Record<string, unknown>>;
  const parents = new Set(legs.filter((leg) => leg.from === from).map((leg) => leg.sid));
  return {
    phone: (await phone(from)).calls,
    legs: legs.filter((leg) => leg.from === from || parents.has(leg.parentSid)),
    registrations: (await emulator(stack, '/registrations')).body.registrations,
    identity: page.client.getSession()?.identity,
    status: page.client.getStatus(),
    story: story(page.log),
  };
}

describe('shareTabs: one registration per agent across the tabs of a browser', function () {
  this.timeout(90000);
  const agent = agentTabs('+1555471');
  const { clients, tabs, pageTab, otherTab, dial, pageTookOver, ringPage } = agent;

  beforeEach(async () => {
    ({ token: agent.token } = await signInUser(`tabs-${Math.random().toString(36).slice(2, 8)}`));
  });

  afterEach(async () => {
    await agent.hangUpCallers();
    for (const client of clients.splice(0)) client.destroy();
    for (const tab of tabs.splice(0)) {
      await inTab(tab, 'agentTab.client?.destroy()').catch(() => undefined);
      await closeTab(tab).catch(() => undefined);
    }
  });

  it('two tabs: one registration; a call rings both, is picked up in the follower, muted there, hung up in the leader', async () => {
    const page = pageTab();
    await waitUntil(() => page.client.getDeviceState() === 'online', 'the page never went online', TIMEOUT);
    const identity = page.client.getSession()!.identity as string;
    const before = new Set(await registered());
    const tab = await otherTab();
    await waitUntil(async () => (await tabState(tab)) === 'online', 'the tab never went online', TIMEOUT);
    // One registration and one session for the agent: the tab shows the page's.
    expect(await tabIdentity(tab)).to.equal(identity);
    expect(await registrations(stack, identity)).to.equal(1);
    expect((await registered()).filter((id) => !before.has(id))).to.deep.equal([]);

    const from = await dial();
    await waitUntil(
      () => fired(page.log, STD_EVENTS.INCOMING_CALL).length === 1,
      'the page never rang',
      TIMEOUT,
    );
    await waitUntil(
      async () => (await tabLog(tab)).includes(STD_EVENTS.INCOMING_CALL),
      'the tab never rang',
      TIMEOUT,
    );
    await inTab(tab, 'agentTab.client.pickupCall()');
    await waitUntil(
      async () => (await phone(from)).calls.at(-1)?.state === 'in-progress',
      'never answered',
      TIMEOUT,
    );
    await waitUntil(
      async () => (await tabStatus(tab)) === 'open',
      'the tab never showed the call open',
      TIMEOUT,
    );
    expect(page.client.getStatus()).to.equal('open');
    // The media is the leader's (this page's): the phone hears it.
    await waitUntil(
      async () => ((await phone(from)).calls.at(-1)?.audioPacketsReceived ?? 0) > 50,
      'the phone never heard the page',
      TIMEOUT,
    );

    await inTab(tab, 'agentTab.client.mute(true)');
    await waitUntil(() => page.client.isMuted() === true, 'the leader never muted', TIMEOUT);
    page.client.hangupCall();
    await waitUntil(
      async () => (await tabLog(tab)).includes(STD_EVENTS.CALL_DISCONNECT),
      'the tab never ended the call',
      TIMEOUT,
    );
    await waitUntil(
      async () => (await phone(from)).calls.at(-1)?.state === 'completed',
      'the phone',
      TIMEOUT,
    );
    const calls = ['incoming_call', 'call_init', 'call_start', 'call_mute', 'call_disconnect'];
    expect(await tabLog(tab)).to.deep.equal(['online', ...calls]);
    expect(story(page.log)).to.deep.equal(['online', ...calls]);
  });

  it('the leader tab closed while idle: the other tab registers in its place, and the next call rings it', async () => {
    const tab = await otherTab();
    await waitUntil(async () => (await tabState(tab)) === 'online', 'the tab never went online', TIMEOUT);
    const first = await tabIdentity(tab);
    const page = pageTab();
    await waitUntil(() => page.client.getDeviceState() === 'online', 'the page never went online', TIMEOUT);
    expect(page.client.getSession()!.identity).to.equal(first);

    await closeTab(tab);
    tabs.splice(0);
    await pageTookOver(page, first);

    await ringPage(page);
    page.client.hangupCall();
    expect(story(page.log)).to.deep.equal([
      'online',
      'reconnect:reconnecting',
      'offline',
      'online',
      'reconnect:reconnected',
      'incoming_call',
      'call_disconnect',
    ]);
  });

  // The closing leader lets its ringing invite go without declining it (the SDK's unload handler would
  // decline it, which reads as the agent's `busy`): its socket's end reads as a vanished phone, and the backend
  // rings the call again to the tab that took over (docs/decisions.md §27).
  it('the leader tab closed while the other tab rings: the call rings that tab again and is answered there', async () => {
    const tab = await otherTab();
    await waitUntil(async () => (await tabState(tab)) === 'online', 'the tab never went online', TIMEOUT);
    const page = pageTab();
    await waitUntil(() => page.client.getDeviceState() === 'online', 'the page never went online', TIMEOUT);

    const from = await dial();
    await waitUntil(
      () => fired(page.log, STD_EVENTS.INCOMING_CALL).length === 1,
      'the page never rang',
      TIMEOUT,
    );
    await closeTab(tab);
    tabs.splice(0);
    await waitUntil(
      () => fired(page.log, STD_EVENTS.INCOMING_CALL).length === 2,
      'the call never rang the page again',
      TIMEOUT,
    );
    page.client.pickupCall();
    await waitUntil(
      async () => (await phone(from)).calls.at(-1)?.state === 'in-progress',
      'never answered',
      TIMEOUT,
    );
    // The same call from the phone: nothing was lost, nothing placed anew.
    expect((await phone(from)).calls).to.have.length(1);
    await waitUntil(() => page.client.getStatus() === 'open', 'the page never showed the call open', TIMEOUT);
    // The media is the new leader's (this page's): the phone hears it.
    await waitUntil(
      async () => ((await phone(from)).calls.at(-1)?.audioPacketsReceived ?? 0) > 50,
      'the phone never heard the page',
      TIMEOUT,
    ).catch(async (error: Error) => {
      // Seen once in CI and never reproduced since: say what the phone, the emulator and the page saw.
      throw new Error(`${error.message}\n${JSON.stringify(await whatWasSeen(from, page), null, 1)}`);
    });
    page.client.hangupCall();
    expect(fired(page.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    expect(story(page.log)).to.deep.equal([
      'online',
      'incoming_call',
      'reconnect:reconnecting',
      'offline',
      'call_cancel',
      'online',
      'reconnect:reconnected',
      'incoming_call',
      'call_init',
      'call_start',
      'call_disconnect',
    ]);
  });
});
