/**
 * The behaviour suite's agents: a signed-in user's NotifyClient on a vendor's Notify number, with every event
 * it fires recorded, and the steps the cases share (an answered outgoing call, the page's send level).
 */
import { expect } from '@open-wc/testing';
import { peerConnections, recordEvents, signInUser } from '../helpers.js';
import { until, type PhoneCallProbe, type VendorAdapter } from './vendors.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS } from '/dist/notify-client.js';

export { NotifyClient, STD_EVENTS };
export type Client = InstanceType<typeof NotifyClient>;
export type EventLog = ReturnType<typeof recordEvents>;

export interface Agent {
  client: Client;
  log: EventLog;
  token: string;
  user: { sys_id: string; name: string };
  notifyConfig: Record<string, unknown>;
  backendUrl: string;
}

export const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);
export const count = (log: EventLog, event: string) => fired(log, event).length;
export const errorCodes = (agent: Agent) => fired(agent.log, STD_EVENTS.ERROR).map((e) => e.args[1]);

/**
 * A new user's client on the vendor's number; ONLINE unless `online: false` (then not even init()). `config`:
 * more notifyConfig (e.g. `callWaiting`).
 */
export async function newAgent(
  vendor: VendorAdapter,
  {
    backendUrl = vendor.backendUrl,
    online = true,
    config = {},
  }: { backendUrl?: string; online?: boolean; config?: Record<string, unknown> } = {},
): Promise<Agent> {
  const { token, user } = await signInUser(
    `${vendor.name}-${Math.random().toString(36).slice(2, 8)}`,
    backendUrl,
  );
  const notifyConfig: Record<string, unknown> = {
    autoLoadScriptResources: true,
    backendUrl,
    authToken: token,
    ...config,
  };
  const client: Client = new NotifyClient(notifyConfig, true);
  const log = recordEvents(client, STD_EVENTS);
  const agent = { client, log, token, user, notifyConfig, backendUrl };
  if (!online) return agent;
  await new Promise<void>((resolve) => client.setCallerId(vendor.number, () => resolve()));
  client.init();
  await until(() => count(log, STD_EVENTS.ONLINE) > 0, `${vendor.name}: the client never came ONLINE`);
  return agent;
}

export interface OpenCall {
  number: string;
  callId: string;
  pc: RTCPeerConnection;
  far: PhoneCallProbe;
}

/** The agent calls a phone of the vendor; resolves once the call started and the phone answered. */
export async function callPhone(vendor: VendorAdapter, agent: Agent, slot = 0): Promise<OpenCall> {
  const number = vendor.phoneNumber(slot);
  const far = await vendor.watch(number, agent.backendUrl);
  const starts = count(agent.log, STD_EVENTS.CALL_START);
  const pcs = peerConnections.length;
  agent.client.call({ phoneNumber: number });
  await until(() => count(agent.log, STD_EVENTS.CALL_START) === starts + 1, 'no CALL_START');
  await until(() => far.answered(), 'the phone never answered');
  expect(peerConnections.length, 'one peer connection for the call').to.be.greaterThan(pcs);
  const callId = fired(agent.log, STD_EVENTS.CALL_START).at(-1)!.args[0] as string;
  return { number, callId, pc: peerConnections.at(-1)!, far };
}

/** The agent hangs up its call and the phone sees it end. */
export async function hangUp(agent: Agent, call: OpenCall): Promise<void> {
  const ends = count(agent.log, STD_EVENTS.CALL_DISCONNECT);
  agent.client.hangupCall();
  await until(() => count(agent.log, STD_EVENTS.CALL_DISCONNECT) === ends + 1, 'no CALL_DISCONNECT');
  await until(() => call.far.ended(), 'the phone never saw the call end');
}

/** The microphone level the page is sending (the sender's media-source); 0 while its track is disabled. */
export async function sentAudioLevel(pc: RTCPeerConnection): Promise<number> {
  let level = 0;
  (await pc.getStats()).forEach((report: { type: string; kind?: string; audioLevel?: number }) => {
    if (report.type === 'media-source' && report.kind === 'audio') level = report.audioLevel ?? 0;
  });
  return level;
}
