/**
 * The SIP vendor end to end (issue 15), with real parts only: page → NotifyClient → the SIP driver and JsSIP
 * (the built `dist/sip-driver.js`) → wss to Kamailio (auth_ephemeral credentials the backend minted) →
 * rtpengine (DTLS-SRTP ⇄ RTP) → baresip virtual phones, with real WebRTC media in Chromium.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import {
  inboundAudioPackets,
  pageHears,
  peerConnections,
  recordEvents,
  signIn,
  stack as mainStack,
} from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS, Status, Vendor } from '/dist/notify-phone.js';
// @ts-expect-error served by the stack plugin at test time
import { stack as served } from '/__stack.js?sip';

interface SipStackInfo {
  origin: string;
  backendUrl: string;
  sipNumber: string;
  phones: string[];
  domain: string;
}
const sip = (served as { sip: SipStackInfo | { skip: string } }).sip;
const skip = 'skip' in sip ? sip.skip : undefined;
const stack = sip as SipStackInfo;

type Client = InstanceType<typeof NotifyClient>;
type EventLog = ReturnType<typeof recordEvents>;

const TIMEOUT = { timeout: 15000, interval: 50 };
/** The tone every baresip phone plays (scripts/sip/sip-stack.ts). */
const PHONE_TONE_HZ = 440;
/** The tone of the page's fake microphone (scripts/fake-microphone.ts), as the main stack reports it. */
const PAGE_TONE_HZ = mainStack.pageToneHz;
const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);
const command = <T>(name: string, payload: object = {}) => executeServerCommand<T, object>(name, payload);

async function newSipClient() {
  const authToken = await signIn(`sip-${Math.random().toString(36).slice(2, 8)}`, stack.backendUrl);
  const notifyConfig: Record<string, unknown> = {
    autoLoadScriptResources: true,
    backendUrl: stack.backendUrl,
    authToken,
  };
  const client: Client = new NotifyClient(notifyConfig, true);
  const log = recordEvents(client, STD_EVENTS);
  await new Promise<void>((resolve) => client.setCallerId(stack.sipNumber, () => resolve()));
  client.init();
  await waitUntil(
    () => fired(log, STD_EVENTS.ONLINE).length > 0,
    'the SIP client never came ONLINE',
    TIMEOUT,
  );
  return { client, log, notifyConfig };
}

/** The far end's RTCP receiver reports about what the page sent: proof the phone received the page's RTP. */
async function phoneReportedReception(pc: RTCPeerConnection): Promise<boolean> {
  let reported = false;
  (await pc.getStats()).forEach(
    (report: { type: string; kind?: string; roundTripTimeMeasurements?: number; fractionLost?: number }) => {
      if (report.type === 'remote-inbound-rtp' && report.kind === 'audio') {
        reported = (report.roundTripTimeMeasurements ?? 0) > 0 && (report.fractionLost ?? 1) < 0.5;
      }
    },
  );
  return reported;
}

async function outboundPackets(pc: RTCPeerConnection): Promise<number> {
  let packets = 0;
  (await pc.getStats()).forEach((report: { type: string; kind?: string; packetsSent?: number }) => {
    if (report.type === 'outbound-rtp' && report.kind === 'audio') packets += report.packetsSent ?? 0;
  });
  return packets;
}

describe('SIP vendor: a real call through Kamailio, rtpengine and a baresip phone', function () {
  this.timeout(60000);
  before(function () {
    if (skip) this.skip();
  });
  // A failure's report carries what Kamailio, rtpengine and the phones logged.
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.warn(await command<string>('sip-logs'));
  });

  it('goes ONLINE on the SIP number, calls a phone, audio both ways, DTMF 1234# heard in order, hangs up', async () => {
    const { client, log, notifyConfig } = await newSipClient();
    expect(notifyConfig.vendor).to.equal(Vendor.SIP);
    const [number] = stack.phones;
    const pcsBefore = peerConnections.length;
    client.call({ phoneNumber: number });
    await waitUntil(() => fired(log, STD_EVENTS.CALL_START).length === 1, 'no CALL_START', TIMEOUT);
    expect(client.getStatus()).to.equal(Status.OPEN);
    const pc = peerConnections.at(-1)!;
    expect(peerConnections.length).to.equal(pcsBefore + 1);

    // Both ways: the page receives the phone's RTP and hears its 440 Hz; the page sends, and the phone's
    // RTCP receiver reports say it received it.
    await waitUntil(async () => (await inboundAudioPackets()) > 50, 'the page received no RTP', TIMEOUT);
    await waitUntil(() => pageHears(PHONE_TONE_HZ, pc), 'the page never heard the phone', TIMEOUT);
    await waitUntil(async () => (await outboundPackets(pc)) > 50, 'the page sent no RTP', TIMEOUT);
    await waitUntil(() => phoneReportedReception(pc), 'the phone never reported receiving the page', TIMEOUT);

    // The call's id is its SIP Call-ID, the key rtpengine logs DTMF under.
    const callId = fired(log, STD_EVENTS.CALL_START)[0]!.args[0] as string;
    expect(callId).to.be.a('string').and.not.equal('');
    client.sendDtmf('1234#');
    await waitUntil(
      async () => (await command<string>('sip-dtmf', { callId })) === '1234#',
      'rtpengine did not see 1234# (RFC 4733) on the call',
      TIMEOUT,
    );

    client.hangupCall();
    await waitUntil(() => fired(log, STD_EVENTS.CALL_DISCONNECT).length === 1, 'no CALL_DISCONNECT', TIMEOUT);
    expect(client.getStatus()).to.equal(Status.CLOSED);
    await waitUntil(
      async () => (await command<string[]>('sip-phone-events', { phone: number })).includes('CALL_CLOSED'),
      'the phone never saw the call end',
      TIMEOUT,
    );
    expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
    client.destroy();
  });

  it('a phone-side hangup ends the call (CALL_DISCONNECT) and the client stays ONLINE', async () => {
    const { client, log } = await newSipClient();
    const [, number] = stack.phones;
    client.call({ phoneNumber: number });
    await waitUntil(() => fired(log, STD_EVENTS.CALL_START).length === 1, 'no CALL_START', TIMEOUT);
    await waitUntil(async () => (await inboundAudioPackets()) > 0, 'the page received no RTP', TIMEOUT);
    await command('sip-hangup', { phone: number });
    await waitUntil(() => fired(log, STD_EVENTS.CALL_DISCONNECT).length === 1, 'no CALL_DISCONNECT', TIMEOUT);
    expect(client.getStatus()).to.equal(Status.CLOSED);
    expect(fired(log, STD_EVENTS.OFFLINE)).to.deep.equal([]);
    expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
    client.destroy();
  });

  it('a phone calls the browser: the page rings (not answered), picks up, hears the phone, hangs up', async () => {
    const { client, log } = await newSipClient();
    const identity = client.getSession()!.identity as string;
    const [number] = stack.phones;
    const phoneEvents = async () =>
      (await command<string[]>('sip-phone-events', { phone: number })).slice(earlierEvents);
    const earlierEvents = (await command<string[]>('sip-phone-events', { phone: number })).length;
    await command('sip-dial', { phone: number, target: identity });
    await waitUntil(() => fired(log, STD_EVENTS.INCOMING_CALL).length === 1, 'the page never rang', TIMEOUT);
    const [from] = fired(log, STD_EVENTS.INCOMING_CALL)[0]!.args as string[];
    expect(from).to.equal(number);
    // Ringing, not answered: no call has started and the phone is still waiting.
    expect(fired(log, STD_EVENTS.CALL_START)).to.deep.equal([]);
    expect(await phoneEvents())
      .to.include('CALL_RINGING')
      .and.not.include('CALL_ESTABLISHED');

    client.pickupCall();
    await waitUntil(() => fired(log, STD_EVENTS.CALL_START).length === 1, 'no CALL_START', TIMEOUT);
    await waitUntil(async () => (await phoneEvents()).includes('CALL_ESTABLISHED'), 'not answered', TIMEOUT);
    await waitUntil(
      () => pageHears(PHONE_TONE_HZ, peerConnections.at(-1)),
      'no audio from the phone',
      TIMEOUT,
    );
    client.hangupCall();
    await waitUntil(() => fired(log, STD_EVENTS.CALL_DISCONNECT).length === 1, 'no CALL_DISCONNECT', TIMEOUT);
    expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
    client.destroy();
  });

  it('a phone calls the SIP Notify number: the backend routes it, both agents ring, the first to answer wins, the other gets CALL_CANCEL', async () => {
    const first = await newSipClient();
    const second = await newSipClient();
    const [, number] = stack.phones;
    await command('sip-dial', { phone: number, target: stack.sipNumber });
    for (const { log } of [first, second]) {
      await waitUntil(
        () => fired(log, STD_EVENTS.INCOMING_CALL).length === 1,
        'an agent never rang',
        TIMEOUT,
      );
      const [from, to] = fired(log, STD_EVENTS.INCOMING_CALL)[0]!.args as string[];
      expect([from, to]).to.deep.equal([number, stack.sipNumber]);
    }
    second.client.pickupCall();
    await waitUntil(() => fired(second.log, STD_EVENTS.CALL_START).length === 1, 'no CALL_START', TIMEOUT);
    await waitUntil(
      () => fired(first.log, STD_EVENTS.CALL_CANCEL).length === 1,
      'the other agent never got CALL_CANCEL',
      TIMEOUT,
    );
    expect(fired(first.log, STD_EVENTS.CALL_START)).to.deep.equal([]);
    await waitUntil(
      () => pageHears(PHONE_TONE_HZ, peerConnections.at(-1)),
      'no audio from the phone',
      TIMEOUT,
    );
    await command('sip-hangup', { phone: number });
    await waitUntil(
      () => fired(second.log, STD_EVENTS.CALL_DISCONNECT).length === 1,
      'no CALL_DISCONNECT',
      TIMEOUT,
    );
    for (const { client, log } of [first, second]) {
      expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
      client.destroy();
    }
  });

  it('calls a colleague by user id: their page rings with the caller as sysId, answers, each hears the other', async () => {
    const a = await newSipClient();
    const b = await newSipClient();
    const aUser = a.client.getSession()!.user as string;
    a.client.call({ userId: b.client.getSession()!.user as string });
    await waitUntil(
      () => fired(b.log, STD_EVENTS.INCOMING_CALL).length === 1,
      'the colleague never rang',
      TIMEOUT,
    );
    const [, to, , , sysId, isFromClient] = fired(b.log, STD_EVENTS.INCOMING_CALL)[0]!.args;
    expect({ to, sysId, isFromClient }).to.deep.equal({
      to: stack.sipNumber,
      sysId: aUser,
      isFromClient: true,
    });
    b.client.pickupCall();
    await waitUntil(
      () => fired(a.log, STD_EVENTS.CALL_START).length === 1,
      'the caller never started',
      TIMEOUT,
    );
    await waitUntil(
      () => fired(b.log, STD_EVENTS.CALL_START).length === 1,
      'the callee never started',
      TIMEOUT,
    );
    // Browser to browser through rtpengine (DTLS-SRTP on both legs): each page hears the other's microphone.
    const [pcA, pcB] = peerConnections.slice(-2);
    await waitUntil(() => pageHears(PAGE_TONE_HZ, pcA), 'the caller never heard the colleague', TIMEOUT);
    await waitUntil(() => pageHears(PAGE_TONE_HZ, pcB), 'the colleague never heard the caller', TIMEOUT);
    b.client.hangupCall();
    await waitUntil(
      () => fired(a.log, STD_EVENTS.CALL_DISCONNECT).length === 1,
      'no CALL_DISCONNECT',
      TIMEOUT,
    );
    for (const { client, log } of [a, b]) {
      expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
      client.destroy();
    }
  });
});
