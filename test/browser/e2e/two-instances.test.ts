/**
 * Two backend instances (/api and /api-2 of the `twoInstances` stack) on one PostgreSQL schema, sharing no
 * memory: only the database (rows, and presence through LISTEN/NOTIFY) and the configuration a load balancer's
 * instances share. Client A is signed in and online through instance 1, client B through instance 2; the
 * emulator sends the voice webhooks of calls to the Notify number to the instances in turn. Each test checks
 * what each client sees, what each instance answers, and the rows in PostgreSQL.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect, waitUntil } from '@open-wc/testing';
import {
  heardPageMs,
  inboundPacketsOf,
  peerConnections,
  recordEvents,
  type ApiBody,
  type EmulatorLeg,
  type PhoneCall,
  destroyAndSettle,
} from './helpers.js';
// @ts-expect-error served by the stack plugin at test time; the query starts the two-instance stack
import { stack as served } from '/__stack.js?twoInstances';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS, Status } from '/dist/notify-client.js';

interface TwoInstancesInfo {
  origin: string;
  /** Instance 1 (/api) and instance 2 (/api-2). */
  backendUrls: [string, string];
}
const { twoInstances, demoNumber } = served as {
  twoInstances: TwoInstancesInfo | { skip: string };
  demoNumber: string;
};

type Client = InstanceType<typeof NotifyClient>;
type EventLog = ReturnType<typeof recordEvents>;
interface Agent {
  client: Client;
  log: EventLog;
  token: string;
  user: { sys_id: string; name: string };
  /** The instance this client signed in and talks to. */
  backendUrl: string;
  session(): string;
}
interface CallRow {
  sys_id: string;
  call_sid: string;
  parent_call_sid: string | null;
  parent_sys_id: string | null;
  session: string | null;
  direction: string;
  from: string;
  to: string;
  status: string;
  /** Seconds, from the terminal status callback's CallDuration; null while the leg lasts. */
  duration: number | null;
}
interface SessionRow {
  sys_id: string;
  user: string;
  number: string;
  available: boolean;
}

const TIMEOUT = { timeout: 15000, interval: 50 };
/** Polls that hit a backend: slower, to stay far below the per-IP rate limit (600/min per instance). */
const POLL = { timeout: 15000, interval: 250 };
const SYS_ID = /^[0-9a-f]{32}$/;
const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);
const count = (log: EventLog, event: string) => fired(log, event).length;
let phoneSeq = 0;
/** A fresh virtual phone number per call, so that phone state never leaks between tests. */
const newPhone = () => `+1555441${String(Date.now() % 1000).padStart(3, '0')}${phoneSeq++ % 10}`;

const agents: Agent[] = [];

describe('two backend instances on one PostgreSQL', function () {
  this.timeout(120000);
  let two: TwoInstancesInfo;
  let instance1: string;
  let instance2: string;

  before(function () {
    if ('skip' in twoInstances) {
      console.warn(`two-instances: skipped (${twoInstances.skip})`);
      this.skip();
    }
    two = twoInstances as TwoInstancesInfo;
    [instance1, instance2] = two.backendUrls;
  });

  afterEach(async () => {
    await destroyAndSettle(
      agents.splice(0).map((agent) => agent.client),
      two.origin,
    );
  });

  /** A backend request as a signed-in user, to one instance. */
  async function api(base: string, token: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as ApiBody };
  }

  const parentThrough = async (base: string, agent: Agent, callSid: string) =>
    api(base, agent.token, 'GET', `/calls/${encodeURIComponent(callSid)}/parent`);
  const availableThrough = async (base: string, agent: Agent) =>
    ((await api(base, agent.token, 'GET', '/sessions/available')).body.clients ?? []).map((c) => c.sys_id);
  const listOf = (agent: Agent) =>
    new Promise<Array<{ sys_id: string }>>((resolve) => agent.client.getAvailableClients(resolve)).then(
      (clients) => clients.map((c) => c.sys_id),
    );

  /** A new user signed in through `backendUrl`, its client online on the demo number through it too. */
  async function online(backendUrl: string): Promise<Agent> {
    const response = await fetch(`${backendUrl}/auth/dev-sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `two-${Math.random().toString(36).slice(2, 8)}` }),
    });
    expect(response.status).to.equal(200);
    const { token, user } = (await response.json()) as { token: string; user: Agent['user'] };
    const client: Client = new NotifyClient(
      { autoLoadScriptResources: true, backendUrl, authToken: token },
      true,
    );
    const log = recordEvents(client, STD_EVENTS);
    await new Promise<void>((resolve) => client.setCallerId(demoNumber, () => resolve()));
    client.init();
    await waitUntil(() => count(log, STD_EVENTS.ONLINE) > 0, 'the client never came ONLINE', TIMEOUT);
    const session = () => (client.getSession() as { sys_id: string } | null)?.sys_id ?? '';
    expect(session()).to.match(SYS_ID);
    const agent: Agent = { client, log, token, user, backendUrl, session };
    agents.push(agent);
    return agent;
  }

  async function rows(query: { callSids?: string[]; sessionSysIds?: string[] }) {
    return executeServerCommand<{ calls: CallRow[]; sessions: SessionRow[] }, typeof query>(
      'two-instances-rows',
      query,
    );
  }

  async function dial(from: string): Promise<string> {
    const response = await fetch(`${two.origin}/emulator/phones/${encodeURIComponent(from)}/dial`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: demoNumber }),
    });
    expect(response.status).to.equal(201);
    return ((await response.json()) as { callSid: string }).callSid;
  }

  async function legs(): Promise<EmulatorLeg[]> {
    return ((await (await fetch(`${two.origin}/emulator/calls`)).json()) as { calls: EmulatorLeg[] }).calls;
  }

  /** The instance base URL the emulator posted a parent call's voice webhook to. */
  async function voiceWebhookOf(parentSid: string): Promise<string> {
    const leg = (await legs()).find((l) => l.sid === parentSid);
    const url = leg?.events?.find(
      (e) => e.event === 'webhook' && /\/twilio\/voice$/.test(String(e.detail?.url)),
    )?.detail?.url;
    expect(url, `no voice webhook recorded for ${parentSid}`).to.be.a('string');
    return String(url).replace(/\/twilio\/voice$/, '');
  }

  async function phoneCall(number: string, callSid?: string) {
    const response = await fetch(`${two.origin}/emulator/phones/${encodeURIComponent(number)}`);
    const { calls } = (await response.json()) as {
      calls: Array<{
        callSid: string;
        parentCallSid: string | null;
        state: string;
        digits: string;
        audioPacketsReceived: number;
        digitsSentByTwilio?: string;
        audio: PhoneCall['audio'];
      }>;
    };
    return callSid ? calls.find((c) => c.callSid === callSid) : calls.at(-1);
  }

  const incoming = (agent: Agent, index = 0) => {
    const [from, to, callId, parentId, sysId, isFromClient] = fired(agent.log, STD_EVENTS.INCOMING_CALL)[
      index
    ]!.args as [string, string, string, string, string | undefined, boolean];
    return { from, to, callId, parentId, sysId, isFromClient };
  };

  it('a call rings A (instance 1) and B (instance 2); B picks up: audio and DTMF reach the phone, A gets CALL_CANCEL; both instances answer from the same rows', async () => {
    const a = await online(instance1);
    const b = await online(instance2);
    // Each sees the other, whichever instance created the other's session.
    expect(await listOf(a)).to.include(b.user.sys_id);
    expect(await listOf(b)).to.include(a.user.sys_id);

    const caller = newPhone();
    const parentSid = await dial(caller);
    await waitUntil(
      () => count(a.log, STD_EVENTS.INCOMING_CALL) === 1 && count(b.log, STD_EVENTS.INCOMING_CALL) === 1,
      'both clients should ring',
      TIMEOUT,
    );
    expect(two.backendUrls).to.include(await voiceWebhookOf(parentSid));
    const ringA = incoming(a);
    const ringB = incoming(b);
    for (const ring of [ringA, ringB]) {
      expect(ring.from).to.equal(caller);
      expect(ring.to).to.equal(demoNumber);
      expect(ring.callId).to.match(/^CA[0-9a-f]{32}$/);
      expect(ring.isFromClient).to.equal(false);
    }
    expect(ringA.callId).to.not.equal(ringB.callId);
    expect(ringA.parentId).to.match(SYS_ID).and.equal(ringB.parentId);

    b.client.pickupCall();
    await waitUntil(() => count(b.log, STD_EVENTS.CALL_START) === 1, 'no CALL_START on B', TIMEOUT);
    await waitUntil(() => count(a.log, STD_EVENTS.CALL_CANCEL) === 1, 'no CALL_CANCEL on A', TIMEOUT);
    expect(count(a.log, STD_EVENTS.CALL_START)).to.equal(0);
    expect(b.client.getStatus()).to.equal(Status.OPEN);

    const pc = peerConnections.at(-1)!;
    await waitUntil(async () => (await inboundPacketsOf(pc)) > 0, 'B received no RTP', TIMEOUT);
    // The caller hears B for two seconds: the call lasts at least that long (its rows' durations say so).
    await waitUntil(
      async () => heardPageMs(await phoneCall(caller, parentSid)) >= 2000,
      'the calling phone never heard B',
      TIMEOUT,
    );
    b.client.sendDtmf('58#');
    await waitUntil(async () => (await phoneCall(caller, parentSid))?.digits === '58#', 'digits', TIMEOUT);

    // Each leg's parent, through either instance, with either user's token signed by the other instance.
    for (const base of [instance1, instance2]) {
      expect((await parentThrough(base, b, ringB.callId)).body).to.deep.equal({ parentId: ringB.parentId });
      expect((await parentThrough(base, a, ringA.callId)).body).to.deep.equal({ parentId: ringA.parentId });
      // Authorization holds the same way on both: not a leg of one's own session.
      expect((await parentThrough(base, a, ringB.callId)).status).to.equal(403);
    }

    // The rows, straight from PostgreSQL.
    await waitUntil(
      async () => {
        const { calls } = await rows({ callSids: [ringB.callId] });
        return calls[0]?.status === 'in-progress';
      },
      'B’s leg should be recorded in progress',
      POLL,
    );
    const { calls } = await rows({ callSids: [parentSid, ringA.callId, ringB.callId] });
    const bySid = new Map(calls.map((row) => [row.call_sid, row]));
    expect(bySid.get(parentSid)).to.include({
      sys_id: ringA.parentId,
      parent_call_sid: null,
      session: null,
      direction: 'inbound',
      from: caller,
      to: demoNumber,
    });
    expect(bySid.get(ringB.callId)).to.include({
      parent_call_sid: parentSid,
      parent_sys_id: ringB.parentId,
      session: b.session(),
    });
    expect(bySid.get(ringA.callId)).to.include({
      parent_call_sid: parentSid,
      parent_sys_id: ringA.parentId,
      session: a.session(),
    });

    b.client.hangupCall();
    await waitUntil(() => count(b.log, STD_EVENTS.CALL_DISCONNECT) === 1, 'no CALL_DISCONNECT', TIMEOUT);
    await waitUntil(
      async () => (await phoneCall(caller, parentSid))?.state === 'completed',
      'the phone call should end',
      TIMEOUT,
    );
    // Every leg ends in the database as it ended: the children through their <Dial> status callbacks, the
    // parent through the number's StatusCallback (`completed` when the parent leg ends).
    await waitUntil(
      async () => {
        const ended = await rows({ callSids: [parentSid, ringA.callId, ringB.callId] });
        const status = new Map(ended.calls.map((row) => [row.call_sid, row.status]));
        return (
          status.get(ringA.callId) === 'canceled' &&
          status.get(ringB.callId) === 'completed' &&
          status.get(parentSid) === 'completed'
        );
      },
      'A’s leg should end canceled, B’s and the parent completed in the database',
      POLL,
    );
    const [parentRow] = (await rows({ callSids: [parentSid] })).calls;
    expect(parentRow).to.include({
      sys_id: ringA.parentId,
      parent_call_sid: null,
      session: null,
      direction: 'inbound',
      status: 'completed',
    });
    // Durations survive whichever instance the last status callback reached: B talked for 2 s or more.
    const [bRow] = (await rows({ callSids: [ringB.callId] })).calls;
    expect(bRow!.duration, 'B’s leg lost its duration').to.be.a('number').at.least(2);
    expect(parentRow!.duration, 'the parent leg lost its duration').to.be.a('number').at.least(2);
    expect(fired(a.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    expect(fired(b.log, STD_EVENTS.ERROR)).to.deep.equal([]);
  });

  it('B unavailable through instance 2: A’s views through instance 1 exclude B and the next call rings only A; back, B rings again', async () => {
    const a = await online(instance1);
    const b = await online(instance2);
    // A follows the pushed list (GET /presence on instance 1), fed by instance 2's NOTIFY.
    const pushedToA: string[][] = [];
    a.client.watchAvailableClients((clients: Array<{ sys_id: string }>) =>
      pushedToA.push(clients.map((c) => c.sys_id)),
    );
    await waitUntil(
      () => pushedToA.at(-1)?.includes(b.user.sys_id),
      'A’s pushed list should have B',
      TIMEOUT,
    );
    expect(await availableThrough(instance1, a)).to.include(b.user.sys_id);
    expect(await availableThrough(instance2, b)).to.include(a.user.sys_id);

    b.client.setClientAvailable(false);
    await waitUntil(
      async () => (await rows({ sessionSysIds: [b.session()] })).sessions[0]?.available === false,
      'B’s session row should turn unavailable',
      POLL,
    );
    await waitUntil(
      () => pushedToA.at(-1)?.includes(b.user.sys_id) === false,
      'instance 1 should push A a list without B',
      TIMEOUT,
    );
    expect(await listOf(a)).to.not.include(b.user.sys_id);
    expect(await availableThrough(instance1, a)).to.not.include(b.user.sys_id);
    expect(await availableThrough(instance2, a)).to.not.include(b.user.sys_id);
    // B still sees A: only B's own availability changed.
    expect(await listOf(b)).to.include(a.user.sys_id);
    const { sessions } = await rows({ sessionSysIds: [a.session(), b.session()] });
    expect(sessions.map((s) => [s.user, s.available])).to.have.deep.members([
      [a.user.sys_id, true],
      [b.user.sys_id, false],
    ]);

    const first = await dial(newPhone());
    await waitUntil(() => count(a.log, STD_EVENTS.INCOMING_CALL) === 1, 'A should ring', TIMEOUT);
    // Settled, not slept on: A rang, so the emulator has run the <Dial>, which creates the legs of every
    // client it rings at once: the call's legs are A's alone, and B was never rung.
    const rung = (await legs()).filter((leg) => leg.parentSid === first).map((leg) => leg.to);
    expect(rung).to.deep.equal([`client:${a.client.getSession()!.identity}`]);
    expect(count(b.log, STD_EVENTS.INCOMING_CALL)).to.equal(0);
    a.client.hangupCall();
    await waitUntil(() => a.client.getStatus() === Status.CLOSED, 'A’s declined call should close', TIMEOUT);

    b.client.setClientAvailable(true);
    await waitUntil(async () => (await listOf(a)).includes(b.user.sys_id), 'B should be back for A', POLL);
    await waitUntil(() => pushedToA.at(-1)?.includes(b.user.sys_id), 'and pushed to A', TIMEOUT);
    const second = await dial(newPhone());
    await waitUntil(
      () => count(a.log, STD_EVENTS.INCOMING_CALL) === 2 && count(b.log, STD_EVENTS.INCOMING_CALL) === 1,
      'both should ring again',
      TIMEOUT,
    );
    expect(incoming(a, 1).parentId).to.equal(incoming(b).parentId);
    // Like a load balancer: consecutive calls' webhooks went to different instances.
    const served = [await voiceWebhookOf(first), await voiceWebhookOf(second)];
    expect(served).to.have.members([instance1, instance2]);
    a.client.hangupCall();
    b.client.hangupCall();
    await waitUntil(
      () => a.client.getStatus() === Status.CLOSED && b.client.getStatus() === Status.CLOSED,
      'both declined',
      TIMEOUT,
    );
    expect(fired(a.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    expect(fired(b.log, STD_EVENTS.ERROR)).to.deep.equal([]);
  });

  it('forwarding: B forwards the caller to A through instance 2, A picks up, then forwards it to a number through instance 1', async () => {
    const a = await online(instance1);
    const b = await online(instance2);
    a.client.setClientAvailable(false); // only B takes the call
    await waitUntil(
      async () => !(await availableThrough(instance2, b)).includes(a.user.sys_id),
      'A unavailable, seen through instance 2',
      POLL,
    );
    const caller = newPhone();
    const parentSid = await dial(caller);
    await waitUntil(() => count(b.log, STD_EVENTS.INCOMING_CALL) === 1, 'B should ring', TIMEOUT);
    const ringB = incoming(b);
    b.client.pickupCall();
    await waitUntil(() => count(b.log, STD_EVENTS.CALL_START) === 1, 'B should start', TIMEOUT);
    expect(count(a.log, STD_EVENTS.INCOMING_CALL)).to.equal(0);

    a.client.setClientAvailable(true);
    await waitUntil(
      async () => (await availableThrough(instance2, b)).includes(a.user.sys_id),
      'A available, seen through instance 2',
      POLL,
    );
    b.client.forwardCall({ type: 'userId', id: a.user.sys_id });
    await waitUntil(
      () => count(b.log, STD_EVENTS.CALL_DISCONNECT) === 1,
      'B should be disconnected',
      TIMEOUT,
    );
    await waitUntil(() => count(a.log, STD_EVENTS.INCOMING_CALL) === 1, 'A should ring', TIMEOUT);
    const ringA = incoming(a);
    expect(ringA.from).to.equal(caller);
    expect(ringA.parentId).to.equal(ringB.parentId);
    a.client.pickupCall();
    await waitUntil(() => count(a.log, STD_EVENTS.CALL_START) === 1, 'A should start', TIMEOUT);
    const before = (await phoneCall(caller, parentSid))!.audioPacketsReceived;
    await waitUntil(
      async () => ((await phoneCall(caller, parentSid))?.audioPacketsReceived ?? 0) > before + 10,
      'the caller should hear A',
      TIMEOUT,
    );
    // A's forwarded leg, with the original parent, through both instances and in PostgreSQL.
    for (const base of [instance1, instance2]) {
      expect((await parentThrough(base, a, ringA.callId)).body).to.deep.equal({ parentId: ringB.parentId });
      expect((await parentThrough(base, b, ringA.callId)).status).to.equal(403);
    }
    await waitUntil(
      async () => {
        const { calls } = await rows({ callSids: [ringA.callId, ringB.callId] });
        const bySid = new Map(calls.map((row) => [row.call_sid, row]));
        return (
          bySid.get(ringA.callId)?.status === 'in-progress' &&
          bySid.get(ringA.callId)?.session === a.session() &&
          bySid.get(ringA.callId)?.parent_call_sid === parentSid &&
          bySid.get(ringB.callId)?.status === 'completed'
        );
      },
      'A’s leg in progress on A’s session under the same parent, B’s leg completed',
      POLL,
    );

    const target = newPhone();
    a.client.forwardCall({ type: 'number', id: target, dtmf: '31' });
    await waitUntil(
      () => count(a.log, STD_EVENTS.CALL_DISCONNECT) === 1,
      'A should be disconnected',
      TIMEOUT,
    );
    await waitUntil(
      async () => (await phoneCall(target))?.state === 'in-progress',
      'the target should answer',
      TIMEOUT,
    );
    const forwarded = (await phoneCall(target))!;
    expect(forwarded.parentCallSid).to.equal(parentSid);
    expect(forwarded.digitsSentByTwilio).to.equal('31');
    await waitUntil(
      async () => (await rows({ callSids: [forwarded.callSid] })).calls[0]?.parent_call_sid === parentSid,
      'the number’s leg should be recorded under the parent',
      POLL,
    );
    await fetch(`${two.origin}/emulator/phones/${encodeURIComponent(target)}/hangup`, { method: 'POST' });
    await waitUntil(
      async () => {
        const ended = await rows({ callSids: [ringA.callId, forwarded.callSid] });
        const bySid = new Map(ended.calls.map((row) => [row.call_sid, row]));
        return (
          bySid.get(ringA.callId)?.status === 'completed' &&
          bySid.get(forwarded.callSid)?.status === 'completed'
        );
      },
      'A’s leg and the number’s leg should end completed in the database',
      POLL,
    );
    const { calls } = await rows({ callSids: [parentSid, ringB.callId, ringA.callId, forwarded.callSid] });
    // One parent row, and its three children in the order they were placed: B, A (through instance 2's
    // forward), the number (through instance 1's forward).
    expect(calls.map((row) => row.call_sid)).to.deep.equal([
      parentSid,
      ringB.callId,
      ringA.callId,
      forwarded.callSid,
    ]);
    expect(calls.slice(1).map((row) => [row.parent_call_sid, row.parent_sys_id, row.session])).to.deep.equal([
      [parentSid, ringB.parentId, b.session()],
      [parentSid, ringB.parentId, a.session()],
      [parentSid, ringB.parentId, null],
    ]);
    expect(calls[3]).to.include({ from: demoNumber, to: target });
    expect(fired(a.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    expect(fired(b.log, STD_EVENTS.ERROR)).to.deep.equal([]);
  });
});
