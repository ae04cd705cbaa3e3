/**
 * <notify-phone>'s second line end to end, driven through its UI: the built bundle, the real
 * @twilio/voice-sdk, the backend and the emulator's virtual phones. What each party hears is measured: the
 * phones' audio meters (the page's tone, the hold tone) and the page's Web Audio analyser.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { dialFromPhone, heardPageMs, pageHears, signIn, stack } from './helpers.js';
import { HOLD_TONES, heard, hearsHoldTone, hearsMore, lastCall, tonePhone } from './tones.js';
import '/dist/notify-phone.js';

const TIMEOUT = { timeout: 20000, interval: 50 };

type Phone = HTMLElement & { authToken?: string; updateComplete: Promise<boolean>; destroy(): void };

const mounted: Phone[] = [];

async function mountPhone(attributes: Record<string, string> = {}): Promise<Phone> {
  const el = document.createElement('notify-phone') as Phone;
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.authToken = await signIn(`second-line-${Math.random().toString(36).slice(2, 8)}`);
  el.setAttribute('backend', stack.backendUrl);
  el.setAttribute('lazy-vendor', '');
  el.setAttribute('caller-id', stack.demoNumber);
  document.body.append(el);
  mounted.push(el);
  await waitUntil(() => el.hasAttribute('online'), 'the element never came online', TIMEOUT);
  return el;
}

const part = (el: Phone, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
/** A shown number without its formatting (the call UI formats numbers once libphonenumber-js is loaded). */
const plain = (shown: string) => shown.replace(/[\s().-]/g, '');
/** Each number in a shown text in E.164, however it is shown. */
const unformatted = (shown: string) => shown.replace(/\+[\d ().-]*\d/g, plain);
const text = (el: Phone, name: string) => unformatted(part(el, name)?.textContent?.trim() ?? '');
/** Each listed call as "party · state". */
const listed = (el: Phone) =>
  [...el.shadowRoot!.querySelectorAll('[part~="call-item"]')].map(
    (item) =>
      `${unformatted(item.querySelector('[part="call-party"]')!.textContent!.trim())} · ${item
        .querySelector('[part="call-state"]')!
        .textContent!.trim()}`,
  );

/** Calls a phone from the number field and the Call button; resolves once the phone hears the page. */
async function callFromUi(el: Phone, number: string) {
  const input = part(el, 'number-input') as HTMLInputElement;
  input.value = number;
  input.dispatchEvent(new Event('input'));
  await el.updateComplete;
  part(el, 'call-button')!.click();
  await waitUntil(() => el.getAttribute('status') === 'open', 'the call never opened', TIMEOUT);
  await waitUntil(
    async () => heardPageMs(await lastCall(number)) > 300,
    'the phone never heard the page',
    TIMEOUT,
  );
  await waitUntil(() => part(el, 'hold-button') !== null, 'no Hold button', TIMEOUT);
}

/** Types a number into the open dialog and submits it with its number button. */
async function dialogNumber(el: Phone, number: string) {
  const input = part(el, 'forward-input') as HTMLInputElement;
  input.value = number;
  part(el, 'forward-number-button')!.click();
  await el.updateComplete;
}

/** Opens the forward dialog, or the add-to-call dialog, from its button. */
async function openDialog(el: Phone, button: 'forward-button' | 'add-button') {
  part(el, button)!.click();
  await waitUntil(() => (part(el, 'forward-dialog') as HTMLDialogElement).open, 'no dialog', TIMEOUT);
}

afterEach(() => {
  for (const el of mounted.splice(0)) {
    el.destroy();
    el.remove();
  }
});

describe('<notify-phone> second line end to end', function () {
  this.timeout(90000);

  it('holds from the Hold toggle (the phone hears the hold tone, not the page) and resumes from it', async () => {
    const el = await mountPhone();
    const number = await tonePhone(520);
    await callFromUi(el, number);
    await waitUntil(() => pageHears(520), 'the page never heard the phone', TIMEOUT);

    part(el, 'hold-button')!.click();
    await waitUntil(() => el.hasAttribute('held'), 'the element never showed the call held', TIMEOUT);
    await el.updateComplete;
    expect(text(el, 'status')).to.equal('Call on hold');
    expect(listed(el)).to.deep.equal([`${number} · On hold`]);
    expect(part(el, 'hold-button')!.getAttribute('aria-pressed')).to.equal('true');
    expect(text(el, 'hold-button')).to.equal('Resume');
    await hearsHoldTone(number);
    // Nothing of the page reaches the held phone: its count of the page's tone stands still while the hold
    // tone goes on.
    const pageBefore = heardPageMs(await lastCall(number));
    await hearsMore(number, HOLD_TONES[0]!, 600);
    expect(heardPageMs(await lastCall(number))).to.equal(pageBefore);
    expect((await lastCall(number))!.state).to.equal('in-progress');

    part(el, 'hold-button')!.click();
    await waitUntil(
      () => !el.hasAttribute('held') && el.getAttribute('status') === 'open',
      'the call never resumed',
      TIMEOUT,
    );
    await hearsMore(number, stack.pageToneHz, 400, 'the phone never heard the page again');
    await waitUntil(() => pageHears(520), 'the page never heard the phone again', TIMEOUT);
    await el.updateComplete;
    expect(listed(el)).to.deep.equal([]);
    expect(plain(text(el, 'remote'))).to.equal(number);

    part(el, 'hangup-button')!.click();
    await waitUntil(
      async () => (await lastCall(number))!.state === 'completed',
      'the phone stayed in the call',
      TIMEOUT,
    );
    expect(el.hasAttribute('in-call')).to.equal(false);
  });

  it('call-waiting="ring": a call during a call waits, Answer & hold takes it, the first resumes after', async () => {
    const el = await mountPhone({ available: '', 'call-waiting': 'ring' });
    const first = await tonePhone(520);
    await callFromUi(el, first);
    const caller = await tonePhone(610);
    await dialFromPhone(caller, stack.demoNumber);
    await waitUntil(() => part(el, 'waiting') !== null, 'no waiting call shown', TIMEOUT);
    await el.updateComplete;
    expect(text(el, 'waiting-caller')).to.equal(caller);
    expect(text(el, 'announcer')).to.equal(`Call waiting from ${caller}`);
    expect(listed(el)).to.deep.equal([`${first} · Active`, `${caller} · Ringing`]);

    part(el, 'answer-hold-button')!.click();
    await waitUntil(
      () => listed(el).join() === `${first} · On hold,${caller} · Active`,
      'the waiting call was never answered with the first on hold',
      TIMEOUT,
    );
    expect(el.hasAttribute('held')).to.equal(true);
    expect(plain(text(el, 'remote'))).to.equal(caller);
    await hearsHoldTone(first);
    await hearsMore(caller, stack.pageToneHz, 400, 'the waiting caller never heard the page');
    await waitUntil(() => pageHears(610), 'the page never heard the waiting caller', TIMEOUT);

    part(el, 'hangup-button')!.click();
    await waitUntil(
      async () => (await lastCall(caller))!.state === 'completed',
      'the second caller stayed in the call',
      TIMEOUT,
    );
    await waitUntil(() => listed(el).join() === `${first} · On hold`, 'the held call is not listed', TIMEOUT);
    // The one call left is on hold: the Hold toggle (pressed, Resume) resumes it.
    await waitUntil(() => text(el, 'hold-button') === 'Resume', 'the toggle never read Resume', TIMEOUT);
    part(el, 'hold-button')!.click();
    await waitUntil(() => !el.hasAttribute('held'), 'the first call never resumed', TIMEOUT);
    await hearsMore(first, stack.pageToneHz, 400, 'the first phone never heard the page again');
    await waitUntil(() => pageHears(520), 'the page never heard the first phone again', TIMEOUT);
    part(el, 'hangup-button')!.click();
    await waitUntil(
      async () => (await lastCall(first))!.state === 'completed',
      'the first phone stayed in the call',
      TIMEOUT,
    );
  });

  it('warm transfer from the dialog: consult a phone while the caller hears the hold tone, then complete', async () => {
    const el = await mountPhone();
    const customer = await tonePhone(520);
    await callFromUi(el, customer);
    const target = await tonePhone(610);
    await openDialog(el, 'forward-button');
    const warm = part(el, 'transfer-mode')!.querySelectorAll<HTMLInputElement>('input[type="radio"]')[1]!;
    warm.click();
    await el.updateComplete;
    await dialogNumber(el, target);
    await waitUntil(
      () => text(el, 'status') === `Consulting ${target}, caller on hold`,
      'the element never showed the consultation',
      TIMEOUT,
    );
    await hearsHoldTone(customer);
    await waitUntil(
      () => !(part(el, 'complete-transfer-button') as HTMLButtonElement | null)?.disabled,
      'the consultation never opened',
      TIMEOUT,
    );
    await hearsMore(target, stack.pageToneHz, 300, 'the consulted phone never heard the agent');
    expect(listed(el)).to.deep.equal([`${customer} · On hold`, `${target} · Consulting`]);
    // The customer hears the hold tone during the consultation, never the consulted phone.
    expect(await heard(customer, 610)).to.equal(0);

    part(el, 'complete-transfer-button')!.click();
    await waitUntil(
      () => !el.hasAttribute('in-call') && !el.hasAttribute('held'),
      'still in a call',
      TIMEOUT,
    );
    await hearsMore(customer, 610, 400, 'the customer never heard the consulted phone');
    await hearsMore(target, 520, 400, 'the consulted phone never heard the customer');
    await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(target)}/hangup`, { method: 'POST' });
  });

  it('adds a phone to the call from the Add to call dialog: everyone hears everyone', async () => {
    const el = await mountPhone();
    const customer = await tonePhone(520);
    await callFromUi(el, customer);
    const third = await tonePhone(610);
    await openDialog(el, 'add-button');
    expect(text(el, 'forward-number-button')).to.equal('Add');
    await dialogNumber(el, third);
    await hearsMore(customer, 610, 400, 'the customer never heard the third party');
    await hearsMore(customer, stack.pageToneHz, 400, 'the customer never heard the agent');
    await hearsMore(third, 520, 400, 'the third party never heard the customer');
    await hearsMore(third, stack.pageToneHz, 400, 'the third party never heard the agent');
    expect(el.getAttribute('status')).to.equal('open');
    // The agent leaves; the other two keep talking.
    part(el, 'hangup-button')!.click();
    await waitUntil(() => !el.hasAttribute('in-call'), 'the element stayed in the call', TIMEOUT);
    await hearsMore(customer, 610, 400, 'the customer and the third party stopped talking');
    for (const number of [third, customer]) {
      await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(number)}/hangup`, { method: 'POST' });
    }
  });
});
