/**
 * Transfer confirmation for both agents (issue 12), through the built bundle, the real @twilio/voice-sdk, the
 * backend and the emulator: agent A transfers a call to agent B from the forward dialog. A's status line says
 * where the call went ("Transferred to B", a polite live region); for a blind transfer B's phone rings with the
 * caller and "Transferred by A" (announced), A's name coming from the backend's directory, never from A's page;
 * for a warm one B's status line says "Transferred by A" as A completes it (the backend's user-defined message
 * to B's call, docs/decisions.md §26).
 */
import { expect, waitUntil } from '@open-wc/testing';
import { signIn, stack } from './helpers.js';
import '/dist/notify-phone.js';

const TIMEOUT = { timeout: 20000, interval: 50 };

type Phone = HTMLElement & { authToken?: string; updateComplete: Promise<boolean>; destroy(): void };

const mounted: Phone[] = [];
let seq = 0;

/** A virtual phone of this file only (+1555461…) that answers at once and plays a tone. */
async function customerPhone(): Promise<string> {
  const number = `+1555461${String(Date.now() % 1000).padStart(3, '0')}${seq++ % 10}`;
  const response = await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(number)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ toneHz: 520 }),
  });
  expect(response.status).to.be.lessThan(300);
  return number;
}

async function mountAgent(name: string): Promise<Phone> {
  const el = document.createElement('notify-phone') as Phone;
  el.authToken = await signIn(name);
  el.setAttribute('backend', stack.backendUrl);
  el.setAttribute('lazy-vendor', '');
  el.setAttribute('caller-id', stack.demoNumber);
  el.setAttribute('available', '');
  document.body.append(el);
  mounted.push(el);
  await waitUntil(() => el.hasAttribute('online'), `${name} never came online`, TIMEOUT);
  await customElements.whenDefined('notify-call-history');
  return el;
}

const part = (el: Phone, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const text = (el: Phone, name: string) => part(el, name)?.textContent?.trim() ?? '';
const plain = (shown: string) => shown.replace(/[\s().-]/g, '');

/** Every distinct text of a part, in order (what the user saw, and a screen reader heard). */
function watchText(el: Phone, name: string) {
  const seen: string[] = [];
  const read = () => {
    const value = text(el, name);
    if (value && value !== seen.at(-1)) seen.push(value);
  };
  const observer = new MutationObserver(read);
  observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
  read();
  return seen;
}

async function callFromUi(el: Phone, number: string) {
  const input = part(el, 'number-input') as HTMLInputElement;
  input.value = number;
  input.dispatchEvent(new Event('input'));
  await el.updateComplete;
  part(el, 'call-button')!.click();
  await waitUntil(() => el.getAttribute('status') === 'open', 'the call never opened', TIMEOUT);
  await waitUntil(() => part(el, 'forward-button') !== null, 'no Forward button', TIMEOUT);
}

/** Opens the forward dialog (warm or blind) and picks agent `name`. */
async function transferToAgent(el: Phone, name: string, warm: boolean) {
  part(el, 'forward-button')!.click();
  await waitUntil(() => (part(el, 'forward-dialog') as HTMLDialogElement).open, 'no dialog', TIMEOUT);
  if (warm) {
    part(el, 'transfer-mode')!.querySelectorAll<HTMLInputElement>('input[type="radio"]')[1]!.click();
    await el.updateComplete;
  }
  const label = `${warm ? 'Consult' : 'Forward to'} ${name}`;
  const button = () =>
    [
      ...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="forward-agents"] [part="agent-button"]'),
    ].find((candidate) => candidate.textContent!.trim() === label);
  await waitUntil(() => button() !== undefined, `${name} is not in the dialog`, TIMEOUT);
  button()!.click();
}

afterEach(() => {
  for (const el of mounted.splice(0)) {
    el.destroy();
    el.remove();
  }
});

describe('transfer confirmation for both agents (the real SDK, two signed-in agents)', function () {
  this.timeout(90000);

  it('blind: A reads "Transferred to B"; B rings with the caller and "Transferred by A", announced', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const [adaName, benName] = [`Ada ${suffix}`, `Ben ${suffix}`];
    const ada = await mountAgent(adaName);
    const ben = await mountAgent(benName);
    const customer = await customerPhone();
    await callFromUi(ada, customer);
    const adaStatus = watchText(ada, 'status');

    await transferToAgent(ada, benName, false);
    await waitUntil(() => ben.hasAttribute('ringing'), 'the transfer never rang B', TIMEOUT);
    await waitUntil(() => text(ben, 'transferred-by') !== '', 'B was not told who transferred', TIMEOUT);
    expect(text(ben, 'transferred-by')).to.equal(`Transferred by ${adaName}`);
    // The caller is the customer's leg that was moved (shown formatted once the library is loaded).
    expect(text(ben, 'caller')).to.not.equal('');
    expect(text(ben, 'announcer')).to.match(new RegExp(`, transferred by ${adaName}$`));

    await waitUntil(() => !ada.hasAttribute('in-call'), 'A stayed in the call', TIMEOUT);
    await waitUntil(
      () => adaStatus.includes(`Transferred to ${benName}`),
      `A never confirmed: ${adaStatus.join(' | ')}`,
      TIMEOUT,
    );
    expect(part(ada, 'status')!.getAttribute('role')).to.equal('status');
    expect(adaStatus).not.to.include('Call ended by the other side');

    // B takes the call: the display keeps saying who transferred it.
    part(ben, 'pickup-button')!.click();
    await waitUntil(() => ben.getAttribute('status') === 'open', 'B never opened', TIMEOUT);
    await ben.updateComplete;
    expect(text(ben, 'transferred-by')).to.equal(`Transferred by ${adaName}`);
    expect(plain(text(ben, 'remote'))).to.not.equal('');
    part(ben, 'hangup-button')!.click();
    await waitUntil(() => !ben.hasAttribute('in-call'), 'B never hung up', TIMEOUT);
  });

  it('warm: A consults B, completes, and reads "Transferred to B"', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const [adaName, benName] = [`Ada ${suffix}`, `Ben ${suffix}`];
    const ada = await mountAgent(adaName);
    const ben = await mountAgent(benName);
    const customer = await customerPhone();
    await callFromUi(ada, customer);
    const adaStatus = watchText(ada, 'status');

    await transferToAgent(ada, benName, true);
    await waitUntil(() => ben.hasAttribute('ringing'), 'the consultation never rang B', TIMEOUT);
    await ben.updateComplete;
    part(ben, 'pickup-button')!.click();
    await waitUntil(
      () => !(part(ada, 'complete-transfer-button') as HTMLButtonElement | null)?.disabled,
      'the consultation never opened',
      TIMEOUT,
    );
    // B has said nothing of a transfer yet: it is a call with A so far.
    expect(text(ben, 'transferred-by')).to.equal('');
    const benStatus = watchText(ben, 'status');
    part(ada, 'complete-transfer-button')!.click();
    await waitUntil(() => !ada.hasAttribute('in-call') && !ada.hasAttribute('held'), 'A stayed', TIMEOUT);
    await waitUntil(
      () => adaStatus.includes(`Transferred to ${benName}`),
      `A never confirmed: ${adaStatus.join(' | ')}`,
      TIMEOUT,
    );
    // B talks with the customer now, and is told so: the backend's message names A (from its directory); the
    // status line (a polite live region) says it, and the display keeps it under the party.
    await waitUntil(
      () => benStatus.includes(`Transferred by ${adaName}`),
      `B was never told: ${benStatus.join(' | ')}`,
      TIMEOUT,
    );
    expect(part(ben, 'status')!.getAttribute('role')).to.equal('status');
    expect(text(ben, 'transferred-by')).to.equal(`Transferred by ${adaName}`);
    expect(ben.getAttribute('status')).to.equal('open');
    part(ben, 'hangup-button')!.click();
    await waitUntil(() => !ben.hasAttribute('in-call'), 'B never hung up', TIMEOUT);
  });
});
