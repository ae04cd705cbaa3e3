/**
 * Call quality end to end (issue 14): a call from <notify-phone> (the built bundle, the real
 * @twilio/voice-sdk in Chromium, the backend, the emulator's virtual phone) whose media leg the emulator
 * degrades (POST /emulator/faults/media/degrade: RTP lost at its UDP socket, both ways) raises the SDK's
 * own warning, which reaches the page as one `notify-call-quality` event {name, value, threshold, cleared}
 * and turns the indicator to "poor"; once the fault ends, the warning clears and the indicator is good again.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { phone as virtualPhone, signInUser, stack } from './helpers.js';
import '/dist/notify-phone.js';

const TIMEOUT = { timeout: 20000, interval: 100 };

type Phone = HTMLElement & { authToken?: string; call(n: string): void; hangupCall(): void };

interface Warning {
  name: string;
  value: number | null;
  threshold: number | null;
  cleared: boolean;
  callId: string | undefined;
}

const part = (el: Phone, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const indicator = (el: Phone) =>
  part(el, 'quality')?.shadowRoot?.querySelector('[part~="quality-indicator"]');

async function fault(path: string, body?: unknown, method = 'POST') {
  const response = await fetch(`${stack.origin}/emulator/faults${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: response.status === 204 ? null : await response.json() };
}

describe('call quality end to end', function () {
  this.timeout(90000);
  let el: Phone | undefined;

  afterEach(async () => {
    await fault('', undefined, 'DELETE');
    el?.remove();
  });

  it('a degraded leg raises the quality event and the indicator; both clear when it ends', async () => {
    const { token } = await signInUser(`Quality ${Math.random().toString(36).slice(2, 8)}`);
    el = document.createElement('notify-phone') as Phone;
    el.authToken = token;
    el.setAttribute('backend', stack.backendUrl);
    el.setAttribute('lazy-vendor', '');
    el.setAttribute('caller-id', stack.demoNumber);
    el.style.inlineSize = '320px'; // a narrow phone: the header's one line is short of room
    const warnings: Warning[] = [];
    el.addEventListener('notify-call-quality', (e) => warnings.push((e as CustomEvent<Warning>).detail));
    let callId: string | undefined;
    el.addEventListener('notify-call-start', (e) => (callId = (e as CustomEvent).detail.callId));
    document.body.append(el);
    await waitUntil(() => el!.hasAttribute('online'), 'the element never came online', TIMEOUT);

    const number = `+1555141${String(Date.now() % 10000).padStart(4, '0')}`;
    el.call(number);
    await waitUntil(() => el!.getAttribute('status') === 'open' && callId, 'the call never opened', TIMEOUT);
    await waitUntil(
      async () => (await virtualPhone(number)).calls.at(-1)?.state === 'in-progress',
      'the phone never answered',
      TIMEOUT,
    );
    await waitUntil(() => indicator(el!), 'no indicator during the call', TIMEOUT);
    expect(indicator(el)!.className).to.equal('good');
    expect(indicator(el)!.getAttribute('role')).to.equal('status');
    expect(warnings).to.deep.equal([], 'a clean line raises nothing');

    const degraded = await fault('/media/degrade', { callSid: callId, lossPercent: 40 });
    expect(degraded.status).to.equal(201);
    await waitUntil(
      () => warnings.some((w) => w.name === 'high-packet-loss' && !w.cleared),
      `no high-packet-loss warning: ${JSON.stringify(warnings)}`,
      TIMEOUT,
    );
    const raised = warnings.find((w) => w.name === 'high-packet-loss')!;
    expect(raised.callId).to.equal(callId);
    expect(raised.threshold).to.equal(1);
    // The SDK's measure (percent of packets lost in the last second) is what crossed the threshold.
    expect(raised.value).to.be.a('number').and.above(raised.threshold!);
    await waitUntil(() => indicator(el!)?.className === 'poor', 'the indicator never turned poor', TIMEOUT);
    expect(indicator(el)!.textContent).to.contain('packet loss');
    // Longer than its room between the presence pill and the timer: it ends in an ellipsis there instead of
    // running under the timer, and its title has the whole text.
    const shown = indicator(el)!.getBoundingClientRect();
    expect(shown.right).to.be.at.most(part(el, 'timer')!.getBoundingClientRect().left + 0.5);
    expect(indicator(el)!.getAttribute('title')).to.equal(indicator(el)!.textContent);
    expect(el.getAttribute('status')).to.equal('open', 'the call goes on');

    await fault(`/${degraded.body.id}`, undefined, 'DELETE');
    await waitUntil(
      () => warnings.some((w) => w.name === 'high-packet-loss' && w.cleared),
      `the warning never cleared: ${JSON.stringify(warnings)}`,
      { timeout: 30000, interval: 200 },
    );
    const cleared = warnings.filter((w) => w.name === 'high-packet-loss' && w.cleared).at(-1)!;
    expect(cleared).to.include({ value: null, threshold: 1, callId });
    await waitUntil(
      () => warnings.every((w) => w.cleared || warnings.some((c) => c.cleared && c.name === w.name)),
      `warnings left in force: ${JSON.stringify(warnings)}`,
      { timeout: 30000, interval: 200 },
    );
    await waitUntil(() => indicator(el!)?.className === 'good', 'the indicator never recovered', TIMEOUT);
    el.hangupCall();
    await waitUntil(() => !el!.hasAttribute('in-call'), 'the call never ended', TIMEOUT);
    await waitUntil(() => !indicator(el!), 'the indicator stayed after the call', TIMEOUT);
  });
});
