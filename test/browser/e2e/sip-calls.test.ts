/**
 * The SIP vendor end to end (issue 15), with real parts only: page → NotifyClient → the SIP driver and JsSIP
 * (the built `dist/sip-driver.js`) → wss to Kamailio (auth_ephemeral credentials the backend minted) →
 * rtpengine (DTLS-SRTP ⇄ RTP) → baresip virtual phones, with real WebRTC media in Chromium. What both vendors
 * share (outgoing calls, DTMF, hang-up, ring-all, availability...) is in the behaviour suite
 * (behaviour/*.test.ts); here only what the suite does not cover: a phone dialling a session directly, and
 * browser to browser.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { pageHears, peerConnections, recordEvents, signIn, stack as mainStack } from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS } from '/dist/notify-client.js';
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

describe('SIP vendor: a real call through Kamailio, rtpengine and a baresip phone', function () {
  this.timeout(60000);
  before(function () {
    if (skip) this.skip();
  });
  // A failure's report carries what Kamailio, rtpengine and the phones logged.
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.warn(await command<string>('sip-logs'));
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
