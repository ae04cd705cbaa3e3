/**
 * `<notify-phone caller-id="<SIP number>">` end to end through its UI (issue 15): the same element as with
 * Twilio, the SIP driver chosen by the caller ID, real calls through Kamailio, rtpengine and baresip.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import { inboundAudioPackets, signIn } from './helpers.js';
import '/dist/notify-phone.js';
// @ts-expect-error served by the stack plugin at test time
import { stack as served } from '/__stack.js?sip';

/** A shown number without its formatting (the call UI formats numbers once libphonenumber-js is loaded). */
const plain = (shown: string) => shown.trim().replace(/[\s().-]/g, '');

interface SipStackInfo {
  backendUrl: string;
  sipNumber: string;
  phones: string[];
}
const sip = (served as { sip: SipStackInfo | { skip: string } }).sip;
const skip = 'skip' in sip ? sip.skip : undefined;
const stack = sip as SipStackInfo;

const TIMEOUT = { timeout: 15000, interval: 50 };
const command = <T>(name: string, payload: object = {}) => executeServerCommand<T, object>(name, payload);

type Phone = HTMLElement & { authToken?: string; updateComplete: Promise<boolean> };

/**
 * The identities of the sessions the page's elements open, read from the backend's answers: a phone dials this
 * element's session directly (routing to the Notify number, which rings every agent, is sip-calls.test.ts's).
 */
const identities: string[] = [];
const nativeFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const response = await nativeFetch(input, init);
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (init?.method === 'POST' && url.endsWith('/sessions') && response.ok) {
    const body = (await response.clone().json()) as { session: { identity: string } };
    identities.push(body.session.identity);
  }
  return response;
};

async function mountSipPhone(): Promise<Phone> {
  const el = document.createElement('notify-phone') as Phone;
  el.authToken = await signIn(`sipel-${Math.random().toString(36).slice(2, 8)}`, stack.backendUrl);
  el.setAttribute('backend', stack.backendUrl);
  el.setAttribute('lazy-vendor', '');
  el.setAttribute('caller-id', stack.sipNumber);
  document.body.append(el);
  await waitUntil(
    () => el.hasAttribute('online'),
    'the element never came online on the SIP number',
    TIMEOUT,
  );
  return el;
}

const part = (el: Phone, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('<notify-phone> on a SIP number, through its UI', function () {
  this.timeout(60000);
  before(function () {
    if (skip) this.skip();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.warn(await command<string>('sip-logs'));
  });

  it('dials a SIP phone by typing, sends DTMF from the keypad (heard in order) and hangs up', async () => {
    const el = await mountSipPhone();
    const [number] = stack.phones;
    const started = new Promise<string>((resolve) =>
      el.addEventListener('notify-call-start', (event) => resolve((event as CustomEvent).detail.callId), {
        once: true,
      }),
    );
    el.focus();
    await sendKeys({ type: number! });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.getAttribute('status') === 'open', 'the call never opened', TIMEOUT);
    // The call's id is its SIP Call-ID, under which rtpengine logs the digits it relays.
    const callId = await started;
    await waitUntil(async () => (await inboundAudioPackets()) > 0, 'the page received no RTP', TIMEOUT);

    for (const key of ['4', '2'])
      part(el, 'dial-pad')!.querySelector<HTMLElement>(`[data-key="${key}"]`)!.click();
    await sendKeys({ type: '7#' });
    await waitUntil(
      async () => (await command<string>('sip-dtmf', { callId })) === '427#',
      'the phone did not get 427#',
      TIMEOUT,
    );
    expect(part(el, 'dtmf')!.textContent!.trim()).to.equal('427#');

    part(el, 'hangup-button')!.click();
    await waitUntil(() => el.getAttribute('status') === 'closed', 'the call never closed', TIMEOUT);
    expect(el.hasAttribute('online')).to.equal(true);
    // The desk's recent calls list it, from what the proxy reported to the backend (server/routes/sip-calls.ts).
    const entry = () =>
      part(el, 'history')
        ?.shadowRoot?.querySelector('[part="history-entry"]')
        ?.textContent?.replace(/\s+/g, ' ') ?? '';
    await waitUntil(
      () => entry().includes(number!) && entry().includes('Outgoing, Answered'),
      'the recent calls never listed the SIP call as answered',
      TIMEOUT,
    );
    el.remove();
  });

  it('rings when a SIP phone calls, picks up with Enter, and the phone hangs up', async () => {
    const el = await mountSipPhone();
    const [, number] = stack.phones;
    await command('sip-dial', { phone: number, target: identities.at(-1) });
    await waitUntil(() => el.hasAttribute('ringing'), 'the element never rang', TIMEOUT);
    await el.updateComplete;
    expect(plain(part(el, 'caller')!.textContent!)).to.equal(number);
    el.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.getAttribute('status') === 'open', 'the pickup never opened', TIMEOUT);
    await waitUntil(async () => (await inboundAudioPackets()) > 0, 'the page received no RTP', TIMEOUT);
    await command('sip-hangup', { phone: number });
    await waitUntil(() => el.getAttribute('status') === 'closed', 'the phone hang-up never arrived', TIMEOUT);
    expect(el.hasAttribute('online')).to.equal(true);
    el.remove();
  });
});
