/**
 * The parent id against a slow Twilio: the emulator sends the status callbacks of `<Dial>` child legs late
 * (`PUT /emulator/settings {parentCallbackDelayMs}`), so the backend learns a ringing leg's parent only after
 * the client first asks. A call to a Notify number carries its parent in the invite (INCOMING_CALL needs no
 * look-up); a look-up (getParentId, or a call without it) retries with backoff (5 attempts over about 3.75 s):
 * a delay inside that budget still yields the parent; a longer one yields `{error}` and INCOMING_CALL with
 * parentId undefined.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { dialFromPhone, recordEvents, signInUser, stack, destroyAndSettle } from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS } from '/dist/notify-client.js';

type Client = InstanceType<typeof NotifyClient>;
type EventLog = ReturnType<typeof recordEvents>;
interface ParentIdResult {
  parentId: string | null;
  error?: string;
}

const TIMEOUT = { timeout: 15000, interval: 25 };
const SYS_ID = /^[0-9a-f]{32}$/;
const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);
const count = (log: EventLog, event: string) => fired(log, event).length;
let seq = 0;
const newPhone = () => `+1555770${String(Date.now() % 1000).padStart(3, '0')}${seq++ % 10}`;
const clients: Client[] = [];

async function settings(body?: {
  parentCallbackDelayMs: number;
}): Promise<{ parentCallbackDelayMs: number }> {
  const response = await fetch(`${stack.origin}/emulator/settings`, {
    method: body ? 'PUT' : 'GET',
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`settings: ${response.status} ${await response.text()}`);
  return (await response.json()) as { parentCallbackDelayMs: number };
}

async function online(config: Record<string, unknown> = {}) {
  const { token } = await signInUser(`parent-${Math.random().toString(36).slice(2, 8)}`);
  const client: Client = new NotifyClient(
    { autoLoadScriptResources: true, backendUrl: stack.backendUrl, authToken: token, ...config },
    true,
  );
  clients.push(client);
  const log = recordEvents(client, STD_EVENTS);
  await new Promise<void>((resolve) => client.setCallerId(stack.demoNumber, () => resolve()));
  client.init();
  await waitUntil(() => count(log, STD_EVENTS.ONLINE) > 0, 'the client never came ONLINE', TIMEOUT);
  return { client, log };
}

/** The time (ms after `since`) at which `check` first held. */
async function when(since: number, check: () => boolean, what: string): Promise<number> {
  await waitUntil(check, what, TIMEOUT);
  return Date.now() - since;
}

describe('notify API: getParentId with a slow Twilio (emulator parentCallbackDelayMs)', function () {
  this.timeout(60000);
  afterEach(async () => {
    await settings({ parentCallbackDelayMs: 0 });
    await destroyAndSettle(clients.splice(0));
  });

  it('a 1.5 s delay: INCOMING_CALL carries the parent id from the invite at once; getParentId resolves after retries', async () => {
    const a = await online();
    const b = await online({ skipParentId: true });
    expect(await settings({ parentCallbackDelayMs: 1500 })).to.deep.equal({ parentCallbackDelayMs: 1500 });

    await dialFromPhone(newPhone(), stack.demoNumber);
    await waitUntil(() => count(b.log, STD_EVENTS.INCOMING_CALL) === 1, 'B should ring', TIMEOUT);
    await waitUntil(() => count(a.log, STD_EVENTS.INCOMING_CALL) === 1, 'A should ring', TIMEOUT);
    const [, , callIdB, parentB] = fired(b.log, STD_EVENTS.INCOMING_CALL)[0]!.args as string[];
    const [, , callIdA, parentA] = fired(a.log, STD_EVENTS.INCOMING_CALL)[0]!.args as string[];
    expect(parentB).to.equal(undefined); // B skips the parent id
    // A has the parent from the invite (the backend's <Parameter name="parentId">), no look-up needed.
    expect(parentA).to.match(SYS_ID);
    expect(callIdA)
      .to.match(/^CA[0-9a-f]{32}$/)
      .and.not.equal(callIdB); // one child leg per session

    // The look-up, by contrast, has to wait for the late callbacks: the backend did not know the ringing
    // leg's parent when both phones rang, so B's question is answered only after retries, with A's parent.
    const asked = Date.now();
    const viaB = await new Promise<ParentIdResult>((resolve) => b.client.getParentId(callIdB, resolve));
    const resolvedAfter = Date.now() - asked;
    expect(viaB.error).to.equal(undefined);
    expect(viaB.parentId).to.equal(parentA);
    expect(resolvedAfter, 'getParentId retried until the parent was known').to.be.greaterThan(700);
    expect(fired(a.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    expect(fired(b.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    a.client.hangupCall();
  });

  it('a delay longer than the retry budget: a call without a parent in its invite rings with parentId undefined', async () => {
    // A colleague's call carries no parentId parameter, so the callee looks its parent up (the fallback).
    const a = await online();
    const caller = await online();
    const aUser = a.client.getSession()?.user;
    expect(aUser).to.match(SYS_ID);
    await settings({ parentCallbackDelayMs: 7000 });

    const started = Date.now();
    caller.client.call({ userId: aUser });
    const aRang = await when(started, () => count(a.log, STD_EVENTS.INCOMING_CALL) === 1, 'A should ring');
    // Not before its retries (about 3.75 s of backoff) ran out, and before the parent was known (below).
    expect(aRang).to.be.at.least(3500);
    const [, , callIdA, parentA] = fired(a.log, STD_EVENTS.INCOMING_CALL)[0]!.args;
    expect(callIdA).to.match(/^CA[0-9a-f]{32}$/);
    expect(parentA).to.equal(undefined);
    expect(count(a.log, STD_EVENTS.CALL_CANCEL)).to.equal(0);
    // Once the late callbacks arrive, the same question is answered: only the delay was in the way.
    await waitUntil(
      async () => (await a.client.getParentId(callIdA)).parentId !== null,
      'the parent should become known after the delay',
      { timeout: 20000, interval: 500 },
    );
    expect((await a.client.getParentId(callIdA as string)).parentId).to.match(SYS_ID);
    expect(fired(a.log, STD_EVENTS.ERROR)).to.deep.equal([]);
    caller.client.hangupCall();
  });
});
