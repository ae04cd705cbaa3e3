import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../../src/element/define.js';
import { Status } from '../../../src/client/constants.js';
import type { NotifyConfig } from '../../../src/client/notify-client.js';
import { FakeDriver } from '../../../src/drivers/fake-driver.js';
import type { NotifyPhone } from '../../../src/element/notify-phone.js';
import { NotifyErrorEvent, NotifyIncomingCallEvent } from '../../../src/element/events.js';
import { FakeBackend } from './helpers/fake-backend.js';
import { CALLER_ID } from './helpers/setup.js';

const ALL_EVENTS = [
  'notify-online',
  'notify-offline',
  'notify-error',
  'notify-incoming-call',
  'notify-call-init',
  'notify-call-start',
  'notify-call-cancel',
  'notify-call-disconnect',
  'notify-call-mute',
  'notify-call-unmute',
] as const;

async function phone(attributes: { callerId?: string; extra?: Partial<NotifyConfig> } = {}) {
  const backend = new FakeBackend();
  const driver = new FakeDriver();
  const config: Partial<NotifyConfig> = { backend, driverFactory: () => driver, ...attributes.extra };
  const seen: CustomEvent[] = [];
  const record = (event: Event) => seen.push(event as CustomEvent);
  const wrapper = await fixture<HTMLDivElement>(html`
    <div
      @notify-online=${record}
      @notify-offline=${record}
      @notify-error=${record}
      @notify-incoming-call=${record}
      @notify-call-init=${record}
      @notify-call-start=${record}
      @notify-call-cancel=${record}
      @notify-call-disconnect=${record}
      @notify-call-mute=${record}
      @notify-call-unmute=${record}
    >
      <notify-phone
        caller-id=${attributes.callerId ?? CALLER_ID}
        skip-parent-id
        .config=${config}
      ></notify-phone>
    </div>
  `);
  const el = wrapper.querySelector('notify-phone')!;
  await el.updateComplete;
  const names = () => seen.map((e) => e.type);
  return { el, backend, driver, seen, names };
}

const button = (el: NotifyPhone, part: string) =>
  el.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="${part}"]`)!;

describe('<notify-phone>', () => {
  it('is registered and typed in HTMLElementTagNameMap', () => {
    const el: NotifyPhone = document.createElement('notify-phone');
    expect(customElements.get('notify-phone')).to.equal(el.constructor);
  });

  it('maps attributes to properties', async () => {
    const el = await fixture<NotifyPhone>(html`
      <notify-phone
        backend="https://example.test/api"
        vendor="TwilioDirect"
        available
        auto-load-script-resources="false"
        skip-parent-id
        lazy-vendor
        .config=${{ backend: new FakeBackend(), driverFactory: () => new FakeDriver() }}
      ></notify-phone>
    `);
    expect(el.backend).to.equal('https://example.test/api');
    expect(el.vendor).to.equal('TwilioDirect');
    expect(el.available).to.equal(true);
    expect(el.autoLoadScriptResources).to.equal(false);
    expect(el.forceRefreshToken).to.equal(true);
    expect(el.skipParentId).to.equal(true);
    expect(el.lazyVendor).to.equal(true);
    el.setAttribute('force-refresh-token', 'false');
    expect(el.forceRefreshToken).to.equal(false);
    el.removeAttribute('skip-parent-id');
    expect(el.skipParentId).to.equal(false);
    el.callerId = '+15550100001';
    await el.updateComplete;
    expect(el.getAttribute('caller-id')).to.equal(null);
    expect(el.getAttribute('status')).to.equal(Status.CLOSED);
  });

  it('goes online, reflects the read-only state and re-dispatches notify-online', async () => {
    const { el, names } = await phone();
    await waitUntil(() => el.online, 'element did not go online');
    await el.updateComplete;
    expect(el.hasAttribute('online')).to.equal(true);
    expect(el.getAttribute('status')).to.equal('closed');
    expect(names()).to.deep.equal(['notify-online']);
  });

  it('re-dispatches every call event with its detail, bubbling and composed', async () => {
    const { el, driver, seen, names } = await phone();
    await waitUntil(() => el.online);
    el.call('+15551234567');
    await waitUntil(() => names().includes('notify-call-init'));
    await el.updateComplete;
    expect(el.inCall).to.equal(true);
    expect(el.hasAttribute('in-call')).to.equal(true);
    driver.answer();
    el.mute();
    el.mute(false);
    el.sendDtmf('Q');
    el.hangupCall();
    driver.receive({ callSid: 'CAin', from: '+15559990000' });
    await el.updateComplete;
    expect(el.ringing).to.equal(true);
    expect(el.hasAttribute('ringing')).to.equal(true);
    driver.remoteCancel();
    driver.dropRegistration();
    await el.updateComplete;
    expect(names()).to.deep.equal([
      'notify-online',
      'notify-call-init',
      'notify-call-start',
      'notify-call-mute',
      'notify-call-unmute',
      'notify-error',
      'notify-call-disconnect',
      'notify-incoming-call',
      'notify-call-cancel',
      'notify-offline',
    ]);
    for (const event of seen) {
      expect(event.bubbles, event.type).to.equal(true);
      expect(event.composed, event.type).to.equal(true);
    }
    const byType = (type: string) => seen.find((e) => e.type === type)!;
    expect(byType('notify-call-init').detail).to.deep.include({ status: 'connecting' });
    expect(byType('notify-call-start').detail.callId).to.match(/^CAfake/);
    expect(byType('notify-error')).to.be.instanceOf(NotifyErrorEvent);
    expect(byType('notify-error').detail.code).to.equal('INVALID_DTMF');
    expect(byType('notify-incoming-call')).to.be.instanceOf(NotifyIncomingCallEvent);
    expect(byType('notify-incoming-call').detail).to.deep.equal({
      from: '+15559990000',
      to: 'client:fake',
      callId: 'CAin',
      parentId: undefined,
      sysId: undefined,
      isFromClient: false,
    });
    expect(byType('notify-call-cancel').detail).to.deep.equal({ callId: 'CAin' });
    expect(ALL_EVENTS.every((type) => names().includes(type))).to.equal(true);
  });

  it('answers an incoming call with the pick-up button', async () => {
    const { el, driver } = await phone();
    await waitUntil(() => el.online);
    driver.receive({ callSid: 'CAin2' });
    await el.updateComplete;
    expect(button(el, 'pickup-button').disabled).to.equal(false);
    expect(el.shadowRoot!.querySelector('[part="status"]')!.textContent).to.contain('Incoming call');
    button(el, 'pickup-button').click();
    await waitUntil(() => driver.methods.includes('accept'));
    driver.answer();
    await el.updateComplete;
    expect(el.status).to.equal(Status.OPEN);
    expect(button(el, 'pickup-button').disabled).to.equal(true);
    button(el, 'hangup-button').click();
    expect(el.status).to.equal(Status.CLOSED);
  });

  it('dials from the number input and the dial pad, and sends DTMF in a call', async () => {
    const { el, driver } = await phone();
    await waitUntil(() => el.online);
    await el.updateComplete;
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input')!;
    input.value = '+1555';
    input.dispatchEvent(new Event('input'));
    for (const key of ['1', '2', '3', '4', '5', '6', '7']) {
      el.shadowRoot!.querySelector<HTMLButtonElement>(`[part="dial-key"][aria-label="${key}"]`)!.click();
    }
    await el.updateComplete;
    button(el, 'call-button').click();
    await waitUntil(() => driver.methods.includes('connect'));
    expect(driver.log.find((e) => e.method === 'connect')!.args[0]).to.deep.equal({ To: '+15551234567' });
    driver.answer();
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="dial-key"][aria-label="Pound"]')!.click();
    expect(driver.log.filter((e) => e.method === 'sendDigits').map((e) => e.args[0])).to.deep.equal(['#']);
  });

  it('reports bad attribute values as notify-error instead of throwing', async () => {
    const el = await fixture<NotifyPhone>(html`
      <notify-phone
        .config=${{ backend: new FakeBackend(), driverFactory: () => new FakeDriver() }}
      ></notify-phone>
    `);
    setTimeout(() => el.setAttribute('force-refresh-token', 'maybe'));
    const bad = await oneEvent(el, 'notify-error');
    expect(bad.detail.code).to.equal('INVALID_ARGUMENT');
    setTimeout(() => (el.callerId = '12345'));
    const badNumber = await oneEvent(el, 'notify-error');
    expect(badNumber.detail.code).to.equal('INVALID_NUMBER');
  });

  it('setCallerId with a callback outside lazy mode becomes a notify-error', async () => {
    const { el, seen } = await phone();
    expect(() => el.setCallerId('+15550100001', () => undefined)).to.not.throw();
    expect(seen.find((e) => e.type === 'notify-error')?.detail.code).to.equal(
      'LAZY_CALLBACK_REQUIRES_LAZY_MODE',
    );
  });

  it('destroys its client when removed, deleting the session', async () => {
    const { el, backend, driver } = await phone();
    await waitUntil(() => el.online);
    el.remove();
    expect(driver.destroyed).to.equal(true);
    await waitUntil(() => backend.methods.includes('deleteSession'));
  });

  it('uses the backend for getAvailableClients (callback and Promise)', async () => {
    const { el, backend } = await phone();
    await waitUntil(() => el.online);
    backend.clients = [{ sys_id: 'u2', name: 'Bob' }];
    let fromCallback: unknown;
    const list = await el.getAvailableClients((clients) => (fromCallback = clients));
    expect(list).to.deep.equal([{ sys_id: 'u2', name: 'Bob' }]);
    expect(fromCallback).to.deep.equal(list);
  });

  it('works in lazy-vendor mode', async () => {
    const backend = new FakeBackend();
    const el = await fixture<NotifyPhone>(html`
      <notify-phone
        lazy-vendor
        caller-id=${CALLER_ID}
        .config=${{ backend, driverFactory: () => new FakeDriver() }}
      ></notify-phone>
    `);
    await waitUntil(() => el.online);
    expect(backend.methods.slice(0, 2)).to.deep.equal(['lookupCallerId', 'createSession']);
  });

  it('is accessible', async () => {
    const { el } = await phone();
    await waitUntil(() => el.online);
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
});
