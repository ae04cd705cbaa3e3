/**
 * Each bad input gets its coded error and leaves the client usable, through the real SDK: wrong types, an
 * unknown event name, invalid numbers and digits, every method in the wrong state, another user's call id,
 * caller IDs that are not the user's or have no (or another) vendor. After each: exactly one ERROR(message,
 * code) with the exact code, getStatus() and notifyConfig unchanged; at the end the client still calls.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { api, heardPageMs, phone, recordEvents, signInUser, stack, destroyAndSettle } from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS, Status } from '/dist/notify-client.js';

type Client = InstanceType<typeof NotifyClient>;
type EventLog = ReturnType<typeof recordEvents>;
interface Agent {
  client: Client;
  log: EventLog;
  token: string;
  user: { sys_id: string; name: string };
  notifyConfig: Record<string, unknown>;
  /** The codes of every ERROR the test expected so far, markers included (checked after each test). */
  expectedErrors: string[];
}

/** Seeded by scripts/stack.ts: owned by the demo group, no compatible vendor. */
const NO_VENDOR_NUMBER = '+15005550007';
const TIMEOUT = { timeout: 15000, interval: 25 };
const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);
const count = (log: EventLog, event: string) => fired(log, event).length;
const errors = (agent: Agent) => fired(agent.log, STD_EVENTS.ERROR).map((e) => e.args[1] as string);
let seq = 0;
const newPhone = () => `+1555880${String(Date.now() % 1000).padStart(3, '0')}${seq++ % 10}`;
const agents: Agent[] = [];

async function newAgent(config: Record<string, unknown> = {}, goOnline = true): Promise<Agent> {
  const { token, user } = await signInUser(`bad-input-${Math.random().toString(36).slice(2, 8)}`);
  const notifyConfig: Record<string, unknown> = {
    autoLoadScriptResources: true,
    backendUrl: stack.backendUrl,
    authToken: token,
    ...config,
  };
  const client: Client = new NotifyClient(notifyConfig, true);
  const log = recordEvents(client, STD_EVENTS);
  const agent = { client, log, token, user, notifyConfig, expectedErrors: [] };
  agents.push(agent);
  if (goOnline) {
    await new Promise<void>((resolve) => client.setCallerId(stack.demoNumber, () => resolve()));
    client.init();
    await waitUntil(() => count(log, STD_EVENTS.ONLINE) > 0, 'the client never came ONLINE', TIMEOUT);
  }
  return agent;
}

/**
 * A positive signal that the client has settled, and the marker errors it leaves in the log: a backend round
 * trip of the client's own (issued after anything the action before it sent), then an invalid sendDtmf()
 * whose ERROR is synchronous. Whatever the action before set off has come before the markers; a destroyed
 * client answers both with DESTROYED, at once.
 */
async function settle(agent: Agent): Promise<string[]> {
  const destroyed = agent.client.getDeviceState() === 'destroyed';
  await agent.client.getAvailableClients();
  (agent.client as unknown as { sendDtmf(digits: unknown): void }).sendDtmf(5);
  return destroyed ? ['DESTROYED', 'DESTROYED'] : ['INVALID_DTMF'];
}

/**
 * Runs `act`, which must produce exactly one ERROR with `code` (at once or after a backend round trip),
 * and nothing else: no other event up to the markers of settle() (after the promise `act` returns, if any),
 * the same getStatus() and the same notifyConfig.
 */
async function expectCodedError(agent: Agent, code: string, act: () => unknown, what = code): Promise<void> {
  const status = agent.client.getStatus();
  const config = JSON.stringify(agent.notifyConfig);
  const before = agent.log.length;
  const done = act();
  await waitUntil(() => agent.log.length > before, `${what}: no ERROR`, TIMEOUT);
  await done; // a lookup or a callback act waits for has finished: its follow-ups are out
  const markers = await settle(agent);
  const added = agent.log.slice(before);
  expect(
    added.map((e) => [e.event, e.args[1]]),
    `${what}: exactly one ERROR, then only the markers of settle()`,
  ).to.deep.equal([[STD_EVENTS.ERROR, code], ...markers.map((marker) => [STD_EVENTS.ERROR, marker])]);
  agent.expectedErrors.push(code, ...markers);
  const [message] = added[0]!.args;
  expect(message, `${what}: a message`).to.be.a('string').with.length.greaterThan(0);
  expect(agent.client.getStatus(), `${what}: status unchanged`).to.equal(status);
  expect(JSON.stringify(agent.notifyConfig), `${what}: notifyConfig unchanged`).to.equal(config);
}

/** The client still works: a call to a virtual phone starts, is answered and ends. */
async function placesACall(agent: Agent): Promise<void> {
  const errorsBefore = errors(agent).length;
  const starts = count(agent.log, STD_EVENTS.CALL_START);
  const number = newPhone();
  agent.client.call({ phoneNumber: number });
  await waitUntil(() => count(agent.log, STD_EVENTS.CALL_START) === starts + 1, 'no CALL_START', TIMEOUT);
  await waitUntil(
    async () => (await phone(number)).calls.at(-1)?.state === 'in-progress',
    'the phone should answer',
    TIMEOUT,
  );
  const ends = count(agent.log, STD_EVENTS.CALL_DISCONNECT);
  agent.client.hangupCall();
  await waitUntil(() => count(agent.log, STD_EVENTS.CALL_DISCONNECT) === ends + 1, 'no end', TIMEOUT);
  expect(agent.client.getStatus()).to.equal(Status.CLOSED);
  expect(errors(agent).slice(errorsBefore)).to.deep.equal([]);
}

/** An outgoing call of `agent` to a fresh virtual phone, open and answered; its CallSid and the number. */
async function inCall(agent: Agent): Promise<{ callSid: string; number: string }> {
  const number = newPhone();
  const starts = count(agent.log, STD_EVENTS.CALL_START);
  agent.client.call({ phoneNumber: number });
  await waitUntil(() => count(agent.log, STD_EVENTS.CALL_START) === starts + 1, 'no CALL_START', TIMEOUT);
  await waitUntil(
    async () => (await phone(number)).calls.at(-1)?.state === 'in-progress',
    'the phone should answer',
    TIMEOUT,
  );
  const callSid = fired(agent.log, STD_EVENTS.CALL_START).at(-1)!.args[0] as string;
  return { callSid, number };
}

describe('notify API: bad input gets its coded error and leaves the client usable', function () {
  this.timeout(90000);
  afterEach(async function () {
    const done = agents.splice(0);
    // No ERROR came late: from an action's end to the end of the test (a call placed and hung up, seconds),
    // every ERROR each client emitted is one the test expected, in order.
    if (this.currentTest?.state === 'passed')
      for (const agent of done)
        expect(errors(agent), 'no ERROR but the expected').to.deep.equal(agent.expectedErrors);
    await destroyAndSettle(done.map((agent) => agent.client));
  });

  it('wrong types: INVALID_ARGUMENT / INVALID_NUMBER / INVALID_DTMF, an unknown event name included', async () => {
    const a = await newAgent();
    const c = a.client as unknown as Record<string, (...args: unknown[]) => unknown>;
    await expectCodedError(a, 'INVALID_ARGUMENT', () => c.call!(), 'call()');
    await expectCodedError(a, 'INVALID_ARGUMENT', () => c.call!(null), 'call(null)');
    await expectCodedError(a, 'INVALID_ARGUMENT', () => c.call!(123), 'call(123)');
    await expectCodedError(a, 'INVALID_ARGUMENT', () => c.call!({}), 'call({})');
    await expectCodedError(a, 'INVALID_ARGUMENT', () => c.call!({ userId: 42 }), 'call({userId: 42})');
    await expectCodedError(a, 'INVALID_NUMBER', () => c.call!({ phoneNumber: 5 }), 'call({phoneNumber: 5})');
    await expectCodedError(a, 'INVALID_DTMF', () => c.sendDtmf!(5), 'sendDtmf(5)');
    await expectCodedError(a, 'INVALID_ARGUMENT', () => c.forwardCall!({}), 'forwardCall({})');
    await expectCodedError(a, 'INVALID_ARGUMENT', () => c.forwardCall!(), 'forwardCall()');
    await expectCodedError(
      a,
      'INVALID_ARGUMENT',
      () => c.forwardCall!({ type: 'fax', id: '+15551234567' }),
      'forwardCall({type: "fax"})',
    );
    await expectCodedError(
      a,
      'INVALID_ARGUMENT',
      () => c.forwardCall!({ type: 'number', id: 15551234567 }),
      'forwardCall({id: number})',
    );
    await expectCodedError(a, 'INVALID_NUMBER', () => c.setCallerId!(null), 'setCallerId(null)');
    await expectCodedError(a, 'INVALID_NUMBER', () => c.setCallerId!({}), 'setCallerId({})');
    // A number is accepted as ServiceNow documents callerId as a Number: 42 reads as +42, not the user's.
    await expectCodedError(a, 'CALLER_ID_NOT_ALLOWED', () => c.setCallerId!(42), 'setCallerId(42)');

    let result: unknown;
    await expectCodedError(
      a,
      'INVALID_ARGUMENT',
      () => c.getParentId!(undefined, (r: unknown) => (result = r)),
      'getParentId(undefined, cb)',
    );
    expect(result).to.deep.include({ parentId: null });
    expect((result as { error: unknown }).error).to.be.a('string');

    let dereg: unknown;
    const stray: unknown[] = [];
    await expectCodedError(
      a,
      'INVALID_ARGUMENT',
      () => (dereg = c.addEventListener!('no_such_event', () => stray.push('fired'))),
      'addEventListener("no_such_event")',
    );
    expect(dereg).to.be.a('function');
    expect(() => (dereg as () => void)()).to.not.throw();
    await expectCodedError(
      a,
      'INVALID_ARGUMENT',
      () => (dereg = c.addEventListener!(STD_EVENTS.ONLINE, 'not a function')),
      'addEventListener(ONLINE, "not a function")',
    );
    expect(dereg).to.be.a('function');

    // mute(undefined) is no error in a call: anything but true / "true" unmutes.
    await inCall(a);
    const before = a.log.length;
    c.mute!(true);
    c.mute!(undefined);
    expect(a.log.slice(before).map((e) => e.event)).to.deep.equal([
      STD_EVENTS.CALL_MUTE,
      STD_EVENTS.CALL_UNMUTE,
    ]);
    await expectCodedError(a, 'INVALID_DTMF', () => c.sendDtmf!(['1']), 'sendDtmf(["1"]) in a call');
    expect(a.client.getStatus()).to.equal(Status.OPEN);
    a.client.hangupCall();
    await waitUntil(() => a.client.getStatus() === Status.CLOSED, 'hang up', TIMEOUT);

    expect(stray).to.deep.equal([]);
    await placesACall(a);
  });

  it('invalid numbers and digits: INVALID_NUMBER / INVALID_DTMF, nothing dialled or sent', async () => {
    const a = await newAgent();
    for (const bad of [
      '5551234',
      '+0123456',
      '+1 555 123 4567',
      '+1555123456789012',
      'tel:+15551234567',
      '',
    ]) {
      await expectCodedError(
        a,
        bad === '' ? 'INVALID_ARGUMENT' : 'INVALID_NUMBER',
        () => a.client.call({ phoneNumber: bad }),
        `call({phoneNumber: "${bad}"})`,
      );
    }
    await expectCodedError(
      a,
      'INVALID_NUMBER',
      () => a.client.setCallerId('555-CALL'),
      'setCallerId("555-CALL")',
    );

    const { number } = await inCall(a);
    // A–D are DTMF, but the Twilio SDK cannot send them: refused before any digit of the string goes out.
    for (const bad of ['12F', '1246AF', 'x', '', '1 2', '1246A', 'D']) {
      await expectCodedError(a, 'INVALID_DTMF', () => a.client.sendDtmf(bad), `sendDtmf("${bad}")`);
    }
    await expectCodedError(
      a,
      'INVALID_NUMBER',
      () => a.client.forwardCall({ type: 'number', id: '12345' }),
      'forwardCall to "12345"',
    );
    await expectCodedError(
      a,
      'INVALID_DTMF',
      () => a.client.forwardCall({ type: 'number', id: '+15551234567', dtmf: '12x' }),
      'forwardCall with dtmf "12x"',
    );
    expect(a.client.getStatus()).to.equal(Status.OPEN);

    // Settled, not slept on: the phone hears the valid digits that follow, and only them (digits arrive in
    // order, so any refused digit that had gone out would stand before them).
    a.client.sendDtmf('5#');
    await waitUntil(async () => (await phone(number)).calls.at(-1)?.digits === '5#', 'valid digits', TIMEOUT);
    expect((await phone('+15551234567')).calls, 'nothing was forwarded').to.have.length(0);
    a.client.hangupCall();
    await waitUntil(() => a.client.getStatus() === Status.CLOSED, 'hang up', TIMEOUT);
    await placesACall(a);
  });

  it('every method in the wrong state: INVALID_STATE, NOT_INITIALIZED, DESTROYED', async () => {
    const offline = await newAgent({}, false);
    await expectCodedError(
      offline,
      'NOT_INITIALIZED',
      () => offline.client.call({ phoneNumber: '+15551230000' }),
      'call() before init()',
    );
    await expectCodedError(offline, 'NO_VENDOR', () => offline.client.init(), 'init() without a vendor');

    const a = await newAgent();
    await expectCodedError(a, 'INVALID_STATE', () => a.client.pickupCall(), 'pickupCall() without a call');
    await expectCodedError(a, 'INVALID_STATE', () => a.client.hangupCall(), 'hangupCall() without a call');
    await expectCodedError(a, 'INVALID_STATE', () => a.client.sendDtmf('1'), 'sendDtmf() without a call');
    await expectCodedError(a, 'INVALID_STATE', () => a.client.mute(true), 'mute(true) without a call');
    await expectCodedError(
      a,
      'INVALID_STATE',
      () => a.client.mute(undefined as unknown as boolean),
      'mute(undefined) without a call',
    );
    await expectCodedError(
      a,
      'INVALID_STATE',
      () => a.client.forwardCall({ type: 'number', id: '+15551234567' }),
      'forwardCall() without a call',
    );
    await expectCodedError(a, 'INVALID_STATE', () => a.client.init(), 'init() twice');
    expect(count(a.log, STD_EVENTS.ONLINE)).to.equal(1);
    expect(count(a.log, STD_EVENTS.OFFLINE)).to.equal(0);

    const { number } = await inCall(a);
    await expectCodedError(
      a,
      'INVALID_STATE',
      () => a.client.call({ phoneNumber: newPhone() }),
      'a second call() in a call',
    );
    await expectCodedError(
      a,
      'INVALID_STATE',
      () => a.client.pickupCall(),
      'pickupCall() in an outgoing call',
    );
    await expectCodedError(a, 'INVALID_STATE', () => a.client.init(), 'init() in a call');
    expect((await phone(number)).calls.at(-1)?.state).to.equal('in-progress');
    a.client.hangupCall();
    await waitUntil(() => a.client.getStatus() === Status.CLOSED, 'hang up', TIMEOUT);
    await placesACall(a);

    const gone = await newAgent();
    gone.client.destroy();
    await waitUntil(() => count(gone.log, STD_EVENTS.OFFLINE) === 1, 'OFFLINE after destroy', TIMEOUT);
    for (const [name, act] of [
      ['init', () => gone.client.init()],
      ['call', () => gone.client.call({ phoneNumber: '+15551230000' })],
      ['pickupCall', () => gone.client.pickupCall()],
      ['hangupCall', () => gone.client.hangupCall()],
      ['sendDtmf', () => gone.client.sendDtmf('1')],
      ['mute', () => gone.client.mute(true)],
      ['forwardCall', () => gone.client.forwardCall({ type: 'number', id: '+15551234567' })],
      ['setCallerId', () => gone.client.setCallerId(stack.demoNumber)],
      ['setClientAvailable', () => gone.client.setClientAvailable(true)],
      ['getAvailableClients', () => gone.client.getAvailableClients(() => undefined)],
      ['getParentId', () => gone.client.getParentId(`CA${'1'.repeat(32)}`, () => undefined)],
      ['destroy', () => gone.client.destroy()],
    ] as const) {
      await expectCodedError(gone, 'DESTROYED', act, `${name}() after destroy()`);
    }
  });

  it('another user’s call id: FORBIDDEN, and the other user’s call is untouched', async () => {
    const a = await newAgent();
    const b = await newAgent();
    const { callSid, number } = await inCall(b);

    let result: { parentId: string | null; error?: string } | undefined;
    await expectCodedError(
      a,
      'FORBIDDEN',
      () => a.client.getParentId(callSid, (r: typeof result) => (result = r)),
      'getParentId(another user’s CallSid)',
    );
    expect(result?.parentId).to.equal(null);
    expect(result?.error).to.be.a('string').with.length.greaterThan(0);
    // forwardCall() only ever acts on the client's own call: with none, INVALID_STATE, not the other call.
    await expectCodedError(
      a,
      'INVALID_STATE',
      () => a.client.forwardCall({ type: 'number', id: '+15557770000' }),
      'forwardCall() while another user is in a call',
    );
    // The route forwardCall() uses refuses another user's CallSid as well.
    const forward = await api(a.token, 'POST', `/calls/${callSid}/forward`, {
      type: 'number',
      id: '+15557770000',
    });
    expect(forward.status).to.equal(403);
    expect(forward.body.error?.code).to.equal('FORBIDDEN');

    // Settled, not slept on: after A's refused attempts the phone still hears B for another half second.
    const heardBefore = heardPageMs((await phone(number)).calls.at(-1));
    await waitUntil(
      async () => heardPageMs((await phone(number)).calls.at(-1)) >= heardBefore + 500,
      'B’s call stopped carrying B’s voice',
      TIMEOUT,
    );
    expect(b.client.getStatus()).to.equal(Status.OPEN);
    expect(count(b.log, STD_EVENTS.CALL_DISCONNECT)).to.equal(0);
    expect(errors(b)).to.deep.equal([]);
    expect((await phone(number)).calls.at(-1)?.state).to.equal('in-progress');
    expect((await phone('+15557770000')).calls).to.have.length(0);
    // B still owns its call: the backend answers it (a call B placed has no parent: null), where it refused A.
    const own = await api(b.token, 'GET', `/calls/${callSid}/parent`);
    expect(own.status, 'B was refused the parent of its own call').to.equal(200);
    expect(own.body.parentId).to.equal(null);
    expect((await b.client.getParentId(callSid)).parentId).to.equal(null);
    b.client.hangupCall();
    await waitUntil(() => b.client.getStatus() === Status.CLOSED, 'B hangs up', TIMEOUT);
    await placesACall(a);
  });

  it('caller IDs: not the user’s, no compatible vendor, another vendor than configured', async () => {
    const a = await newAgent();
    const config = { vendor: a.notifyConfig.vendor, callerId: a.notifyConfig.callerId };
    expect(config.callerId).to.equal(stack.demoNumber);

    const setCallerId = (agent: Agent, value: string) => () =>
      new Promise<void>((resolve) => agent.client.setCallerId(value, () => resolve()));
    await expectCodedError(
      a,
      'CALLER_ID_NOT_ALLOWED',
      setCallerId(a, stack.foreignNumber),
      'another group’s number',
    );
    await expectCodedError(a, 'CALLER_ID_NOT_ALLOWED', setCallerId(a, '+15559990001'), 'an unknown number');
    await expectCodedError(a, 'NO_VENDOR', setCallerId(a, NO_VENDOR_NUMBER), 'a number without a vendor');
    expect({ vendor: a.notifyConfig.vendor, callerId: a.notifyConfig.callerId }).to.deep.equal(config);

    // Lazy, no vendor yet: the vendor stays unset (the documented `if (!notifyConfig.vendor) return;`).
    const fresh = await newAgent({}, false);
    await expectCodedError(fresh, 'NO_VENDOR', setCallerId(fresh, NO_VENDOR_NUMBER), 'lazy, no vendor');
    expect(fresh.notifyConfig.vendor).to.equal(undefined);
    expect(fresh.notifyConfig.callerId).to.equal(undefined);
    await expectCodedError(fresh, 'NO_VENDOR', () => fresh.client.init(), 'init() without a vendor');

    // Configured for another vendor: a Twilio number does not switch it.
    const other = await newAgent({ vendor: 'Nexmo' }, false);
    await expectCodedError(other, 'VENDOR_MISMATCH', setCallerId(other, stack.demoNumber), 'another vendor');
    expect(other.notifyConfig.vendor).to.equal('Nexmo');
    expect(other.notifyConfig.callerId).to.equal(undefined);

    // A callback without lazy mode throws, as ServiceNow documents, with the code.
    const eager = new NotifyClient({ backendUrl: stack.backendUrl, authToken: a.token });
    let thrown: { code?: string } | undefined;
    try {
      eager.setCallerId(stack.demoNumber, () => undefined);
    } catch (error) {
      thrown = error as { code?: string };
    }
    expect(thrown?.code).to.equal('LAZY_CALLBACK_REQUIRES_LAZY_MODE');
    eager.destroy();

    await placesACall(a);
    expect(fired(a.log, STD_EVENTS.CALL_INIT).at(-1)!.args[0]).to.be.a('string');
  });
});
