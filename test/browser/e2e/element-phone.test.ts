/**
 * <notify-phone> end to end, driven only through its UI (real key presses and clicks): the built
 * bundle, the real @twilio/voice-sdk, the backend and the emulator's virtual phones.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { stack, signIn, phone, inboundAudioPackets, dialFromPhone } from './helpers.js';
import '/dist/notify-phone.js';

/** A shown number without its formatting (the call UI formats numbers once libphonenumber-js is loaded). */
const plain = (shown: string) => shown.trim().replace(/[\s().-]/g, '');

const TIMEOUT = { timeout: 15000, interval: 50 };

type Phone = HTMLElement & { authToken?: string; updateComplete: Promise<boolean>; destroy(): void };

async function mountPhone(
  options: { available?: boolean; name?: string; defaultCountry?: string } = {},
): Promise<{ el: Phone; events: CustomEvent[] }> {
  const el = document.createElement('notify-phone') as Phone;
  if (options.available) el.setAttribute('available', '');
  if (options.defaultCountry) el.setAttribute('default-country', options.defaultCountry);
  el.authToken = await signIn(options.name ?? `element-${Math.random().toString(36).slice(2, 8)}`);
  el.setAttribute('backend', stack.backendUrl);
  el.setAttribute('lazy-vendor', '');
  el.setAttribute('caller-id', stack.demoNumber);
  const events: CustomEvent[] = [];
  for (const type of ['notify-online', 'notify-error', 'notify-call-start', 'notify-call-disconnect']) {
    el.addEventListener(type, (event) => events.push(event as CustomEvent));
  }
  document.body.append(el);
  await waitUntil(() => el.hasAttribute('online'), 'the element never came online', TIMEOUT);
  return { el, events };
}

const part = (el: Phone, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('<notify-phone> end to end through its UI', function () {
  this.timeout(60000);

  it('dials a virtual phone by typing, sends DTMF from the keypad, mutes and hangs up', async () => {
    const { el, events } = await mountPhone();
    expect(el.getAttribute('status')).to.equal('closed');
    const number = '+15551240001';

    el.focus();
    await sendKeys({ type: number });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.getAttribute('status') === 'open', 'the call never opened', TIMEOUT);
    await el.updateComplete;
    expect(el.hasAttribute('in-call')).to.equal(true);
    expect(el.hasAttribute('ringing')).to.equal(false);
    expect(part(el, 'timer')).to.not.equal(null);
    // The timer counts the call: two seconds on, it reads two seconds more (an ordering, not a time limit).
    const timerSeconds = () => {
      const [minutes, seconds] = part(el, 'timer')!.textContent!.trim().split(':').map(Number);
      return minutes! * 60 + seconds!;
    };
    const firstReading = timerSeconds();
    await waitUntil(() => timerSeconds() >= firstReading + 2, 'the call timer stood still', TIMEOUT);
    // In-band DTMF needs the media path up (ICE + DTLS finish shortly after CALL_START).
    await waitUntil(async () => (await inboundAudioPackets()) > 0, 'the page received no RTP', TIMEOUT);

    for (const key of ['4', '2'])
      part(el, 'dial-pad')!.querySelector<HTMLElement>(`[data-key="${key}"]`)!.click();
    await sendKeys({ type: '7#' }); // typed while the hang-up button has focus
    await waitUntil(async () => (await phone(number)).calls.at(-1)?.digits === '427#', 'digits', TIMEOUT);
    expect(part(el, 'dtmf')!.textContent!.trim()).to.equal('427#');

    part(el, 'mute-button')!.click();
    await waitUntil(() => el.hasAttribute('muted'), 'not muted', TIMEOUT);
    expect(part(el, 'mute-button')!.getAttribute('aria-pressed')).to.equal('true');

    part(el, 'hangup-button')!.click();
    await waitUntil(() => el.getAttribute('status') === 'closed', 'the call never closed', TIMEOUT);
    await el.updateComplete;
    expect(el.hasAttribute('in-call')).to.equal(false);
    expect(el.hasAttribute('muted')).to.equal(false);
    expect(el.hasAttribute('online')).to.equal(true);
    await waitUntil(
      async () => (await phone(number)).calls.at(-1)?.state !== 'in-progress',
      'phone still up',
      TIMEOUT,
    );
    expect(events.map((e) => e.type)).to.deep.equal([
      'notify-online',
      'notify-call-start',
      'notify-call-disconnect',
    ]);
    el.destroy();
    el.remove();
  });

  it('calls a national number typed as "(555) 123-4577" with default-country US in E.164', async () => {
    const { el } = await mountPhone({ defaultCountry: 'US' });
    const input = part(el, 'number-input') as HTMLInputElement;
    input.focus(); // loads libphonenumber-js (its own chunk) for formatting as you type
    // A number no other file calls: the stack's virtual phones are shared by the e2e files running at once.
    await sendKeys({ type: '(555) 123-4577' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.getAttribute('status') === 'open', 'the call never opened', TIMEOUT);
    await waitUntil(
      async () => (await phone('+15551234577')).calls.at(-1)?.state === 'in-progress',
      'the phone +15551234577 never answered',
      TIMEOUT,
    );
    // Called in E.164 (the phone above); shown in the national format of default-country.
    expect(part(el, 'remote')!.textContent!.trim()).to.equal('(555) 123-4577');
    part(el, 'hangup-button')!.click();
    await waitUntil(() => el.getAttribute('status') === 'closed', 'the call never closed', TIMEOUT);
    el.remove();
  });

  it('hangs up with Escape and redials the kept number with Enter', async () => {
    const { el } = await mountPhone();
    const number = '+15551240002';
    el.focus();
    await sendKeys({ type: number });
    part(el, 'call-button')!.click();
    await waitUntil(() => el.getAttribute('status') === 'open', 'the call never opened', TIMEOUT);
    await el.updateComplete;
    part(el, 'hangup-button')!.focus();
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !el.hasAttribute('in-call'), 'Escape did not hang up', TIMEOUT);

    // The number stays in the field after a call: Enter redials it.
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('number-input');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.getAttribute('status') === 'open', 'the redial never opened', TIMEOUT);
    await el.updateComplete;
    part(el, 'hangup-button')!.click();
    await waitUntil(() => el.getAttribute('status') === 'closed', 'the redial never closed', TIMEOUT);
    expect(el.hasAttribute('in-call')).to.equal(false);
    expect((await phone(number)).calls).to.have.length(2);
    el.destroy();
    el.remove();
  });

  it('rings on an incoming call, picks up with Enter, sends DTMF to the caller and forwards from the dialog', async () => {
    const { el } = await mountPhone({ available: true });
    const caller = `+1555127${String(Date.now() % 10000).padStart(4, '0')}`;
    const parentSid = await dialFromPhone(caller, stack.demoNumber);
    const callerCall = async () => (await phone(caller)).calls.find((call) => call.callSid === parentSid);

    await waitUntil(() => el.hasAttribute('ringing'), 'the element never rang', TIMEOUT);
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('pending');
    expect(plain(part(el, 'caller')!.textContent!)).to.equal(caller);
    // The caller as the display shows them: in E.164, or formatted once libphonenumber-js has loaded.
    const announced = part(el, 'announcer')!
      .textContent!.trim()
      .replace(/\+[\d ().-]*\d/g, plain);
    expect(announced).to.equal(`Incoming call from ${caller}`);

    el.focus(); // the banner comes first: focus lands on Pick up
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('pickup-button');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.getAttribute('status') === 'open', 'the pickup never opened', TIMEOUT);
    await el.updateComplete;
    expect(el.hasAttribute('ringing')).to.equal(false);
    expect(el.hasAttribute('in-call')).to.equal(true);
    expect(plain(part(el, 'remote')!.textContent!)).to.equal(caller);

    await waitUntil(async () => (await inboundAudioPackets()) > 0, 'the page received no RTP', TIMEOUT);
    await sendKeys({ type: '42' }); // focus moved to Hang up when the banner left
    await waitUntil(async () => (await callerCall())?.digits === '42', 'the caller heard no digits', TIMEOUT);

    const target = `+1555128${String(Date.now() % 10000).padStart(4, '0')}`;
    part(el, 'forward-button')!.click();
    await waitUntil(
      () => (part(el, 'forward-dialog') as HTMLDialogElement | null)?.open,
      'no dialog',
      TIMEOUT,
    );
    await sendKeys({ type: target }); // the dialog's number field has focus
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !el.hasAttribute('in-call'), 'the forwarded leg never ended', TIMEOUT);
    await waitUntil(
      async () => (await phone(target)).calls.at(-1)?.state === 'in-progress',
      'the forward target never answered',
      TIMEOUT,
    );
    expect((await phone(target)).calls.at(-1)?.parentCallSid).to.equal(parentSid);
    await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(target)}/hangup`, { method: 'POST' });
    el.destroy();
    el.remove();
  });

  it('switches availability from the toggle, lists agents live and forwards to one from the dialog', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const { el: a } = await mountPhone({ available: true, name: `Ada ${suffix}` });
    const { el: b } = await mountPhone({ name: `Bob ${suffix}` });
    const agentsOf = async (el: Phone) => {
      const list = await (
        el as unknown as { getAvailableClients(): Promise<Array<{ name: string }>> }
      ).getAvailableClients();
      return list.map((agent) => agent.name);
    };
    await waitUntil(
      async () => !(await agentsOf(a)).includes(`Bob ${suffix}`),
      'Bob should not be available',
    );
    part(b, 'available-toggle')!.click();
    await waitUntil(
      async () => (await agentsOf(a)).includes(`Bob ${suffix}`),
      'Bob never became available',
      TIMEOUT,
    );

    const caller = `+1555129${String(Date.now() % 10000).padStart(4, '0')}`;
    await dialFromPhone(caller, stack.demoNumber);
    await waitUntil(
      () => a.hasAttribute('ringing') && b.hasAttribute('ringing'),
      'both should ring',
      TIMEOUT,
    );
    await a.updateComplete;
    part(a, 'pickup-button')!.click();
    await waitUntil(() => a.getAttribute('status') === 'open', 'A never opened', TIMEOUT);
    await waitUntil(() => !b.hasAttribute('ringing'), 'B should stop ringing', TIMEOUT);

    part(a, 'forward-button')!.click();
    const forwardToBob = () =>
      [
        ...a.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="forward-agents"] [part="agent-button"]'),
      ].find((button) => button.textContent!.trim() === `Forward to Bob ${suffix}`);
    await waitUntil(() => forwardToBob() !== undefined, 'Bob is not in the forward dialog', TIMEOUT);
    forwardToBob()!.click();
    await waitUntil(() => b.hasAttribute('ringing'), 'the forward never rang B', TIMEOUT);
    await waitUntil(() => !a.hasAttribute('in-call'), 'A should be out of the call', TIMEOUT);
    await b.updateComplete;
    part(b, 'pickup-button')!.click();
    await waitUntil(() => b.getAttribute('status') === 'open', 'B never opened', TIMEOUT);
    part(b, 'hangup-button')!.click();
    await waitUntil(() => !b.hasAttribute('in-call'), 'B never hung up', TIMEOUT);
    for (const el of [a, b]) {
      el.destroy();
      el.remove();
    }
  });

  it('shows a coded error for a number the user may not call from', async () => {
    const el = document.createElement('notify-phone') as Phone;
    el.authToken = await signIn(`element-${Math.random().toString(36).slice(2, 8)}`);
    el.setAttribute('backend', stack.backendUrl);
    el.setAttribute('lazy-vendor', '');
    const error = new Promise<CustomEvent>((resolve) =>
      el.addEventListener('notify-error', (event) => resolve(event as CustomEvent), { once: true }),
    );
    el.setAttribute('caller-id', stack.foreignNumber);
    document.body.append(el);
    expect((await error).detail.code).to.equal('CALLER_ID_NOT_ALLOWED');
    await el.updateComplete;
    expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    expect(el.hasAttribute('online')).to.equal(false);
    el.remove();
  });
});
