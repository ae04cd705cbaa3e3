/**
 * Call history end to end: calls made and received through <notify-phone> (the built bundle, the real
 * @twilio/voice-sdk, the backend and the emulator's virtual phones) show in `GET /calls` and in the
 * element's recent calls with their outcomes and durations; the missed-call count clears when seen; one
 * press calls back; another user's calls never appear.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { api, dialFromPhone, phone as virtualPhone, signInUser, stack } from './helpers.js';
import '/dist/notify-phone.js';

const TIMEOUT = { timeout: 15000, interval: 50 };

type Phone = HTMLElement & { authToken?: string; updateComplete: Promise<boolean>; destroy(): void };

interface Entry {
  callSid: string;
  direction: string;
  outcome: string;
  duration: number | null;
  number: string | null;
  colleague: { sys_id: string; name: string } | null;
}

async function mountPhone(token: string, available: boolean): Promise<Phone> {
  const el = document.createElement('notify-phone') as Phone;
  if (available) el.setAttribute('available', '');
  el.authToken = token;
  el.setAttribute('backend', stack.backendUrl);
  el.setAttribute('lazy-vendor', '');
  el.setAttribute('caller-id', stack.demoNumber);
  document.body.append(el);
  await waitUntil(() => el.hasAttribute('online'), 'the element never came online', TIMEOUT);
  return el;
}

const part = (el: Phone, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const panel = (el: Phone) => part(el, 'history')?.shadowRoot ?? null;
const inPanel = <T extends HTMLElement = HTMLElement>(el: Phone, selector: string) =>
  panel(el)?.querySelector<T>(selector) ?? null;
const timerSeconds = (el: Phone) => {
  const [minutes, seconds] = part(el, 'timer')!.textContent!.trim().split(':').map(Number);
  return minutes! * 60 + seconds!;
};
/** The virtual phone's last call is answered (in progress). */
const answered = (number: string) => async () =>
  (await virtualPhone(number)).calls.at(-1)?.state === 'in-progress';
const unique = () => String(Date.now() % 10000).padStart(4, '0');

async function history(token: string): Promise<Entry[]> {
  const res = await api(token, 'GET', '/calls');
  expect(res.status).to.equal(200);
  return res.body.calls as Entry[];
}

/** Waits until no entry is active any more (the last status callbacks reached the backend). */
async function settled(token: string, count: number): Promise<Entry[]> {
  let calls: Entry[] = [];
  await waitUntil(
    async () => {
      calls = await history(token);
      return calls.length === count && calls.every((c) => c.outcome !== 'active');
    },
    `the history never settled at ${count} calls`,
    TIMEOUT,
  );
  return calls;
}

describe('call history end to end', function () {
  this.timeout(90000);

  it('lists calls made, received and missed with outcomes and durations; counts, clears, calls back', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const ada = await signInUser(`Ada ${suffix}`);
    const bob = await signInUser(`Bob ${suffix}`);
    const el = await mountPhone(ada.token, true);
    // Bob's phone (not available: only Ada's rings) places a call of his own.
    const bobs = await mountPhone(bob.token, false);
    const before = Date.now();

    // 1. Ada calls a virtual phone by typing, talks at least two seconds, hangs up.
    const outgoing = `+1555131${unique()}`;
    el.focus();
    await sendKeys({ type: outgoing });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.getAttribute('status') === 'open', 'the call never opened', TIMEOUT);
    await waitUntil(answered(outgoing), 'the virtual phone never answered', TIMEOUT);
    await waitUntil(() => part(el, 'timer') !== null && timerSeconds(el) >= 2, 'timer', TIMEOUT);
    const talkedOut = timerSeconds(el);
    part(el, 'hangup-button')!.click();
    await waitUntil(() => !el.hasAttribute('in-call'), 'the call never closed', TIMEOUT);

    // 2. A virtual phone calls the Notify number; Ada picks up, talks at least a second, hangs up.
    const caller = `+1555132${unique()}`;
    await dialFromPhone(caller, stack.demoNumber);
    await waitUntil(() => el.hasAttribute('ringing'), 'the element never rang', TIMEOUT);
    await el.updateComplete;
    part(el, 'pickup-button')!.click();
    await waitUntil(() => el.getAttribute('status') === 'open', 'the pickup never opened', TIMEOUT);
    await waitUntil(() => part(el, 'timer') !== null && timerSeconds(el) >= 1, 'timer', TIMEOUT);
    const talkedIn = timerSeconds(el);
    part(el, 'hangup-button')!.click();
    await waitUntil(() => !el.hasAttribute('in-call'), 'the received call never closed', TIMEOUT);
    // Ada is free for the backend's routing once its record of that call has ended (the child leg's status
    // callback can trail the hang-up on a loaded machine; a call routed before it would skip her as busy).
    await settled(ada.token, 2);

    // 3. Another caller gives up before Ada answers: a missed call.
    const missedCaller = `+1555133${unique()}`;
    await dialFromPhone(missedCaller, stack.demoNumber);
    await waitUntil(() => el.hasAttribute('ringing'), 'the element never rang again', TIMEOUT);
    await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(missedCaller)}/hangup`, {
      method: 'POST',
    });
    await waitUntil(() => !el.hasAttribute('ringing'), 'the missed call kept ringing', TIMEOUT);

    // Bob's own call.
    const bobsNumber = `+1555134${unique()}`;
    (bobs as unknown as { call(n: string): void }).call(bobsNumber);
    await waitUntil(() => bobs.getAttribute('status') === 'open', "Bob's call never opened", TIMEOUT);
    await waitUntil(answered(bobsNumber), "Bob's call was never answered", TIMEOUT);
    part(bobs, 'hangup-button')!.click();
    await waitUntil(() => !bobs.hasAttribute('in-call'), "Bob's call never closed", TIMEOUT);

    const calls = await settled(ada.token, 3);
    const elapsed = Math.ceil((Date.now() - before) / 1000);
    expect(calls.map((c) => [c.direction, c.outcome, c.number, c.colleague])).to.deep.equal([
      ['inbound', 'missed', missedCaller, null],
      ['inbound', 'answered', caller, null],
      ['outbound', 'answered', outgoing, null],
    ]);
    expect(calls[0]!.duration).to.equal(0);
    // Whole seconds connected: at least what the element's timer showed, at most the whole test so far.
    for (const [entry, talked] of [
      [calls[1]!, talkedIn],
      [calls[2]!, talkedOut],
    ] as const) {
      expect(entry.duration).to.be.a('number');
      expect(entry.duration!).to.be.at.least(talked - 1);
      expect(entry.duration!).to.be.at.most(elapsed);
    }
    // Another user's calls never appear, and Ada's never appear in his.
    const bobsCalls = await settled(bob.token, 1);
    expect(bobsCalls.map((c) => [c.direction, c.outcome, c.number])).to.deep.equal([
      ['outbound', 'answered', bobsNumber],
    ]);
    expect(calls.map((c) => c.callSid)).to.not.include(bobsCalls[0]!.callSid);

    // The element: the same calls, one missed not yet seen; opening the list clears the count.
    await waitUntil(
      () => panel(el)?.querySelectorAll('[part="history-entry"]').length === 3,
      'the recent calls never listed the three calls',
      TIMEOUT,
    );
    await waitUntil(
      () => inPanel(el, '[part="history-entry"].missed') !== null,
      'the missed call was not shown as missed',
      TIMEOUT,
    );
    // The count renders with the panel's next update after the entries.
    await waitUntil(
      () => inPanel(el, '[part="missed-count"]')?.textContent === '1 missed',
      'the missed count never showed',
      TIMEOUT,
    );
    expect(inPanel(el, '[role="status"]')!.textContent!.trim()).to.equal('Missed calls: 1');
    const texts = [...panel(el)!.querySelectorAll('[part="history-entry"]')].map((li) =>
      li.textContent!.replace(/\s+/g, ' ').trim(),
    );
    expect(texts[0]).to.contain(missedCaller).and.contain('Missed');
    expect(texts[1]).to.contain(caller).and.contain('Incoming, Answered');
    expect(texts[2]).to.contain(outgoing).and.contain('Outgoing, Answered');
    inPanel(el, 'summary')!.click();
    await waitUntil(() => inPanel(el, '[part="missed-count"]') === null, 'the count never cleared', TIMEOUT);

    // One press calls the first number back.
    inPanel<HTMLButtonElement>(el, '[part="history-entry"]:nth-child(3) [part="redial-button"]')!.click();
    await waitUntil(() => el.getAttribute('status') === 'open', 'the call back never opened', TIMEOUT);
    await waitUntil(
      async () => (await virtualPhone(outgoing)).calls.filter((c) => c.state === 'in-progress').length === 1,
      'the call back was never answered',
      TIMEOUT,
    );
    part(el, 'hangup-button')!.click();
    await waitUntil(() => !el.hasAttribute('in-call'), 'the call back never closed', TIMEOUT);
    const after = await settled(ada.token, 4);
    expect([after[0]!.direction, after[0]!.outcome, after[0]!.number]).to.deep.equal([
      'outbound',
      'answered',
      outgoing,
    ]);
    for (const phone of [el, bobs]) {
      phone.destroy();
      phone.remove();
    }
  });
});
