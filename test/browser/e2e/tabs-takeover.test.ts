/**
 * shareTabs beyond a closed leader (issue 10, docs/decisions.md §27), through the real stack: a leader tab the
 * browser froze is replaced, and steps down when it wakes; a call the leader's own page placed shows in the
 * other tabs, which can mute and hang it up; two `<notify-phone share-tabs>` in two tabs register once. The
 * other tab is a tab of the test page's browser context (tab-plugin.ts: Web Locks and BroadcastChannels are
 * shared, `freeze` is DevTools' page lifecycle). Phones +1555472… are this file's own.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { phone, signInUser, stack } from './helpers.js';
import { STD_EVENTS, TIMEOUT, emulator, fired, registrations, story } from './fault-helpers.js';
import {
  agentTabs,
  inTab,
  openTab,
  registered,
  tabAction,
  tabIdentity,
  tabLog,
  tabState,
  tabStatus,
} from './tab-helpers.js';

type Phone = HTMLElement & { authToken?: string };

describe('shareTabs: a frozen leader, the leader’s own calls, the element', function () {
  this.timeout(90000);
  const elements: Phone[] = [];
  const agent = agentTabs('+1555472');
  const { clients, tabs, pageTab, otherTab, dial, newPhone, pageTookOver, ringPage } = agent;

  beforeEach(async () => {
    ({ token: agent.token } = await signInUser(`takeover-${Math.random().toString(36).slice(2, 8)}`));
  });

  afterEach(async () => {
    await agent.hangUpCallers();
    for (const client of clients.splice(0)) client.destroy();
    for (const el of elements.splice(0)) el.remove();
    for (const tab of tabs.splice(0)) {
      await tabAction(tab, 'resume').catch(() => undefined);
      await inTab(tab, 'agentTab.client?.destroy(); agentTab.element?.remove()').catch(() => undefined);
      await tabAction(tab, 'close').catch(() => undefined);
    }
  });

  it('the leader tab frozen while idle: the other tab registers, a call then rings it and is heard; the frozen tab wakes a follower', async () => {
    const tab = await otherTab();
    await waitUntil(async () => (await tabState(tab)) === 'online', 'the tab never went online', TIMEOUT);
    const first = await tabIdentity(tab);
    const page = pageTab();
    await waitUntil(() => page.client.getDeviceState() === 'online', 'the page never went online', TIMEOUT);
    expect(page.client.getSession()!.identity).to.equal(first);

    // Frozen, the tab keeps its lock and its socket but answers nothing: the page steals the lock.
    await tabAction(tab, 'freeze');
    const identity = await pageTookOver(page, first);

    const from = await ringPage(page);
    page.client.pickupCall();
    await waitUntil(
      async () => (await phone(from)).calls.at(-1)?.state === 'in-progress',
      'never answered',
      TIMEOUT,
    );
    await waitUntil(
      async () => ((await phone(from)).calls.at(-1)?.audioPacketsReceived ?? 0) > 50,
      'the phone never heard the page',
      TIMEOUT,
    );

    // Awake, the old leader finds its lock gone: it closes its registration and mirrors the page, call included.
    await tabAction(tab, 'resume');
    await waitUntil(
      async () => (await tabIdentity(tab)) === identity && (await tabState(tab)) === 'online',
      'the woken tab never followed the page',
      TIMEOUT,
    );
    await waitUntil(
      async () => (await tabStatus(tab)) === 'open',
      'the woken tab never showed the call',
      TIMEOUT,
    );
    await waitUntil(
      async () => (await registered()).filter((id) => id === first || id === identity).join() === identity,
      'the woken tab stayed registered',
      TIMEOUT,
    );
    expect(await registrations(stack, identity)).to.equal(1);

    page.client.hangupCall();
    await waitUntil(
      async () => (await phone(from)).calls.at(-1)?.state === 'completed',
      'the phone',
      TIMEOUT,
    );
    await waitUntil(
      async () => (await tabLog(tab)).includes(STD_EVENTS.CALL_DISCONNECT),
      'the woken tab never ended the call',
      TIMEOUT,
    );
    expect(fired(page.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    expect(story(page.log)).to.deep.equal([
      'online',
      'reconnect:reconnecting',
      'offline',
      'online',
      'reconnect:reconnected',
      'incoming_call',
      'call_init',
      'call_start',
      'call_disconnect',
    ]);
    const woken = await tabLog(tab);
    expect(await inTab(tab, 'agentTab.errors')).to.deep.equal([]);
    expect(woken.slice(-4)).to.deep.equal(['incoming_call', 'call_init', 'call_start', 'call_disconnect']);
  });

  it('a call the leader’s own page placed: the other tab sees it start, mutes it and hangs it up', async () => {
    const page = pageTab();
    await waitUntil(() => page.client.getDeviceState() === 'online', 'the page never went online', TIMEOUT);
    const tab = await otherTab();
    await waitUntil(async () => (await tabState(tab)) === 'online', 'the tab never went online', TIMEOUT);

    const to = newPhone();
    page.client.call({ phoneNumber: to });
    await waitUntil(
      async () => (await tabLog(tab)).includes(STD_EVENTS.CALL_START),
      'the tab never saw the call start',
      TIMEOUT,
    );
    await waitUntil(() => page.client.getStatus() === 'open', 'the page never opened the call', TIMEOUT);
    const callId = page.client.calls[0]!.callId as string;
    expect(callId).to.match(/^CA/);
    expect(await inTab(tab, 'agentTab.client.calls.map((c) => [c.callId, c.direction, c.to])')).to.deep.equal(
      [[callId, 'outgoing', to]],
    );
    expect(await tabStatus(tab)).to.equal('open');
    // One call: the tab placed none of its own.
    expect((await phone(to)).calls).to.have.length(1);
    await waitUntil(
      async () => ((await phone(to)).calls.at(-1)?.audioPacketsReceived ?? 0) > 50,
      'the phone never heard the page',
      TIMEOUT,
    );

    await inTab(tab, 'agentTab.client.mute(true)');
    await waitUntil(() => page.client.isMuted() === true, 'the leader never muted', TIMEOUT);
    await inTab(tab, 'agentTab.client.hangupCall()');
    await waitUntil(async () => (await phone(to)).calls.at(-1)?.state === 'completed', 'the phone', TIMEOUT);
    await waitUntil(
      () => fired(page.log, STD_EVENTS.CALL_DISCONNECT).length === 1,
      'the page never ended the call',
      TIMEOUT,
    );
    await waitUntil(
      async () => (await tabLog(tab)).includes(STD_EVENTS.CALL_DISCONNECT),
      'the tab never ended the call',
      TIMEOUT,
    );
    const calls = ['call_init', 'call_start', 'call_mute', 'call_disconnect'];
    expect(await tabLog(tab)).to.deep.equal(['online', ...calls]);
    expect(story(page.log)).to.deep.equal(['online', ...calls]);
  });

  it('<notify-phone share-tabs> in two tabs: one registration, a call rings both', async () => {
    const before = new Set(await registered());
    const attributes = {
      'share-tabs': '',
      available: '',
      backend: stack.backendUrl,
      'lazy-vendor': '',
      'caller-id': stack.demoNumber,
    };
    const tab = await openTab();
    tabs.push(tab);
    await inTab(tab, `agentTab.mount(${JSON.stringify(attributes)}, ${JSON.stringify(agent.token)})`);
    const el = document.createElement('notify-phone') as Phone;
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    el.authToken = agent.token;
    elements.push(el);
    document.body.append(el);
    const tabOnline = () => inTab<boolean>(tab, `agentTab.element.hasAttribute('online')`);
    await waitUntil(async () => el.hasAttribute('online') && (await tabOnline()), 'never online', TIMEOUT);
    await waitUntil(
      async () => (await registered()).some((id) => !before.has(id)),
      'none registered',
      TIMEOUT,
    );
    const added = (await registered()).filter((id) => !before.has(id));
    expect(added, 'one registration for both elements').to.have.length(1);
    expect(await registrations(stack, added[0]!)).to.equal(1);

    const from = await dial();
    const tabRinging = () => inTab<boolean>(tab, `agentTab.element.hasAttribute('ringing')`);
    await waitUntil(
      async () => el.hasAttribute('ringing') && (await tabRinging()),
      'not ringing in both',
      TIMEOUT,
    );
    const hungUp = await emulator(stack, `/phones/${encodeURIComponent(from)}/hangup`, {});
    expect(hungUp.status).to.be.within(200, 204);
    await waitUntil(
      async () => !el.hasAttribute('ringing') && !(await tabRinging()),
      'still ringing after the caller hung up',
      TIMEOUT,
    );
    expect((await registered()).filter((id) => !before.has(id))).to.deep.equal(added);
  });
});
