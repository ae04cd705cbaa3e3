/**
 * Call routing through the real SDK: a virtual phone calls the demo Notify number and every available
 * client rings (first answer wins, the others are canceled), browser-to-browser calls through the
 * emulator's bridge, availability, and forwarding the other party with a REST update of its leg.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  api,
  dialFromPhone,
  emulatorLegs,
  heardPageMs,
  inboundPacketsOf,
  pageHears,
  peerConnections,
  phone,
  recordEvents,
  signInUser,
  stack,
  destroyAndSettle,
} from './helpers.js';
import { toneMs } from '../../../emulator/media/audio-meter.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS, Status } from '/dist/notify-client.js';

type Client = InstanceType<typeof NotifyClient>;
type EventLog = ReturnType<typeof recordEvents>;
interface Agent {
  client: Client;
  log: EventLog;
  token: string;
  user: { sys_id: string; name: string };
}

const TIMEOUT = { timeout: 15000, interval: 50 };
const SYS_ID = /^[0-9a-f]{32}$/;
const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);
const count = (log: EventLog, event: string) => fired(log, event).length;
let phoneSeq = 0;
/** A fresh virtual phone number per call, so that phone state never leaks between tests. */
const newPhone = () => `+1555440${String(Date.now() % 1000).padStart(3, '0')}${phoneSeq++ % 10}`;

const agents: Agent[] = [];

/** A new user's client on the demo number, online. */
async function online(config: object = {}): Promise<Agent> {
  const { token, user } = await signInUser(`routing-${Math.random().toString(36).slice(2, 8)}`);
  const client: Client = new NotifyClient(
    { autoLoadScriptResources: true, backendUrl: stack.backendUrl, authToken: token, ...config },
    true,
  );
  const log = recordEvents(client, STD_EVENTS);
  await new Promise<void>((resolve) => client.setCallerId(stack.demoNumber, () => resolve()));
  client.init();
  await waitUntil(() => count(log, STD_EVENTS.ONLINE) > 0, 'the client never came ONLINE', TIMEOUT);
  const agent = { client, log, token, user };
  agents.push(agent);
  return agent;
}

async function phoneCall(number: string, callSid?: string) {
  const { calls } = await phone(number);
  return (callSid ? calls.find((c) => c.callSid === callSid) : calls.at(-1)) as
    ((typeof calls)[number] & { digitsSentByTwilio?: string }) | undefined;
}

describe('notify API: incoming calls to a Notify number', function () {
  this.timeout(90000);
  afterEach(async () => {
    await destroyAndSettle(agents.splice(0).map((agent) => agent.client));
  });

  it('rings every available client; the first pickup gets the call, audio both ways, DTMF; the other gets CALL_CANCEL', async () => {
    const a = await online();
    const b = await online();
    const caller = newPhone();
    const parentSid = await dialFromPhone(caller, stack.demoNumber);

    await waitUntil(
      () => count(a.log, STD_EVENTS.INCOMING_CALL) === 1 && count(b.log, STD_EVENTS.INCOMING_CALL) === 1,
      'both clients should ring',
      TIMEOUT,
    );
    const [argsA, argsB] = [a, b].map((x) => fired(x.log, STD_EVENTS.INCOMING_CALL)[0]!.args);
    for (const args of [argsA!, argsB!]) {
      const [from, to, callId, parentId, sysId, isFromClient] = args;
      expect(from).to.equal(caller);
      expect(to).to.equal(stack.demoNumber);
      expect(callId).to.match(/^CA[0-9a-f]{32}$/);
      expect(parentId).to.match(SYS_ID);
      expect(sysId).to.equal(undefined);
      expect(isFromClient).to.equal(false);
    }
    // One child leg per client, one parent: the same notify_call parent row.
    expect(argsA![2]).to.not.equal(argsB![2]);
    expect(argsA![3]).to.equal(argsB![3]);
    const legs = await emulatorLegs();
    expect(legs.find((leg) => leg.sid === argsA![2])?.parentSid).to.equal(parentSid);

    a.client.pickupCall();
    await waitUntil(() => count(a.log, STD_EVENTS.CALL_START) === 1, 'no CALL_START on A', TIMEOUT);
    await waitUntil(() => count(b.log, STD_EVENTS.CALL_CANCEL) === 1, 'no CALL_CANCEL on B', TIMEOUT);
    expect(count(b.log, STD_EVENTS.CALL_START)).to.equal(0);
    expect(a.client.getStatus()).to.equal(Status.OPEN);

    const pc = peerConnections.at(-1)!;
    await waitUntil(async () => (await inboundPacketsOf(pc)) > 0, 'the page received no RTP', TIMEOUT);
    await waitUntil(
      async () => ((await phoneCall(caller, parentSid))?.audioPacketsReceived ?? 0) > 0,
      'the calling phone received no RTP',
      TIMEOUT,
    );
    a.client.sendDtmf('42#');
    await waitUntil(async () => (await phoneCall(caller, parentSid))?.digits === '42#', 'digits', TIMEOUT);

    a.client.hangupCall();
    await waitUntil(() => count(a.log, STD_EVENTS.CALL_DISCONNECT) === 1, 'no CALL_DISCONNECT', TIMEOUT);
    await waitUntil(
      async () => (await phoneCall(caller, parentSid))?.state === 'completed',
      'the phone call should end',
      TIMEOUT,
    );
    expect(fired(a.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    expect(fired(b.log, STD_EVENTS.ERROR)).to.deep.equal([]);
  });

  it('hangupCall() on a ringing call declines it: the leg ends busy and the caller is told', async () => {
    const a = await online();
    const caller = newPhone();
    const parentSid = await dialFromPhone(caller, stack.demoNumber);
    await waitUntil(() => count(a.log, STD_EVENTS.INCOMING_CALL) === 1, 'A should ring', TIMEOUT);
    const callId = fired(a.log, STD_EVENTS.INCOMING_CALL)[0]!.args[2];
    a.client.hangupCall();
    await waitUntil(() => a.client.getStatus() === Status.CLOSED, 'the call should be closed', TIMEOUT);
    await waitUntil(
      async () => (await emulatorLegs()).find((leg) => leg.sid === callId)?.status === 'busy',
      'the declined leg should end busy',
      TIMEOUT,
    );
    await waitUntil(
      async () =>
        (await emulatorLegs())
          .find((leg) => leg.sid === parentSid)
          ?.events?.some((e) => e.event === 'say' && /nobody is available/.test(String(e.detail?.text))) ??
        false,
      'the caller should hear that nobody is available',
      TIMEOUT,
    );
    expect(count(a.log, STD_EVENTS.CALL_START)).to.equal(0);
  });

  it('setClientAvailable(false): that client is not rung and getAvailableClients of another excludes it', async () => {
    const a = await online();
    const b = await online();
    const listOfA = () =>
      new Promise<Array<{ sys_id: string }>>((resolve) => a.client.getAvailableClients(resolve));
    expect((await listOfA()).map((c) => c.sys_id)).to.include(b.user.sys_id);

    b.client.setClientAvailable(false);
    await waitUntil(
      async () => !(await listOfA()).some((c) => c.sys_id === b.user.sys_id),
      'B should leave the available clients',
      TIMEOUT,
    );
    const seenByA = await api(a.token, 'GET', '/sessions/available');
    expect((seenByA.body.clients ?? []).map((c) => c.sys_id)).to.not.include(b.user.sys_id);

    const caller = newPhone();
    const parentSid = await dialFromPhone(caller, stack.demoNumber);
    await waitUntil(() => count(a.log, STD_EVENTS.INCOMING_CALL) === 1, 'A should ring', TIMEOUT);
    // Settled, not slept on: the <Dial> the backend answered for this call rang A and not B.
    const dial = (await emulatorLegs())
      .find((leg) => leg.sid === parentSid)
      ?.events?.find((e) => e.event === 'dial');
    const targets = JSON.stringify(dial?.detail?.targets ?? null);
    expect(targets).to.include(a.client.getSession()!.identity);
    expect(targets).to.not.include(b.client.getSession()!.identity);
    expect(count(b.log, STD_EVENTS.INCOMING_CALL)).to.equal(0);
    a.client.hangupCall();

    b.client.setClientAvailable(true);
    await waitUntil(
      async () => (await listOfA()).some((c) => c.sys_id === b.user.sys_id),
      'B should be back',
      TIMEOUT,
    );
  });
});

describe('notify API: browser to browser', function () {
  this.timeout(90000);
  afterEach(async () => {
    await destroyAndSettle(agents.splice(0).map((agent) => agent.client));
  });

  it('call({userId}) rings that user with sysId and isFromClient; audio both ways and DTMF across the bridge', async () => {
    const a = await online();
    const b = await online();
    const pcsBefore = peerConnections.length;
    a.client.call({ userId: b.user.sys_id });
    await waitUntil(() => count(b.log, STD_EVENTS.INCOMING_CALL) === 1, 'B should ring', TIMEOUT);
    const [from, to, callId, parentId, sysId, isFromClient] = fired(b.log, STD_EVENTS.INCOMING_CALL)[0]!.args;
    expect(from).to.match(/^client:s_[0-9a-f]{32}$/);
    expect(to).to.equal(stack.demoNumber);
    expect(callId).to.match(/^CA[0-9a-f]{32}$/);
    expect(parentId).to.match(SYS_ID);
    expect(sysId).to.equal(a.user.sys_id);
    expect(isFromClient).to.equal(true);

    b.client.pickupCall();
    await waitUntil(
      () => count(a.log, STD_EVENTS.CALL_START) === 1 && count(b.log, STD_EVENTS.CALL_START) === 1,
      'both should start',
      TIMEOUT,
    );
    const pcs = peerConnections.slice(pcsBefore);
    expect(pcs).to.have.length(2);
    for (const pc of pcs) {
      await waitUntil(async () => (await inboundPacketsOf(pc)) > 20, 'audio should flow both ways', TIMEOUT);
    }
    a.client.sendDtmf('7*');
    await waitUntil(
      async () =>
        (await emulatorLegs()).some(
          (leg) =>
            leg.events
              ?.filter((e) => e.event === 'dtmf-relayed' && e.detail?.to === callId)
              .map((e) => e.detail?.digits)
              .join('') === '7*',
        ),
      'the digits should be relayed to B’s leg',
      TIMEOUT,
    );
    b.client.hangupCall();
    await waitUntil(
      () => count(a.log, STD_EVENTS.CALL_DISCONNECT) === 1,
      'A should be disconnected',
      TIMEOUT,
    );
  });
});

describe('notify API: forwardCall', function () {
  this.timeout(90000);
  afterEach(async () => {
    await destroyAndSettle(agents.splice(0).map((agent) => agent.client));
  });

  async function answeredIncoming(agent: Agent) {
    const caller = newPhone();
    const parentSid = await dialFromPhone(caller, stack.demoNumber);
    await waitUntil(() => count(agent.log, STD_EVENTS.INCOMING_CALL) === 1, 'should ring', TIMEOUT);
    agent.client.pickupCall();
    await waitUntil(() => count(agent.log, STD_EVENTS.CALL_START) === 1, 'no CALL_START', TIMEOUT);
    return { caller, parentSid, callId: fired(agent.log, STD_EVENTS.INCOMING_CALL)[0]!.args[2] as string };
  }

  it('{type:"number", dtmf}: the caller is moved to the number, which hears the digits; this leg ends', async () => {
    const a = await online();
    const { caller, parentSid } = await answeredIncoming(a);
    const target = newPhone();
    a.client.forwardCall({ type: 'number', id: target, dtmf: '1234' });
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
    expect(forwarded.digitsSentByTwilio).to.equal('1234');
    // The caller is bridged to the target: each phone hears the other's tone for a second.
    await waitUntil(
      async () => toneMs((await phoneCall(target))!.audio, stack.phoneToneHz) >= 1000,
      'the target never heard the caller',
      TIMEOUT,
    );
    const callerBefore = toneMs((await phoneCall(caller, parentSid))!.audio, stack.phoneToneHz);
    await waitUntil(
      async () =>
        toneMs((await phoneCall(caller, parentSid))!.audio, stack.phoneToneHz) >= callerBefore + 1000,
      'the caller never heard the target',
      TIMEOUT,
    );
    expect(fired(a.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(target)}/hangup`, { method: 'POST' });
  });

  it('{type:"userId"}: the caller rings the other user, who picks up; this leg ends', async () => {
    const a = await online();
    const b = await online();
    b.client.setClientAvailable(false); // only A takes the first call
    await waitUntil(
      async () =>
        !((await api(a.token, 'GET', '/sessions/available')).body.clients ?? []).some(
          (c) => c.sys_id === b.user.sys_id,
        ),
      'B unavailable',
      TIMEOUT,
    );
    const { caller, parentSid } = await answeredIncoming(a);
    b.client.setClientAvailable(true);
    await waitUntil(
      async () =>
        ((await api(a.token, 'GET', '/sessions/available')).body.clients ?? []).some(
          (c) => c.sys_id === b.user.sys_id,
        ),
      'B available',
      TIMEOUT,
    );
    a.client.forwardCall({ type: 'userId', id: b.user.sys_id });
    await waitUntil(
      () => count(a.log, STD_EVENTS.CALL_DISCONNECT) === 1,
      'A should be disconnected',
      TIMEOUT,
    );
    await waitUntil(() => count(b.log, STD_EVENTS.INCOMING_CALL) === 1, 'B should ring', TIMEOUT);
    expect(fired(b.log, STD_EVENTS.INCOMING_CALL)[0]!.args[0]).to.equal(caller);
    b.client.pickupCall();
    await waitUntil(() => count(b.log, STD_EVENTS.CALL_START) === 1, 'B should start', TIMEOUT);
    // The caller hears B's microphone, and B hears the caller.
    const before = heardPageMs(await phoneCall(caller, parentSid));
    await waitUntil(
      async () => heardPageMs(await phoneCall(caller, parentSid)) >= before + 1000,
      'the caller should hear B',
      TIMEOUT,
    );
    await waitUntil(() => pageHears(stack.phoneToneHz), 'B should hear the caller', TIMEOUT);
    b.client.hangupCall();
  });

  it('forwards a call the client placed: the called phone is moved to a number, each hears the other', async () => {
    const a = await online();
    const called = newPhone();
    a.client.call({ phoneNumber: called });
    await waitUntil(() => count(a.log, STD_EVENTS.CALL_START) === 1, 'no CALL_START', TIMEOUT);
    await waitUntil(async () => (await phoneCall(called))?.state === 'in-progress', 'no answer', TIMEOUT);
    const target = newPhone();
    a.client.forwardCall({ type: 'number', id: target });
    await waitUntil(
      () => count(a.log, STD_EVENTS.CALL_DISCONNECT) === 1,
      'A should be disconnected',
      TIMEOUT,
    );
    await waitUntil(async () => (await phoneCall(target))?.state === 'in-progress', 'no target', TIMEOUT);
    await waitUntil(
      async () => toneMs((await phoneCall(target))!.audio, stack.phoneToneHz) >= 1000,
      'the target never heard the called phone',
      TIMEOUT,
    );
    const calledBefore = toneMs((await phoneCall(called))!.audio, stack.phoneToneHz);
    await waitUntil(
      async () => toneMs((await phoneCall(called))!.audio, stack.phoneToneHz) >= calledBefore + 1000,
      'the called phone never heard the target',
      TIMEOUT,
    );
    expect((await phoneCall(called))!.state).to.equal('in-progress');
    expect(fired(a.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(target)}/hangup`, { method: 'POST' });
  });

  it('forwards a call the client placed to another agent, who picks up and talks with the called phone', async () => {
    const a = await online();
    const b = await online();
    const called = newPhone();
    a.client.call({ phoneNumber: called });
    await waitUntil(() => count(a.log, STD_EVENTS.CALL_START) === 1, 'no CALL_START', TIMEOUT);
    await waitUntil(async () => (await phoneCall(called))?.state === 'in-progress', 'no answer', TIMEOUT);
    a.client.forwardCall({ type: 'userId', id: b.user.sys_id });
    await waitUntil(
      () => count(a.log, STD_EVENTS.CALL_DISCONNECT) === 1,
      'A should be disconnected',
      TIMEOUT,
    );
    await waitUntil(() => count(b.log, STD_EVENTS.INCOMING_CALL) === 1, 'B should ring', TIMEOUT);
    b.client.pickupCall();
    await waitUntil(() => count(b.log, STD_EVENTS.CALL_START) === 1, 'B should start', TIMEOUT);
    const before = heardPageMs(await phoneCall(called));
    await waitUntil(
      async () => heardPageMs(await phoneCall(called)) >= before + 1000,
      'the called phone never heard B',
      TIMEOUT,
    );
    await waitUntil(() => pageHears(stack.phoneToneHz), 'B never heard the called phone', TIMEOUT);
    expect(fired(a.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    expect(fired(b.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    b.client.hangupCall();
  });

  it('another user’s call id: 403 and nothing changes', async () => {
    const a = await online();
    const { callId, caller, parentSid } = await answeredIncoming(a);
    const intruder = await signInUser(`intruder-${Math.random().toString(36).slice(2, 8)}`);
    const forward = await api(intruder.token, 'POST', `/calls/${callId}/forward`, {
      type: 'number',
      id: '+15559998888',
    });
    expect(forward.status).to.equal(403);
    expect(forward.body.error?.code).to.equal('FORBIDDEN');
    const parent = await api(intruder.token, 'GET', `/calls/${callId}/parent`);
    expect(parent.status).to.equal(403);
    // Settled, not slept on: after the refusals the caller still hears A for another half second.
    const heardBefore = heardPageMs(await phoneCall(caller, parentSid));
    await waitUntil(
      async () => heardPageMs(await phoneCall(caller, parentSid)) >= heardBefore + 500,
      'the call stopped carrying A’s voice',
      TIMEOUT,
    );
    expect(a.client.getStatus()).to.equal(Status.OPEN);
    expect(count(a.log, STD_EVENTS.CALL_DISCONNECT)).to.equal(0);
    expect((await phone('+15559998888')).calls).to.have.length(0);
    a.client.hangupCall();
  });
});
