/**
 * True call progress through the real stack (issue 12): the backend dials with `<Dial answerOnBridge>`, so the
 * SDK's call rings until the virtual phone answers, and every call ends with an outcome the user sees on the
 * status line and a page reads in `notify-call-disconnect`. Each test records the status line's texts in order
 * (what the user saw) and checks them against what the phone did.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { inboundPacketsOf, peerConnections, phone, remoteTone, signIn, stack } from './helpers.js';
import '/dist/notify-phone.js';

const TIMEOUT = { timeout: 20000, interval: 50 };
/** The backend rings a number for 30 s (server/routing.ts RING_TIMEOUT_SECONDS) before "no answer". */
const NO_ANSWER_TIMEOUT = { timeout: 45000, interval: 100 };

type Phone = HTMLElement & {
  authToken?: string;
  updateComplete: Promise<boolean>;
  call(number: string): void;
  hangupCall(): void;
  destroy(): void;
};

let seq = 0;
/** A fresh virtual phone per test, set to behave as the test needs. */
async function virtualPhone(behaviour: { answer: string; answerDelayMs?: number }): Promise<string> {
  const number = `+1555440${String(Date.now() % 1000).padStart(3, '0')}${seq++ % 10}`;
  const response = await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(number)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(behaviour),
  });
  expect(response.status).to.be.lessThan(300);
  return number;
}

const part = (el: Phone, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

/** Every distinct text the status line showed, in order, and the timer's reading when each appeared. */
function watchStatus(el: Phone) {
  const seen: { text: string; timer: string | null }[] = [];
  const read = () => {
    const text = part(el, 'status')?.textContent?.trim() ?? '';
    if (text && text !== seen.at(-1)?.text) {
      seen.push({ text, timer: part(el, 'timer')?.textContent?.trim() ?? null });
    }
  };
  const observer = new MutationObserver(read);
  observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
  read();
  return { texts: () => seen.map((s) => s.text), seen, stop: () => observer.disconnect() };
}

async function mountPhone() {
  const el = document.createElement('notify-phone') as Phone;
  el.authToken = await signIn(`progress-${Math.random().toString(36).slice(2, 8)}`);
  el.setAttribute('backend', stack.backendUrl);
  el.setAttribute('lazy-vendor', '');
  el.setAttribute('caller-id', stack.demoNumber);
  // Available: the idle status reads "Ready" (an agent not taking calls reads "Not taking calls").
  el.setAttribute('available', '');
  const events: CustomEvent[] = [];
  for (const type of ['notify-error', 'notify-call-start', 'notify-call-disconnect']) {
    el.addEventListener(type, (event) => events.push(event as CustomEvent));
  }
  document.body.append(el);
  await waitUntil(() => el.hasAttribute('online'), 'the element never came online', TIMEOUT);
  // The call UI (the progress and outcome strings among them) loads once online: wait for it (it defines
  // <notify-call-history>), so that the test sees what every call after the first moments shows.
  await customElements.whenDefined('notify-call-history');
  await new Promise((resolve) => setTimeout(resolve, 0));
  await el.updateComplete;
  await waitUntil(() => part(el, 'status')?.textContent?.trim() === 'Ready', 'not ready', TIMEOUT);
  const status = watchStatus(el);
  const disconnect = () => events.find((e) => e.type === 'notify-call-disconnect');
  return { el, events, status, disconnect };
}

describe('call progress and outcomes end to end (answerOnBridge, the real SDK)', function () {
  this.timeout(90000);
  const mounted: Phone[] = [];
  afterEach(() => {
    for (const el of mounted.splice(0)) {
      el.destroy();
      el.remove();
    }
  });

  it('a phone answering after 3 s: ringing until it answers, the timer from the answer, then "Call ended"', async () => {
    const number = await virtualPhone({ answer: 'answer', answerDelayMs: 3000 });
    const { el, status, events, disconnect } = await mountPhone();
    mounted.push(el);
    el.call(number);
    // While the phone rings (for three seconds), the element says so and the call has not started.
    const phoneState = async () => (await phone(number)).calls.at(-1)?.state;
    await waitUntil(async () => (await phoneState()) === 'ringing', 'the phone never rang', TIMEOUT);
    expect(part(el, 'status')!.textContent!.trim()).to.equal('Ringing…');
    expect(el.getAttribute('status')).to.equal('ringing');
    expect(part(el, 'timer')).to.equal(null);
    expect(events.some((e) => e.type === 'notify-call-start')).to.equal(false);

    await waitUntil(() => status.texts().includes('Call in progress'), 'never answered', TIMEOUT);
    expect(await phoneState()).to.equal('in-progress');
    // The timer started at the answer, not at the dial three seconds earlier.
    const atAnswer = status.seen.find((s) => s.text === 'Call in progress')!.timer;
    expect(atAnswer).to.be.oneOf(['0:00', '0:01']);
    el.hangupCall();
    await waitUntil(() => disconnect(), 'no disconnect', TIMEOUT);
    expect(disconnect()!.detail).to.deep.include({ outcome: 'completed', endedBy: 'local' });
    expect(disconnect()!.detail.duration).to.be.a('number');
    await waitUntil(() => /^Call ended · 0:0\d$/.test(status.texts().at(-1)!), 'no outcome', TIMEOUT);
    // What the user saw, in order ("Calling…" can be too short to render before the SDK's ringing).
    const texts = status.texts().filter((t) => t !== 'Calling…');
    expect(texts.slice(0, 3), texts.join(' | ')).to.deep.equal(['Ready', 'Ringing…', 'Call in progress']);
    expect(texts.slice(3)).to.have.length(1);
    expect(events.filter((e) => e.type === 'notify-error')).to.deep.equal([]);
    // The outcome leaves the status line after a few seconds.
    await waitUntil(() => status.texts().at(-1) === 'Ready', 'the outcome stayed', TIMEOUT);
  });

  it('while the phone rings the page hears the ringback as early media, before the answer', async () => {
    // Eight seconds of ringing: the ringback's cadence (2 s on, 4 s off) is on at least twice meanwhile.
    const number = await virtualPhone({ answer: 'answer', answerDelayMs: 8000 });
    const { el, events } = await mountPhone();
    mounted.push(el);
    const before = peerConnections.length;
    el.call(number);
    await waitUntil(() => peerConnections.length > before, 'the SDK made no peer connection', TIMEOUT);
    const pc = peerConnections.at(-1)!;
    const phoneState = async () => (await phone(number)).calls.at(-1)?.state;
    await waitUntil(async () => (await phoneState()) === 'ringing', 'the phone never rang', TIMEOUT);
    // Audio packets arrive and keep arriving while the phone rings…
    await waitUntil(async () => (await inboundPacketsOf(pc)) > 0, 'no early media arrived', TIMEOUT);
    const first = await inboundPacketsOf(pc);
    await waitUntil(async () => (await inboundPacketsOf(pc)) > first + 10, 'the packets stopped', TIMEOUT);
    // …and they carry the ringback (440 Hz and 480 Hz together), not silence.
    await waitUntil(
      async () => {
        const { hz } = await remoteTone(pc);
        return hz !== null && (Math.abs(hz - 440) <= 25 || Math.abs(hz - 480) <= 25);
      },
      'the page never heard the ringback',
      TIMEOUT,
    );
    // All of it before the answer: the phone still rings, the element says Ringing…, no call started.
    expect(await phoneState()).to.equal('ringing');
    expect(el.getAttribute('status')).to.equal('ringing');
    expect(part(el, 'status')!.textContent!.trim()).to.equal('Ringing…');
    expect(events.some((e) => e.type === 'notify-call-start')).to.equal(false);
    // The answer still opens the call as before.
    await waitUntil(() => el.getAttribute('status') === 'open', 'never answered', TIMEOUT);
    expect(await phoneState()).to.equal('in-progress');
    expect(events.filter((e) => e.type === 'notify-error')).to.deep.equal([]);
  });

  for (const [answer, shown, outcome] of [
    ['busy', 'Busy', 'busy'],
    ['reject', 'Declined', 'declined'],
  ] as const) {
    it(`a phone that is ${answer}: ringing, then "${shown}", and no error`, async () => {
      const number = await virtualPhone({ answer });
      const { el, status, events, disconnect } = await mountPhone();
      mounted.push(el);
      el.call(number);
      await waitUntil(() => status.texts().includes(shown), `never "${shown}"`, TIMEOUT);
      expect(disconnect()!.detail).to.deep.include({ outcome, endedBy: 'remote', duration: null });
      expect(status.texts().filter((t) => t !== 'Calling…' && t !== 'Ringing…')).to.deep.equal([
        'Ready',
        shown,
      ]);
      expect(status.texts()).not.to.include('Call in progress');
      expect(events.some((e) => e.type === 'notify-call-start')).to.equal(false);
      expect(events.filter((e) => e.type === 'notify-error')).to.deep.equal([]);
      const call = (await phone(number)).calls.at(-1);
      expect(call?.state).to.equal(answer === 'busy' ? 'busy' : 'rejected');
    });
  }

  it('a phone that never answers: ringing for the ring timeout, then "No answer"', async () => {
    const number = await virtualPhone({ answer: 'no-answer' });
    const { el, status, events, disconnect } = await mountPhone();
    mounted.push(el);
    el.call(number);
    await waitUntil(() => status.texts().includes('Ringing…'), 'never ringing', TIMEOUT);
    await waitUntil(() => status.texts().includes('No answer'), 'never "No answer"', NO_ANSWER_TIMEOUT);
    expect(disconnect()!.detail).to.deep.include({ outcome: 'no-answer', endedBy: 'remote', duration: null });
    expect(status.texts()).not.to.include('Call in progress');
    expect(events.filter((e) => e.type === 'notify-error')).to.deep.equal([]);
    expect((await phone(number)).calls.at(-1)?.state).to.equal('canceled');
  });

  it('the phone hangs up during the call: "Call ended by the other side" with its duration', async () => {
    const number = await virtualPhone({ answer: 'answer', answerDelayMs: 300 });
    const { el, status, disconnect } = await mountPhone();
    mounted.push(el);
    el.call(number);
    await waitUntil(() => status.texts().includes('Call in progress'), 'never answered', TIMEOUT);
    await waitUntil(
      () => part(el, 'timer')?.textContent?.trim() === '0:01',
      'the timer stood still',
      TIMEOUT,
    );
    const hangup = await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(number)}/hangup`, {
      method: 'POST',
    });
    expect(hangup.status).to.be.lessThan(300);
    await waitUntil(() => disconnect(), 'no disconnect', TIMEOUT);
    expect(disconnect()!.detail).to.deep.include({ outcome: 'completed', endedBy: 'remote' });
    expect(disconnect()!.detail.duration).to.be.at.least(1);
    await waitUntil(
      () => /^Call ended by the other side · 0:0[1-9]$/.test(status.texts().at(-1)!),
      `no outcome: ${status.texts().join(' | ')}`,
      TIMEOUT,
    );
  });
});
