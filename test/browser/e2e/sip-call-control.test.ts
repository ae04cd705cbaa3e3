/**
 * The SIP vendor's call control and credentials end to end (issue 15), through the real SIP stack: hold and
 * resume by re-INVITE (sendonly / sendrecv, negotiated with the far end through rtpengine), credentials the
 * proxy must refuse, a lost WebSocket. Mute and credential renewal are in the behaviour suite
 * (behaviour/*.test.ts), run for both vendors.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { inboundPacketsOf, peerConnections, recordEvents, signIn } from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS, Status } from '/dist/notify-client.js';
// @ts-expect-error served by the stack plugin at test time
import { stack as served } from '/__stack.js?sip';

interface SipStackInfo {
  backendUrl: string;
  sipNumber: string;
  phones: string[];
  shortTokens: { backendUrl: string };
  wrongSecret: { backendUrl: string };
}
const sip = (served as { sip: SipStackInfo | { skip: string } }).sip;
const skip = 'skip' in sip ? sip.skip : undefined;
const stack = sip as SipStackInfo;

type Client = InstanceType<typeof NotifyClient>;
type EventLog = ReturnType<typeof recordEvents>;

const TIMEOUT = { timeout: 15000, interval: 50 };
const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);

async function newSipClient(backendUrl = stack.backendUrl) {
  const authToken = await signIn(`sipcc-${Math.random().toString(36).slice(2, 8)}`, backendUrl);
  const client: Client = new NotifyClient({ autoLoadScriptResources: true, backendUrl, authToken }, true);
  const log = recordEvents(client, STD_EVENTS);
  await new Promise<void>((resolve) => client.setCallerId(stack.sipNumber, () => resolve()));
  client.init();
  await waitUntil(
    () => fired(log, STD_EVENTS.ONLINE).length > 0,
    'the SIP client never came ONLINE',
    TIMEOUT,
  );
  return { client, log };
}

async function callPhone(client: Client, log: EventLog, number: string): Promise<RTCPeerConnection> {
  const starts = fired(log, STD_EVENTS.CALL_START).length;
  client.call({ phoneNumber: number });
  await waitUntil(() => fired(log, STD_EVENTS.CALL_START).length === starts + 1, 'no CALL_START', TIMEOUT);
  const pc = peerConnections.at(-1)!;
  await waitUntil(async () => (await inboundPacketsOf(pc)) > 0, 'the page received no RTP', TIMEOUT);
  return pc;
}

/** The audio transceiver's direction as negotiated with the far end (its answer through rtpengine). */
const negotiated = (pc: RTCPeerConnection) =>
  pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio')?.currentDirection;

describe('SIP vendor: mute, hold and resume, credential renewal', function () {
  this.timeout(60000);
  before(function () {
    if (skip) this.skip();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      console.warn(await executeServerCommand<string, object>('sip-logs', {}));
  });

  it('hold is a re-INVITE the phone answers (sendonly), resume brings its audio back (sendrecv)', async () => {
    const { client, log } = await newSipClient();
    const pc = await callPhone(client, log, stack.phones[1]!);
    expect(negotiated(pc)).to.equal('sendrecv');
    const call = client.activeCall!;
    expect(await call.hold()).to.equal(true);
    expect(call.held).to.equal(true);
    expect(negotiated(pc)).to.equal('sendonly');
    // Held, not ended: the call keeps its dialog and its media leg.
    expect(call.status).to.equal(Status.OPEN);
    expect(pc.connectionState).to.equal('connected');

    expect(await call.resume()).to.equal(true);
    expect(call.held).to.equal(false);
    expect(negotiated(pc)).to.equal('sendrecv');
    const before = await inboundPacketsOf(pc);
    await waitUntil(async () => (await inboundPacketsOf(pc)) > before + 25, 'no audio after resume', TIMEOUT);
    client.hangupCall();
    await waitUntil(() => fired(log, STD_EVENTS.CALL_DISCONNECT).length === 1, 'no CALL_DISCONNECT', TIMEOUT);
    expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
    client.destroy();
  });

  it('the proxy refuses credentials minted with another secret: ERROR TOKEN_INVALID, never ONLINE', async () => {
    const backendUrl = stack.wrongSecret.backendUrl;
    const authToken = await signIn(`sipbad-${Math.random().toString(36).slice(2, 8)}`, backendUrl);
    const client: Client = new NotifyClient({ autoLoadScriptResources: true, backendUrl, authToken }, true);
    const log = recordEvents(client, STD_EVENTS);
    await new Promise<void>((resolve) => client.setCallerId(stack.sipNumber, () => resolve()));
    client.init();
    await waitUntil(() => fired(log, STD_EVENTS.ERROR).length > 0, 'no ERROR', TIMEOUT);
    expect(fired(log, STD_EVENTS.ERROR).map((entry) => entry.args[1])).to.deep.equal(['TOKEN_INVALID']);
    expect(fired(log, STD_EVENTS.ONLINE)).to.deep.equal([]);
    expect(client.getDeviceState()).to.not.equal('online');
    client.destroy();
  });

  it('a lost WebSocket: OFFLINE, then JsSIP reconnects and registers again, ONLINE, and calls reach the page', async () => {
    const { client, log } = await newSipClient();
    const closed = await executeServerCommand<number, object>('sip-drop-websockets', {});
    expect(closed).to.be.greaterThan(0);
    await waitUntil(
      () => fired(log, STD_EVENTS.OFFLINE).length === 1,
      'never OFFLINE after the loss',
      TIMEOUT,
    );
    await waitUntil(() => fired(log, STD_EVENTS.ONLINE).length === 2, 'never ONLINE again', TIMEOUT);
    // Registered at its new connection: a phone's call rings here.
    const identity = client.getSession()!.identity as string;
    await executeServerCommand('sip-dial', { phone: stack.phones[0], target: identity });
    await waitUntil(() => fired(log, STD_EVENTS.INCOMING_CALL).length === 1, 'the page never rang', TIMEOUT);
    client.pickupCall();
    await waitUntil(() => fired(log, STD_EVENTS.CALL_START).length === 1, 'no CALL_START', TIMEOUT);
    const pc = peerConnections.at(-1)!;
    await waitUntil(async () => (await inboundPacketsOf(pc)) > 0, 'the page received no RTP', TIMEOUT);
    client.hangupCall();
    await waitUntil(() => fired(log, STD_EVENTS.CALL_DISCONNECT).length === 1, 'no CALL_DISCONNECT', TIMEOUT);
    expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
    client.destroy();
  });
});
