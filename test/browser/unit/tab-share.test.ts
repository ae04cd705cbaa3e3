/**
 * `shareTabs` (tab-share.ts, tab-leader.ts, tab-driver.ts) with fake drivers: clients of one page stand for the
 * tabs of one agent; they share the page's Web Locks and BroadcastChannels as tabs of one browser do.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { NOTIFY_EVENTS, STD_EVENTS, Status } from '../../../src/client/constants.js';
import { LEADER_SILENT_MS } from '../../../src/client/tab-leader.js';
import { CALLER_ID, makeClient } from './helpers/setup.js';

type Tab = ReturnType<typeof makeClient>;

let tabs: Tab[] = [];
/** An invite with its parent id, as the backend sends it (no parent-id look-up). */
const RING = { params: { parentId: 'parent-1' } };

/** One agent's tab: `shareTabs`, the agent's backend address and user. */
function tab(backendUrl: string): Tab {
  const made = makeClient({ config: { shareTabs: true, backendUrl } });
  Object.assign(made.backend, { me: () => Promise.resolve({ user: { sys_id: 'agent-1' } }) });
  made.client.setCallerId(CALLER_ID);
  tabs.push(made);
  return made;
}

const online = (t: Tab) => waitUntil(() => t.client.getDeviceState() === 'online', 'never online');
const registered = (t: Tab) => t.driver.methods.includes('register');
const fresh = () => `/api-tabs-${Math.random().toString(36).slice(2)}`;

/** Two tabs of one agent, the first leading, both ONLINE. */
async function twoTabs() {
  const url = fresh();
  const leader = tab(url);
  leader.client.init();
  await online(leader);
  const follower = tab(url);
  follower.client.init();
  await online(follower);
  return { url, leader, follower };
}

describe('shareTabs: one registration per agent across tabs', () => {
  afterEach(() => {
    for (const t of tabs) t.client.destroy();
    tabs = [];
  });

  it('registers the first tab only; the second shows its state and session', async () => {
    const { leader, follower } = await twoTabs();
    expect(registered(leader)).to.equal(true);
    expect(registered(follower)).to.equal(false);
    expect(leader.backend.methods.filter((m) => m === 'createSession')).to.have.length(1);
    expect(follower.backend.methods).to.not.include('createSession');
    expect(follower.client.getSession()?.sys_id).to.equal(leader.client.getSession()?.sys_id);
    expect(follower.names()).to.deep.equal([STD_EVENTS.ONLINE]);
  });

  it('rings both tabs; picked up in the follower, muted there, hung up in the leader', async () => {
    const { leader, follower } = await twoTabs();
    const callSid = leader.driver.receive({ from: '+15550007777', params: { parentId: 'p1' } });
    await waitUntil(() => follower.names().includes(STD_EVENTS.INCOMING_CALL), 'the follower never rang');
    const incoming = (t: Tab) => t.events.find((e) => e.event === STD_EVENTS.INCOMING_CALL)?.args;
    expect(incoming(follower)).to.deep.equal(incoming(leader));
    expect(incoming(follower)?.slice(0, 4)).to.deep.equal(['+15550007777', 'client:fake', callSid, 'p1']);

    follower.client.pickupCall();
    await waitUntil(() => leader.driver.methods.includes('accept'), 'the leader never answered');
    leader.driver.answer();
    await waitUntil(() => follower.names().includes(STD_EVENTS.CALL_START), 'no CALL_START in the follower');
    expect(follower.client.getStatus()).to.equal(Status.OPEN);
    expect(leader.client.getStatus()).to.equal(Status.OPEN);
    expect(follower.driver.methods).to.deep.equal([]);

    follower.client.mute(true);
    await waitUntil(() => leader.client.isMuted(), 'the leader never muted');
    expect(leader.driver.isMuted()).to.equal(true);
    expect(follower.client.isMuted()).to.equal(true);

    leader.client.hangupCall();
    await waitUntil(() => follower.names().includes(STD_EVENTS.CALL_DISCONNECT), 'no CALL_DISCONNECT');
    const story = (t: Tab) => t.names().filter((n) => n !== STD_EVENTS.ONLINE);
    expect(story(follower)).to.deep.equal(story(leader));
    expect(story(follower)).to.deep.equal([
      STD_EVENTS.INCOMING_CALL,
      STD_EVENTS.CALL_INIT,
      STD_EVENTS.CALL_START,
      STD_EVENTS.CALL_MUTE,
      STD_EVENTS.CALL_DISCONNECT,
    ]);
    const ended = follower.events.find((e) => e.event === STD_EVENTS.CALL_DISCONNECT)!.args;
    expect(ended[0]).to.equal(callSid);
    expect((ended[1] as { outcome: string }).outcome).to.equal('completed');
  });

  it('a mute made in the leader shows in the follower, with its CALL_MUTE', async () => {
    const { leader, follower } = await twoTabs();
    leader.driver.receive(RING);
    await waitUntil(() => follower.names().includes(STD_EVENTS.INCOMING_CALL));
    leader.client.pickupCall();
    leader.driver.answer();
    await waitUntil(() => follower.client.getStatus() === Status.OPEN);
    leader.client.mute(true);
    await waitUntil(() => follower.client.isMuted(), 'the follower never showed the mute');
    expect(follower.names().filter((n) => n === STD_EVENTS.CALL_MUTE)).to.have.length(1);
    expect(leader.names().filter((n) => n === STD_EVENTS.CALL_MUTE)).to.have.length(1);
    expect(leader.driver.methods.filter((m) => m === 'mute')).to.have.length(1);
  });

  it("a warm transfer completed to the leader's call shows in the follower: transferredBy, its event", async () => {
    const { leader, follower } = await twoTabs();
    leader.driver.receive(RING);
    await waitUntil(() => follower.names().includes(STD_EVENTS.INCOMING_CALL));
    leader.client.pickupCall();
    leader.driver.answer();
    await waitUntil(() => follower.client.getStatus() === Status.OPEN);
    const told: string[] = [];
    follower.client.activeCall!.events.on('transferred', (by) => told.push(by));
    leader.driver.events.emit('callTransferred', 'Ada', leader.driver.call!);
    expect(leader.client.activeCall!.transferredBy).to.equal('Ada');
    await waitUntil(() => told.length > 0, 'the follower was never told');
    expect(told).to.deep.equal(['Ada']);
    expect(follower.client.activeCall!.transferredBy).to.equal('Ada');
  });

  it('a ringing call declined in the follower is declined by the leader', async () => {
    const { leader, follower } = await twoTabs();
    leader.driver.receive(RING);
    await waitUntil(() => follower.names().includes(STD_EVENTS.INCOMING_CALL));
    follower.client.hangupCall();
    await waitUntil(() => leader.driver.methods.includes('reject'), 'the leader never declined');
    await waitUntil(() => leader.names().includes(STD_EVENTS.CALL_DISCONNECT));
    expect(follower.client.getStatus()).to.equal(Status.CLOSED);
    expect(leader.client.calls).to.have.length(0);
  });

  it('a call placed in the follower is placed by the leader and told to both', async () => {
    const { leader, follower } = await twoTabs();
    follower.client.call({ phoneNumber: '+15550008888' });
    await waitUntil(() => leader.driver.methods.includes('connect'), 'the leader never dialled');
    leader.driver.ring();
    leader.driver.answer();
    await waitUntil(() => follower.names().includes(STD_EVENTS.CALL_START), 'no CALL_START in the follower');
    const callId = leader.client.calls[0]!.callId;
    const init = follower.events.find((e) => e.event === STD_EVENTS.CALL_INIT)!.args;
    expect(init[1]).to.equal(callId);
    follower.client.hangupCall();
    await waitUntil(() => leader.client.calls.length === 0, 'the leader never hung up');
    await waitUntil(() => follower.client.calls.length === 0);
  });

  it('a call placed in the leader’s own page shows in the follower, which mutes and hangs it up', async () => {
    const { leader, follower } = await twoTabs();
    leader.client.call({ phoneNumber: '+15550009999' });
    await waitUntil(() => leader.driver.call, 'the leader never dialled');
    leader.driver.ring();
    leader.driver.answer();
    await waitUntil(() => follower.names().includes(STD_EVENTS.CALL_START), 'no CALL_START in the follower');
    const callId = leader.client.calls[0]!.callId;
    expect(follower.events.find((e) => e.event === STD_EVENTS.CALL_INIT)!.args[1]).to.equal(callId);
    expect(follower.events.find((e) => e.event === STD_EVENTS.CALL_START)!.args[0]).to.equal(callId);
    const [call] = follower.client.calls;
    expect([call?.direction, call?.to, call?.status]).to.deep.equal([
      'outgoing',
      '+15550009999',
      Status.OPEN,
    ]);
    // The follower placed nothing of its own, and the leader placed one call.
    expect(follower.driver.methods).to.deep.equal([]);
    expect(leader.driver.methods.filter((m) => m === 'connect')).to.have.length(1);

    follower.client.mute(true);
    await waitUntil(() => leader.client.isMuted(), 'the leader never muted');
    follower.client.hangupCall();
    await waitUntil(() => leader.client.calls.length === 0, 'the leader never hung up');
    await waitUntil(() => follower.names().includes(STD_EVENTS.CALL_DISCONNECT), 'no CALL_DISCONNECT');
    const calls = [
      STD_EVENTS.CALL_INIT,
      STD_EVENTS.CALL_START,
      STD_EVENTS.CALL_MUTE,
      STD_EVENTS.CALL_DISCONNECT,
    ];
    expect(follower.names()).to.deep.equal([STD_EVENTS.ONLINE, ...calls]);
    expect(follower.events.filter((e) => e.event === STD_EVENTS.ERROR)).to.deep.equal([]);
  });

  it('the follower registers once the leader tab goes, and rings; its mirrored ringing call is cancelled', async () => {
    const { leader, follower } = await twoTabs();
    leader.driver.receive(RING);
    await waitUntil(() => follower.names().includes(STD_EVENTS.INCOMING_CALL));
    const recovery: string[] = [];
    follower.client.addEventListener(NOTIFY_EVENTS.RECONNECT, (state) => recovery.push(state));
    leader.client.destroy();
    await waitUntil(() => registered(follower), 'the follower never registered');
    await online(follower);
    await waitUntil(() => recovery.length === 2, `recovery events: ${recovery.join()}`);
    expect(recovery).to.deep.equal(['reconnecting', 'reconnected']);
    // The mirrored call's CALL_CANCEL comes from the leader's own destroy() (relayed) or from this tab ending
    // its mirrors as it leads, whichever is first: before or after OFFLINE, always before it is ONLINE again.
    const names = follower.names();
    expect(names.filter((n) => n !== STD_EVENTS.CALL_CANCEL)).to.deep.equal([
      STD_EVENTS.ONLINE,
      STD_EVENTS.INCOMING_CALL,
      STD_EVENTS.OFFLINE,
      STD_EVENTS.ONLINE,
    ]);
    expect(names.indexOf(STD_EVENTS.CALL_CANCEL)).to.be.oneOf([2, 3]);
    expect(names.filter((n) => n === STD_EVENTS.CALL_CANCEL)).to.have.length(1);
    expect(follower.backend.methods).to.include('createSession');
    follower.driver.receive(RING);
    await waitUntil(() => follower.names().filter((n) => n === STD_EVENTS.INCOMING_CALL).length === 2);
  });

  it('the leader page going away lets its ringing invites go (not declined) only while other tabs are there', async () => {
    const lone = tab(fresh());
    lone.client.init();
    await online(lone);
    lone.driver.receive(RING);
    dispatchEvent(new PageTransitionEvent('pagehide'));
    expect(lone.driver.methods).to.not.include('releaseRinging');
    lone.client.destroy();

    const { leader, follower } = await twoTabs();
    leader.driver.receive(RING);
    await waitUntil(() => follower.names().includes(STD_EVENTS.INCOMING_CALL), 'the follower never rang');
    dispatchEvent(new PageTransitionEvent('pagehide'));
    expect(leader.driver.methods).to.include('releaseRinging');
    expect(leader.driver.methods).to.not.include('reject');
    expect(follower.driver.methods).to.deep.equal([]);
  });

  it('a leader that holds the lock and never answers (a frozen tab) is replaced', async function () {
    this.timeout(LEADER_SILENT_MS * 4);
    const url = fresh();
    let stolen = false;
    // The frozen tab: it holds the agent's lock and says nothing.
    void navigator.locks
      .request(`notify-phone|${url}|agent-1|${CALLER_ID}`, () => new Promise(() => undefined))
      .catch(() => (stolen = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const next = tab(url);
    next.client.init();
    await waitUntil(() => registered(next), 'never took over', { timeout: LEADER_SILENT_MS * 3 });
    await online(next);
    expect(stolen).to.equal(true);
  });

  it('a leader whose page freezes says so and is replaced; woken, it closes its session and follows', async function () {
    this.timeout(LEADER_SILENT_MS * 4);
    const { url, leader, follower } = await twoTabs();
    const said: { t: string; from: string }[] = [];
    const spy = new BroadcastChannel(`notify-phone|${url}|agent-1|${CALLER_ID}`);
    spy.onmessage = (event: MessageEvent<{ t: string; from: string }>) => said.push(event.data);
    try {
      // The page's document stands for the leader's: the follower does not lead, so the event means nothing to it.
      document.dispatchEvent(new Event('freeze'));
      await waitUntil(() => registered(follower), 'the follower never took over', {
        timeout: LEADER_SILENT_MS * 3,
      });
      await waitUntil(() => follower.backend.methods.includes('createSession'), 'no session of its own');
      const frozen = said.findIndex((m) => m.t === 'frozen');
      expect(frozen, 'the leader said it froze').to.not.equal(-1);
      const old = said[frozen]!.from;
      expect(
        said.slice(frozen + 1).filter((m) => m.from === old),
        'a frozen leader speaks',
      ).to.deep.equal([]);

      document.dispatchEvent(new Event('resume'));
      await waitUntil(
        () => leader.backend.methods.includes('deleteSession'),
        'the woken leader kept its session',
      );
      await online(leader);
      expect(leader.names()).to.deep.equal([STD_EVENTS.ONLINE, STD_EVENTS.OFFLINE, STD_EVENTS.ONLINE]);
      expect(said.filter((m) => m.from === old).map((m) => m.t)).to.include('sync');
    } finally {
      spy.close();
    }
  });

  it('without shareTabs each client registers on its own', async () => {
    const url = fresh();
    const a = makeClient({ config: { backendUrl: url } });
    const b = makeClient({ config: { backendUrl: url } });
    tabs.push(a, b);
    for (const t of [a, b]) {
      t.client.setCallerId(CALLER_ID);
      t.client.init();
      await online(t);
    }
    expect(registered(a) && registered(b)).to.equal(true);
  });
});
