/**
 * What the fault suite's files share (test/browser/e2e/faults-*.test.ts): an agent signed in on a stack and
 * ONLINE through the real SDK, its events in order (ServiceNow's STD_EVENTS and our NOTIFY_EVENTS), the
 * emulator's fault-injection API (emulator/routes/faults.ts) and its registrations, a call to a phone with audio
 * flowing, and a phone call that rings the page after a recovery.
 */
import { waitUntil } from '@open-wc/testing';
import { heardPageMs, inboundAudioPackets, phone, recordEvents, signInUser, stack } from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NOTIFY_EVENTS, NotifyClient, STD_EVENTS } from '/dist/notify-client.js';

export type Client = InstanceType<typeof NotifyClient>;
export type EventLog = ReturnType<typeof recordEvents>;
export interface StackRef {
  origin: string;
  backendUrl: string;
}
export interface Agent {
  client: Client;
  log: EventLog;
  token: string;
  identity: string;
  on: StackRef;
}

export const TIMEOUT = { timeout: 15000, interval: 50 };
/**
 * What the fault suite records, in order: ServiceNow's events and our recovery events. The desk's quality
 * warnings (CALL_QUALITY, AUDIO_INPUT_LOST) also fire under faults, at the SDK's sampling rhythm; their own
 * tests (desk-*.test.ts) assert them, so they are left out of the recovery stories here.
 */
export const EVENTS = {
  ...STD_EVENTS,
  RECONNECT: NOTIFY_EVENTS.RECONNECT,
  CALL_WARNING: NOTIFY_EVENTS.CALL_WARNING,
} as Record<string, string>;
export { NOTIFY_EVENTS, STD_EVENTS };

export const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);

/** The log as short strings, in order: `online`, `reconnect:reconnecting`, `error:SIGNALING_LOST`, … */
export function story(log: EventLog): string[] {
  return log.map(({ event, args }) => {
    if (event === STD_EVENTS.ERROR) return `error:${String(args[1])}`;
    if (event === NOTIFY_EVENTS.RECONNECT) return `reconnect:${String(args[0])}${args[1] ? ':call' : ''}`;
    return event;
  });
}

/** An emulator request (POST with a body, GET without); its status and JSON body, loosely typed. */
export async function emulator(
  on: StackRef,
  path: string,
  body?: object,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- loose JSON, the assertions check it
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${on.origin}/emulator${path}`, {
    method: body ? 'POST' : 'GET',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

/** How many signaling connections of the emulator are registered for `identity`. */
export const registrations = async (on: StackRef, identity: string): Promise<number> =>
  ((await emulator(on, '/registrations')).body.registrations as Array<{ identity: string }>).filter(
    (r) => r.identity === identity,
  ).length;

const agents: Agent[] = [];

/** A new user's client ONLINE on `on` and registered with its emulator once. */
export async function onlineAgent(on: StackRef = stack, config: object = {}): Promise<Agent> {
  const name = `faults-${Math.random().toString(36).slice(2, 8)}`;
  const { token } = await signInUser(name, on.backendUrl);
  const client: Client = new NotifyClient(
    {
      autoLoadScriptResources: true,
      backendUrl: on.backendUrl,
      authToken: token,
      skipParentId: true,
      ...config,
    },
    true,
  );
  const log = recordEvents(client, EVENTS);
  await new Promise<void>((resolve) => client.setCallerId(stack.demoNumber, () => resolve()));
  client.init();
  await waitUntil(() => fired(log, STD_EVENTS.ONLINE).length > 0, 'never ONLINE', TIMEOUT);
  const identity = client.getSession()!.identity as string;
  await waitUntil(async () => (await registrations(on, identity)) === 1, 'not registered', TIMEOUT);
  const agent = { client, log, token, identity, on };
  agents.push(agent);
  return agent;
}

/** Destroys the agents of the test and ends every fault it left. */
export async function cleanUp(): Promise<void> {
  for (const agent of agents.splice(0)) {
    agent.client.destroy();
    await fetch(`${agent.on.origin}/emulator/faults`, { method: 'DELETE' });
  }
}

let phoneSeq = 0;
/** A number of a virtual phone nobody else uses. */
export const newPhone = () => `+1555460${String(Date.now() % 1000).padStart(3, '0')}${phoneSeq++ % 10}`;

/**
 * The agent calls a new phone; resolves once the call started and the phone heard half a second of the page:
 * the call's CallSid (CALL_START's) and the phone's number.
 */
export async function inCall(agent: Agent): Promise<{ callSid: string; number: string }> {
  const starts = fired(agent.log, STD_EVENTS.CALL_START).length;
  const number = newPhone();
  agent.client.call({ phoneNumber: number });
  await waitUntil(() => fired(agent.log, STD_EVENTS.CALL_START).length > starts, 'no CALL_START', TIMEOUT);
  await waitUntil(
    async () => heardPageMs((await phone(number, agent.on.origin)).calls.at(-1)) >= 500,
    'the phone never heard the page',
    TIMEOUT,
  );
  return { callSid: fired(agent.log, STD_EVENTS.CALL_START).at(-1)!.args[0] as string, number };
}

/**
 * The agent's call (to `number`) has audio both ways again: from now on the phone hears another second of the
 * page, and the page receives packets.
 */
export async function audioFlowsAgain(agent: Agent, number: string): Promise<void> {
  const lastCall = async () => (await phone(number, agent.on.origin)).calls.at(-1);
  const heard = heardPageMs(await lastCall());
  const received = await inboundAudioPackets();
  await waitUntil(
    async () => heardPageMs(await lastCall()) >= heard + 1000,
    'the phone does not hear the page again',
    TIMEOUT,
  );
  await waitUntil(
    async () => (await inboundAudioPackets()) > received + 50,
    'the page receives nothing',
    TIMEOUT,
  );
}

/** A virtual phone calls the demo number of `on`; resolves once the agent's page rang (INCOMING_CALL). */
export async function ringsThePage(agent: Agent): Promise<string> {
  const before = fired(agent.log, STD_EVENTS.INCOMING_CALL).length;
  const from = newPhone();
  const response = await fetch(`${agent.on.origin}/emulator/phones/${encodeURIComponent(from)}/dial`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to: stack.demoNumber }),
  });
  if (response.status !== 201) throw new Error(`dial failed: ${response.status} ${await response.text()}`);
  await waitUntil(
    () => fired(agent.log, STD_EVENTS.INCOMING_CALL).length > before,
    'an incoming call after the recovery never rang the page',
    TIMEOUT,
  );
  return from;
}
