/**
 * Calls as objects through the real stack: hold and resume (the held party hears the hold tone, never the agent;
 * resume brings audio back both ways), call waiting under both policies, warm transfer completed and cancelled
 * to a number and to an agent, and a three-way call. Twilio's model: the backend moves a call into its
 * conference (REST redirect), holds participants with the account's hold audio, and the page's SDK leg leaves
 * on hold and joins again on resume. What each party hears is measured: the virtual phones' audio meters
 * (tones by frequency) and the page's Web Audio analyser.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  api,
  destroyAndSettle,
  dialFromPhone,
  emulatorLegs,
  heardPageMs,
  pageHears,
  peerConnections,
  recordEvents,
  signInUser,
  stack,
} from './helpers.js';
import { HOLD_TONES, heard, hearsHoldTone, hearsMore, lastCall, tonePhone } from './tones.js';
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

const TIMEOUT = { timeout: 20000, interval: 50 };
const count = (log: EventLog, event: string) => log.filter((entry) => entry.event === event).length;
const errors = (log: EventLog) =>
  log.filter((entry) => entry.event === STD_EVENTS.ERROR).map((entry) => entry.args);
/** A consulted phone's tone: far from the hold tones (660/880 Hz), the page's (1 kHz) and the customers' (520 Hz). */
const TARGET_HZ = 1800;
/** A frame or two of a mix can read as any frequency: a party that was really heard was heard for far longer. */
const NEVER_HEARD_MS = 100;

const agents: Agent[] = [];

async function online(config: object = {}): Promise<Agent> {
  const { token, user } = await signInUser(`hold-${Math.random().toString(36).slice(2, 8)}`);
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

/** Places a call from the agent to a phone and waits until audio flows both ways. */
async function callPhone(agent: Agent, number: string) {
  agent.client.call({ phoneNumber: number });
  await waitUntil(() => agent.client.getStatus() === Status.OPEN, 'the call never opened', TIMEOUT);
  await waitUntil(
    async () => heardPageMs(await lastCall(number)) > 300,
    'the phone never heard the page',
    TIMEOUT,
  );
  return agent.client.activeCall!;
}

afterEach(async () => {
  await destroyAndSettle(agents.splice(0).map((agent) => agent.client));
});

describe('calls as objects: hold and resume', function () {
  this.timeout(90000);

  it('holds on the server: the phone hears the hold tone and nothing of the page; resume brings audio back both ways', async () => {
    const agent = await online();
    const number = await tonePhone(520);
    const call = await callPhone(agent, number);
    await waitUntil(() => pageHears(520), 'the page never heard the phone', TIMEOUT);
    const log = agent.log;
    const eventsBefore = log.length;

    const holds: boolean[] = [];
    call.events.on('hold', (held: boolean) => holds.push(held));
    expect(await call.hold()).to.equal(true);
    expect(call.held).to.equal(true);
    expect(call.status).to.equal(Status.OPEN);
    expect(agent.client.activeCall).to.equal(null);
    expect(agent.client.calls).to.deep.equal([call]);
    await hearsHoldTone(number);
    // The agent's microphone reaches the phone no more: its leg left (the page's connection is closed).
    const pageBefore = heardPageMs(await lastCall(number));
    await hearsMore(number, HOLD_TONES[0]!, 600);
    expect(heardPageMs(await lastCall(number))).to.equal(pageBefore);
    expect(peerConnections.at(-1)!.connectionState).to.equal('closed');
    // The phone's call is alive, in the call's conference on the server.
    expect((await lastCall(number))!.state).to.equal('in-progress');
    const state = await api(agent.token, 'GET', `/calls/${call.callId}/conference`);
    expect(state.body.conference).to.equal(`notify-${call.callId}`);
    expect(state.body.live).to.equal(true);
    expect((state.body.participants as Array<{ hold: boolean }>).map((p) => p.hold)).to.deep.equal([true]);

    expect(await call.resume()).to.equal(true);
    expect(call.held).to.equal(false);
    expect(agent.client.activeCall).to.equal(call);
    expect(holds).to.deep.equal([true, false]);
    await hearsMore(number, stack.pageToneHz, 400, 'the phone never heard the page again');
    await waitUntil(() => pageHears(520), 'the page never heard the phone again', TIMEOUT);
    // Hold and resume are no ServiceNow events: nothing was fired meanwhile.
    expect(log.slice(eventsBefore)).to.deep.equal([]);
    expect(call.callId).to.match(/^CA[0-9a-f]{32}$/);

    agent.client.hangupCall();
    expect(count(log, STD_EVENTS.CALL_DISCONNECT)).to.equal(1);
    // One call in the history, whatever legs hold and resume took.
    const history = await api(agent.token, 'GET', '/calls');
    expect(
      (history.body.calls as Array<{ callSid: string; number: string }>).map((c) => [c.callSid, c.number]),
    ).to.deep.equal([[call.callId, number]]);
    // The agent left: the conference ended and the phone's call with it.
    await waitUntil(
      async () => (await lastCall(number))!.state === 'completed',
      'the phone stayed in the call',
      TIMEOUT,
    );
  });

  it('holds an incoming call (the caller is the parent leg): hold tone, resume, and the caller hanging up while held ends the call', async () => {
    const agent = await online();
    const caller = await tonePhone(520);
    await dialFromPhone(caller, stack.demoNumber);
    await waitUntil(() => count(agent.log, STD_EVENTS.INCOMING_CALL) === 1, 'the call never rang', TIMEOUT);
    agent.client.pickupCall();
    await waitUntil(() => agent.client.getStatus() === Status.OPEN, 'the call never opened', TIMEOUT);
    const call = agent.client.activeCall!;
    await hearsMore(caller, stack.pageToneHz, 300, 'the caller never heard the page');
    expect(await call.hold()).to.equal(true);
    await hearsHoldTone(caller);
    expect(await call.resume()).to.equal(true);
    await hearsMore(caller, stack.pageToneHz, 400, 'the caller never heard the page again');
    await waitUntil(() => pageHears(520), 'the page never heard the caller again', TIMEOUT);
    // Held again, the caller gives up: the parked call ends here too (CALL_DISCONNECT once).
    expect(await call.hold()).to.equal(true);
    await hearsHoldTone(caller);
    const response = await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(caller)}/hangup`, {
      method: 'POST',
    });
    expect(response.status).to.be.lessThan(300);
    await waitUntil(() => call.status === Status.CLOSED, 'the held call never ended', TIMEOUT);
    expect(count(agent.log, STD_EVENTS.CALL_DISCONNECT)).to.equal(1);
    expect(agent.client.calls).to.deep.equal([]);
  });

  it('hanging up a held call releases its party: the phone call ends', async () => {
    const agent = await online();
    const number = await tonePhone(520);
    const call = await callPhone(agent, number);
    expect(await call.hold()).to.equal(true);
    await hearsHoldTone(number);
    call.hangup();
    expect(call.status).to.equal(Status.CLOSED);
    expect(count(agent.log, STD_EVENTS.CALL_DISCONNECT)).to.equal(1);
    await waitUntil(
      async () => (await lastCall(number))!.state === 'completed',
      'the held phone stayed on',
      TIMEOUT,
    );
  });

  it('refuses what the state does not allow, with a coded error, and changes nothing', async () => {
    const agent = await online();
    const number = await tonePhone(520);
    const call = await callPhone(agent, number);
    const errors = () => agent.log.filter((e) => e.event === STD_EVENTS.ERROR).map((e) => e.args[1]);
    expect(await call.resume()).to.equal(false);
    expect(await agent.client.completeTransfer()).to.equal(false);
    expect(await agent.client.cancelTransfer()).to.equal(false);
    expect(await agent.client.transferCall({ type: 'number', id: '555' })).to.equal(null);
    expect(await agent.client.addToCall({ type: 'elsewhere', id: '+15551234567' })).to.equal(false);
    expect(errors()).to.deep.equal([
      'INVALID_STATE',
      'INVALID_STATE',
      'INVALID_STATE',
      'INVALID_NUMBER',
      'INVALID_ARGUMENT',
    ]);
    expect(call.held).to.equal(false);
    expect(agent.client.activeCall).to.equal(call);
    // Another user's call: the backend refuses every action on it.
    const other = await signInUser(`mallory-${Math.random().toString(36).slice(2, 8)}`);
    for (const [method, action, body] of [
      ['POST', 'hold', { hold: true }],
      ['POST', 'participants', { type: 'number', id: '+15551234567' }],
      ['POST', 'transfer', { consultCallSid: call.callId }],
      ['POST', 'end', {}],
      ['GET', 'conference', undefined],
    ] as const) {
      const refused = await api(other.token, method, `/calls/${call.callId}/${action}`, body);
      expect([action, refused.status, refused.body.error?.code]).to.deep.equal([action, 403, 'FORBIDDEN']);
    }
    expect(call.held).to.equal(false);
    expect((await lastCall(number))!.state).to.equal('in-progress');
    await hearsMore(number, stack.pageToneHz, 300, 'the phone stopped hearing the page');
    agent.client.hangupCall();
    await call.hold().then((ok: boolean) => expect(ok).to.equal(false));
    expect(errors().at(-1)).to.equal('INVALID_STATE');
  });
});

describe('calls as objects: call waiting', function () {
  this.timeout(90000);

  it("'ring': a call during a call is announced; answering it holds the first, which resumes after", async () => {
    const agent = await online({ callWaiting: 'ring' });
    const first = await tonePhone(520);
    const firstCall = await callPhone(agent, first);
    const caller = await tonePhone(610);
    await dialFromPhone(caller, stack.demoNumber);
    await waitUntil(
      () => count(agent.log, STD_EVENTS.INCOMING_CALL) === 1,
      'no waiting call announced',
      TIMEOUT,
    );
    const waiting = agent.client.calls.find((c: { direction: string }) => c.direction === 'incoming');
    expect(waiting.status).to.equal(Status.PENDING);
    expect(agent.client.activeCall).to.equal(firstCall);
    expect(agent.client.getStatus()).to.equal(Status.OPEN);

    agent.client.pickupCall();
    await waitUntil(() => waiting.status === Status.OPEN, 'the waiting call was never answered', TIMEOUT);
    expect(firstCall.held).to.equal(true);
    expect(agent.client.activeCall).to.equal(waiting);
    await hearsHoldTone(first);
    await hearsMore(caller, stack.pageToneHz, 400, 'the waiting caller never heard the page');
    await waitUntil(() => pageHears(610), 'the page never heard the waiting caller', TIMEOUT);

    waiting.hangup();
    await waitUntil(() => waiting.status === Status.CLOSED, 'the waiting call never ended', TIMEOUT);
    expect(await firstCall.resume()).to.equal(true);
    await hearsMore(first, stack.pageToneHz, 400, 'the first phone never heard the page again');
    await waitUntil(() => pageHears(520), 'the page never heard the first phone again', TIMEOUT);
    agent.client.hangupCall();
  });

  it("'busy' (the default): a call during a call rings the free agent, never the busy one", async () => {
    const busy = await online();
    const free = await online();
    await callPhone(busy, await tonePhone(520));
    const caller = await tonePhone(610);
    await dialFromPhone(caller, stack.demoNumber);
    await waitUntil(
      () => count(free.log, STD_EVENTS.INCOMING_CALL) === 1,
      'the free agent never rang',
      TIMEOUT,
    );
    expect(count(busy.log, STD_EVENTS.INCOMING_CALL)).to.equal(0);
    expect(busy.client.calls.length).to.equal(1);
    free.client.pickupCall();
    await hearsMore(caller, stack.pageToneHz, 300, 'the caller never reached the free agent');
    expect(count(busy.log, STD_EVENTS.INCOMING_CALL)).to.equal(0);
  });
});

describe('calls as objects: warm transfer and three-way calls', function () {
  this.timeout(120000);

  it('warm transfer to a number, completed: the caller and the consulted phone talk, the agent has left', async () => {
    const agent = await online();
    const customer = await tonePhone(520);
    const held = await callPhone(agent, customer);
    const target = await tonePhone(TARGET_HZ);
    const consult = await agent.client.transferCall({ type: 'number', id: target });
    expect(consult.consultFor).to.equal(held);
    expect(held.held).to.equal(true);
    await hearsHoldTone(customer);
    await waitUntil(() => consult.status === Status.OPEN, 'the consultation never opened', TIMEOUT);
    await hearsMore(target, stack.pageToneHz, 300, 'the consulted phone never heard the agent');
    // The customer hears the hold tone during the consultation, never the consulted phone.
    expect(await heard(customer, TARGET_HZ)).to.be.below(NEVER_HEARD_MS);

    expect([await agent.client.completeTransfer(), errors(agent.log)]).to.deep.equal([true, []]);
    expect(agent.client.calls).to.deep.equal([]);
    expect(held.status).to.equal(Status.CLOSED);
    await hearsMore(customer, TARGET_HZ, 400, 'the customer never heard the consulted phone');
    await hearsMore(target, 520, 400, 'the consulted phone never heard the customer');
    const pageBefore = heardPageMs(await lastCall(customer));
    await hearsMore(customer, TARGET_HZ, 400);
    expect(heardPageMs(await lastCall(customer))).to.equal(pageBefore);
  });

  it('a call held and resumed before, then warm-transferred to a number: completed', async () => {
    const agent = await online();
    const customer = await tonePhone(520);
    const held = await callPhone(agent, customer);
    expect(await held.hold()).to.equal(true);
    expect(await held.resume()).to.equal(true);
    await hearsMore(customer, stack.pageToneHz, 300, 'the customer never heard the agent again');
    const target = await tonePhone(TARGET_HZ);
    const consult = await agent.client.transferCall({ type: 'number', id: target });
    await hearsHoldTone(customer);
    await waitUntil(() => consult.status === Status.OPEN, 'the consultation never opened', TIMEOUT);
    await hearsMore(target, stack.pageToneHz, 300, 'the consulted phone never heard the agent');
    expect([await agent.client.completeTransfer(), errors(agent.log)]).to.deep.equal([true, []]);
    await hearsMore(customer, TARGET_HZ, 400, 'the customer never heard the consulted phone');
  });

  it('warm transfer cancelled: the consultation ends and the caller is back with the agent', async () => {
    const agent = await online();
    const customer = await tonePhone(520);
    const held = await callPhone(agent, customer);
    const target = await tonePhone(TARGET_HZ);
    const consult = await agent.client.transferCall({ type: 'number', id: target });
    await waitUntil(() => consult.status === Status.OPEN, 'the consultation never opened', TIMEOUT);
    await hearsMore(target, stack.pageToneHz, 300, 'the consulted phone never heard the agent');
    expect(await agent.client.cancelTransfer()).to.equal(true);
    expect(consult.status).to.equal(Status.CLOSED);
    expect(held.held).to.equal(false);
    await waitUntil(
      async () => (await lastCall(target))!.state === 'completed',
      'the consulted phone stayed on',
      TIMEOUT,
    );
    await hearsMore(customer, stack.pageToneHz, 400, 'the customer never heard the agent again');
    await waitUntil(() => pageHears(520), 'the agent never heard the customer again', TIMEOUT);
    expect(await heard(customer, TARGET_HZ)).to.be.below(NEVER_HEARD_MS);
    agent.client.hangupCall();
  });

  it('warm transfer to an agent, completed: the caller talks with the colleague', async () => {
    const agent = await online();
    const colleague = await online();
    const customer = await tonePhone(520);
    await callPhone(agent, customer);
    const consult = await agent.client.transferCall({ type: 'userId', id: colleague.user.sys_id });
    await waitUntil(
      () => count(colleague.log, STD_EVENTS.INCOMING_CALL) === 1,
      'the colleague never rang',
      TIMEOUT,
    );
    colleague.client.pickupCall();
    // The agent's own leg opens at once (no answerOnBridge); the consultation is up once the colleague's is.
    await waitUntil(
      async () =>
        (await emulatorLegs()).some(
          (leg) => leg.parentSid === consult.callId && leg.status === 'in-progress',
        ),
      'the colleague never answered the consultation',
      TIMEOUT,
    );
    expect([await agent.client.completeTransfer(), errors(agent.log)]).to.deep.equal([true, []]);
    expect(agent.client.calls).to.deep.equal([]);
    // The colleague's call goes on, now with the customer: audio both ways.
    expect(colleague.client.getStatus()).to.equal(Status.OPEN);
    await hearsMore(customer, stack.pageToneHz, 400, 'the customer never heard the colleague');
    await waitUntil(() => pageHears(520), 'the colleague never heard the customer', TIMEOUT);
    colleague.client.hangupCall();
    await waitUntil(
      async () => (await lastCall(customer))!.state === 'completed',
      'the customer stayed on',
      TIMEOUT,
    );
  });

  it('warm transfer to an agent, cancelled: the colleague is released and the caller is back with the agent', async () => {
    const agent = await online();
    const colleague = await online();
    const customer = await tonePhone(520);
    const held = await callPhone(agent, customer);
    const consult = await agent.client.transferCall({ type: 'userId', id: colleague.user.sys_id });
    await waitUntil(
      () => count(colleague.log, STD_EVENTS.INCOMING_CALL) === 1,
      'the colleague never rang',
      TIMEOUT,
    );
    colleague.client.pickupCall();
    await waitUntil(
      () => colleague.client.getStatus() === Status.OPEN,
      'the colleague never answered',
      TIMEOUT,
    );
    expect(await agent.client.cancelTransfer()).to.equal(true);
    expect(consult.status).to.equal(Status.CLOSED);
    await waitUntil(
      () => count(colleague.log, STD_EVENTS.CALL_DISCONNECT) === 1,
      'the colleague stayed in the consultation',
      TIMEOUT,
    );
    expect(held.held).to.equal(false);
    await hearsMore(customer, stack.pageToneHz, 400, 'the customer never heard the agent again');
    expect(colleague.client.calls).to.deep.equal([]);
    agent.client.hangupCall();
  });

  it('three-way with a colleague: the phone hears both pages; the colleague leaves and the call goes on', async () => {
    const agent = await online();
    const colleague = await online();
    const customer = await tonePhone(520);
    const call = await callPhone(agent, customer);
    const adding = agent.client.addToCall({ type: 'userId', id: colleague.user.sys_id });
    await waitUntil(
      () => count(colleague.log, STD_EVENTS.INCOMING_CALL) === 1,
      'the colleague never rang',
      TIMEOUT,
    );
    colleague.client.pickupCall();
    expect(await adding).to.equal(true);
    await waitUntil(
      () => colleague.client.getStatus() === Status.OPEN,
      'the colleague never answered',
      TIMEOUT,
    );
    // Both pages play the same tone: the phone hears it from the mix, and the colleague hears the phone.
    await hearsMore(customer, stack.pageToneHz, 400, 'the customer never heard the agents');
    await waitUntil(
      () => pageHears(520, peerConnections.at(-1)),
      'the colleague never heard the customer',
      TIMEOUT,
    );
    colleague.client.hangupCall();
    await hearsMore(customer, stack.pageToneHz, 400, 'the agent and the customer stopped talking');
    expect(call.status).to.equal(Status.OPEN);
    agent.client.hangupCall();
    await waitUntil(
      async () => (await lastCall(customer))!.state === 'completed',
      'the customer stayed on',
      TIMEOUT,
    );
  });

  it('three-way: everyone hears everyone; one leaves and the other two keep talking', async () => {
    const agent = await online();
    const customer = await tonePhone(520);
    const call = await callPhone(agent, customer);
    const third = await tonePhone(610);
    expect(await agent.client.addToCall({ type: 'number', id: third })).to.equal(true);
    expect(agent.client.activeCall).to.equal(call);
    await hearsMore(customer, 610, 400, 'the customer never heard the third party');
    await hearsMore(customer, stack.pageToneHz, 400, 'the customer never heard the agent');
    await hearsMore(third, 520, 400, 'the third party never heard the customer');
    await hearsMore(third, stack.pageToneHz, 400, 'the third party never heard the agent');
    const response = await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(third)}/hangup`, {
      method: 'POST',
    });
    expect(response.status).to.be.lessThan(300);
    await hearsMore(customer, stack.pageToneHz, 400, 'the agent and the customer stopped talking');
    await waitUntil(() => pageHears(520), 'the agent no longer hears the customer', TIMEOUT);
    expect(call.status).to.equal(Status.OPEN);
    agent.client.hangupCall();
    await waitUntil(
      async () => (await lastCall(customer))!.state === 'completed',
      'the customer stayed on',
      TIMEOUT,
    );
  });
});
