/**
 * An incoming call to a hidden page (issue 14), end to end: <notify-phone> (the built bundle, the real SDK,
 * the backend, a virtual phone dialling the Notify number) with desktop notifications turned on in its
 * settings shows exactly one desktop notification while the page is hidden (behind a second tab brought to
 * the front: `document.visibilityState` is really `hidden`), closed when the caller gives up; and none for
 * a call while the page is visible. The permission is granted through the browser context (headless
 * Chromium cannot show its prompt); the page's Notification is the browser's, counted by a subclass.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { dialFromPhone, signInUser, stack } from './helpers.js';
import '/dist/notify-phone.js';

const TIMEOUT = { timeout: 20000, interval: 100 };

type Phone = HTMLElement & { authToken?: string; updateComplete: Promise<boolean> };

const shown: Array<{ title: string; body: string; closed: boolean }> = [];
const NativeNotification = window.Notification;
window.Notification = class CountedNotification extends NativeNotification {
  readonly #entry: { title: string; body: string; closed: boolean };
  constructor(title: string, options?: NotificationOptions) {
    super(title, options);
    this.#entry = { title, body: options?.body ?? '', closed: false };
    shown.push(this.#entry);
  }
  override close(): void {
    this.#entry.closed = true;
    super.close();
  }
} as typeof Notification;

const part = (root: ParentNode | null | undefined, name: string) =>
  root?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;
const desk = (el: Phone) => part(el.shadowRoot, 'desk')?.shadowRoot;
const unique = () => String(Date.now() % 10000).padStart(4, '0');

async function caller(el: Phone, number: string): Promise<void> {
  await dialFromPhone(number, stack.demoNumber);
  await waitUntil(() => el.hasAttribute('ringing'), 'the element never rang', TIMEOUT);
}

async function hangUp(el: Phone, number: string): Promise<void> {
  await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(number)}/hangup`, { method: 'POST' });
  await waitUntil(() => !el.hasAttribute('ringing'), 'the element kept ringing', TIMEOUT);
}

describe('incoming call to a hidden page', function () {
  this.timeout(90000);
  let el: Phone | undefined;

  after(async () => {
    el?.remove();
    await executeServerCommand('desk-page', { action: 'show' });
    await executeServerCommand('desk-page', { action: 'reset-permissions' });
  });

  it('shows one desktop notification while hidden, none while visible', async () => {
    await executeServerCommand('desk-page', { action: 'grant-notifications' });
    const { token } = await signInUser(`Hidden ${Math.random().toString(36).slice(2, 8)}`);
    el = document.createElement('notify-phone') as Phone;
    el.authToken = token;
    el.setAttribute('available', '');
    el.setAttribute('backend', stack.backendUrl);
    el.setAttribute('lazy-vendor', '');
    el.setAttribute('caller-id', stack.demoNumber);
    document.body.append(el);
    await waitUntil(() => el!.hasAttribute('online'), 'the element never came online', TIMEOUT);

    // The agent turns notifications on in the settings (the permission request runs on this click).
    await waitUntil(() => part(desk(el!), 'settings'), 'no settings', TIMEOUT);
    const settings = part(desk(el), 'settings') as HTMLDetailsElement;
    settings.querySelector('summary')!.click();
    const box = part(desk(el), 'notifications-checkbox') as HTMLInputElement;
    expect(box.checked).to.equal(false, 'off until the agent turns it on');
    box.click();
    await waitUntil(
      () => localStorage.getItem('notify-phone:desktop-notifications') === 'on',
      'the setting was not kept',
      TIMEOUT,
    );
    expect(box.checked).to.equal(true);

    // Visible page: the element announces the call itself, no notification.
    expect(document.visibilityState).to.equal('visible');
    const first = `+1555151${unique()}`;
    await caller(el, first);
    await hangUp(el, first);
    expect(shown).to.deep.equal([]);

    // Hidden page (another tab in front): exactly one notification naming the caller.
    await executeServerCommand('desk-page', { action: 'hide' });
    await waitUntil(() => document.visibilityState === 'hidden', 'the page never went hidden', TIMEOUT);
    const second = `+1555152${unique()}`;
    await caller(el, second);
    await waitUntil(() => shown.length > 0, 'no notification', TIMEOUT);
    expect(shown.map(({ title, body }) => ({ title, body }))).to.deep.equal([
      { title: 'Incoming call', body: `${second} is calling` },
    ]);
    // The caller gives up: the notification goes with the call.
    await hangUp(el, second);
    await waitUntil(() => shown[0]!.closed, 'the notification stayed after the call ended', TIMEOUT);
    expect(shown).to.have.length(1);
    await executeServerCommand('desk-page', { action: 'show' });
    await waitUntil(() => document.visibilityState === 'visible', 'the page never came back', TIMEOUT);
  });
});
