import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/element/define.js';
import { Status } from '../../../src/client/constants.js';
import { FakeDriver } from '../../../src/drivers/fake-driver.js';
import type { NotifyPhone } from '../../../src/element/notify-phone.js';
import {
  NotifyAvailableChangeEvent,
  NotifyErrorEvent,
  NotifyIncomingCallEvent,
} from '../../../src/element/events.js';
import { formatDuration } from '../../../src/element/parts/call-timer.js';
import { FakeBackend } from './helpers/fake-backend.js';
import { openCall, part, phone, plainNumber } from './helpers/element.js';
import { CALLER_ID, tick } from './helpers/setup.js';

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
  'notify-available-change',
] as const;

const key = (el: NotifyPhone, k: string) =>
  el.shadowRoot!.querySelector<HTMLButtonElement>(`[part="dial-key"][data-key="${k}"]`)!;
const text = (el: NotifyPhone, name: string) => part<HTMLElement>(el, name)?.textContent?.trim() ?? '';

describe('<notify-phone> properties and attributes', () => {
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
        number="+1555"
        display-name="Ada"
        strings='{"call": "Anrufen"}'
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
    expect(el.number).to.equal('+1555');
    expect(el.displayName).to.equal('Ada');
    expect(el.strings).to.deep.equal({ call: 'Anrufen' });
    expect(text(el, 'call-button')).to.equal('Anrufen');
    el.setAttribute('force-refresh-token', 'false');
    expect(el.forceRefreshToken).to.equal(false);
    el.setAttribute('available', 'false');
    expect(el.available).to.equal(false);
    el.removeAttribute('skip-parent-id');
    expect(el.skipParentId).to.equal(false);
    el.callerId = '+15550100001';
    await el.updateComplete;
    expect(el.getAttribute('caller-id')).to.equal(null);
    expect(el.getAttribute('status')).to.equal(Status.CLOSED);
    expect(el.hasAttribute('online')).to.equal(false);
    expect(el.hasAttribute('in-call')).to.equal(false);
  });

  it('goes online from caller-id, reflects the state and re-dispatches notify-online', async () => {
    const { el, backend, names } = await phone();
    expect(el.hasAttribute('online')).to.equal(true);
    expect(el.getAttribute('status')).to.equal('closed');
    expect(backend.log.find((e) => e.method === 'createSession')!.args[0]).to.deep.include({
      callerId: CALLER_ID,
    });
    expect(names()).to.deep.equal(['notify-online']);
    // Online but not available: the status and the presence pill say so.
    expect(text(el, 'status')).to.equal('Not taking calls');
    expect(text(el, 'presence')).to.equal('Unavailable');
    el.available = true;
    await el.updateComplete;
    expect(text(el, 'status')).to.equal('Ready');
    expect(text(el, 'presence')).to.equal('Available');
  });

  it('changing caller-id restarts the client with the new number (setCallerId)', async () => {
    const ctx = await phone();
    ctx.backend.numbers['+15550100003'] = 'TWILIO_DIRECT';
    ctx.el.setAttribute('caller-id', '+15550100003');
    await waitUntil(
      () => ctx.backend.log.filter((e) => e.method === 'createSession').length === 2,
      'no second session',
    );
    expect(ctx.backend.log.filter((e) => e.method === 'createSession')[1].args[0]).to.deep.include({
      callerId: '+15550100003',
    });
    await waitUntil(() => ctx.el.online);
    expect(ctx.backend.methods).to.include('deleteSession');
  });

  it('applies available when going online and calls setClientAvailable when it changes', async () => {
    const { el, backend } = await phone();
    const calls = () => backend.log.filter((e) => e.method === 'setAvailability').map((e) => e.args);
    await waitUntil(() => calls().length === 1, 'available was not applied');
    expect(calls()).to.deep.equal([['sess1', false]]);
    el.setAttribute('available', '');
    await waitUntil(() => calls().length === 2);
    expect(calls()[1]).to.deep.equal(['sess1', true]);
    el.setClientAvailable('false');
    expect(el.available).to.equal(false);
    await waitUntil(() => calls().length === 3);
    expect(calls()[2]).to.deep.equal(['sess1', false]);
  });

  it('reports bad attribute values as coded notify-error, never throwing, keeping the old value', async () => {
    const { el, seen } = await phone();
    const codes = () => seen.filter((e) => e.type === 'notify-error').map((e) => e.detail.code);
    expect(() => el.setAttribute('available', 'maybe')).to.not.throw();
    expect(el.available).to.equal(false);
    expect(() => el.setAttribute('force-refresh-token', 'yes please')).to.not.throw();
    expect(el.forceRefreshToken).to.equal(true);
    expect(() => el.setAttribute('strings', '{not json')).to.not.throw();
    expect(el.strings).to.deep.equal({});
    el.setAttribute('vendor', 'Acme');
    await el.updateComplete;
    expect(codes()).to.deep.equal([
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
    ]);
    el.setAttribute('caller-id', '12345');
    await el.updateComplete;
    expect(codes().at(-1)).to.equal('INVALID_NUMBER');
    expect(
      seen.filter((e) => e.type === 'notify-error').every((e) => e instanceof NotifyErrorEvent),
    ).to.equal(true);
    expect(el.hasAttribute('online')).to.equal(false);
    expect(text(el, 'error')).to.contain('12345');
  });

  it('setCallerId with a callback outside lazy mode becomes a notify-error', async () => {
    const { el, seen } = await phone();
    expect(() => el.setCallerId('+15550100001', () => undefined)).to.not.throw();
    expect(seen.find((e) => e.type === 'notify-error')?.detail.code).to.equal(
      'LAZY_CALLBACK_REQUIRES_LAZY_MODE',
    );
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

  it('destroys its client when removed, deleting the session', async () => {
    const { el, backend, driver } = await phone();
    el.remove();
    expect(driver.destroyed).to.equal(true);
    await waitUntil(() => backend.methods.includes('deleteSession'));
  });

  it('comes back online after a move in the DOM', async () => {
    const { el, backend } = await phone();
    const elsewhere = document.createElement('section');
    document.body.append(elsewhere);
    try {
      elsewhere.append(el);
      await waitUntil(() => el.online, 'the moved element stayed offline');
      expect(backend.log.filter((e) => e.method === 'createSession')).to.have.length(2);
      expect(backend.log.filter((e) => e.method === 'deleteSession')).to.have.length(1);
    } finally {
      elsewhere.remove();
    }
  });

  it('a caller-id change during a lazy vendor lookup starts the new number without a DESTROYED error', async () => {
    const backend = new FakeBackend();
    backend.numbers['+15550100003'] = 'TWILIO_DIRECT';
    const lookup = backend.lookupCallerId.bind(backend);
    const gates: (() => void)[] = [];
    backend.lookupCallerId = async (number: string) => {
      await new Promise<void>((resolve) => gates.push(resolve));
      return lookup(number);
    };
    const errors: string[] = [];
    const el = await fixture<NotifyPhone>(html`
      <notify-phone
        lazy-vendor
        caller-id=${CALLER_ID}
        .config=${{ backend, driverFactory: () => new FakeDriver() }}
        @notify-error=${(e: NotifyErrorEvent) => errors.push(e.detail.code)}
      ></notify-phone>
    `);
    await waitUntil(() => gates.length === 1);
    el.callerId = '+15550100003';
    await waitUntil(() => gates.length === 2);
    gates[1]!(); // the new client's lookup answers first…
    await waitUntil(() => el.online);
    gates[0]!(); // …then the replaced client's
    await tick(); // its answer's promise chain has run (microtasks only), whatever it would do is done
    expect(errors).to.deep.equal([]);
    expect(el.error).to.equal(null);
    const created = backend.log.filter((e) => e.method === 'createSession');
    expect(created.map((e) => (e.args[0] as { callerId: string }).callerId)).to.deep.equal(['+15550100003']);
  });

  it('destroy() stops the client and init() starts a new one', async () => {
    const { el, backend } = await phone();
    el.destroy();
    await el.updateComplete;
    expect(el.online).to.equal(false);
    expect(text(el, 'status')).to.equal('Stopped');
    el.init();
    await waitUntil(() => el.online);
    expect(backend.log.filter((e) => e.method === 'createSession')).to.have.length(2);
  });
});

describe('<notify-phone> events', () => {
  it('says Calling… and Ringing… while a placed call rings, then how it ended, and announces it', async () => {
    const { el, driver, names } = await phone();
    const status = () => part(el, 'status')!;
    el.call('+15551234567');
    await waitUntil(() => names().includes('notify-call-init'));
    await waitUntil(() => status().textContent === 'Calling…', 'Calling… while it is placed');
    expect(status().getAttribute('role')).to.equal('status'); // a polite live region: the outcome is announced
    driver.ring();
    await waitUntil(() => status().textContent === 'Ringing…');
    expect(part(el, 'timer')).to.equal(null); // the timer starts at the answer
    driver.refuse('busy');
    await waitUntil(() => status().textContent === 'Busy');
    el.call('+15551234567');
    await waitUntil(() => status().textContent === 'Calling…');
    driver.answer();
    await el.updateComplete;
    expect(part(el, 'timer')).not.to.equal(null);
    driver.remoteHangup();
    await waitUntil(() => status().textContent === 'Call ended by the other side · 0:00');
    const strings = { outcomeNoAnswer: 'Pas de réponse' };
    el.strings = strings;
    el.call('+15551234567');
    await waitUntil(() => status().textContent === 'Calling…');
    driver.refuse('no-answer');
    await waitUntil(() => status().textContent === 'Pas de réponse');
  });

  it('re-dispatches every call event with its detail, bubbling and composed', async () => {
    const { el, driver, seen, names } = await phone();
    el.call('+15551234567');
    await waitUntil(() => names().includes('notify-call-init'));
    await el.updateComplete;
    expect(el.inCall).to.equal(true);
    expect(el.hasAttribute('in-call')).to.equal(true);
    expect(el.getAttribute('status')).to.equal('connecting');
    driver.answer();
    el.mute();
    await el.updateComplete;
    expect(el.hasAttribute('muted')).to.equal(true);
    el.mute(false);
    el.sendDtmf('Q');
    el.hangupCall();
    driver.receive({ callSid: 'CAin', from: '+15559990000' });
    await el.updateComplete;
    expect(el.ringing).to.equal(true);
    expect(el.hasAttribute('ringing')).to.equal(true);
    driver.remoteCancel();
    part(el, 'available-toggle')!.click();
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
      'notify-available-change',
      'notify-offline',
    ]);
    for (const event of seen) {
      expect(event.bubbles, event.type).to.equal(true);
      expect(event.composed, event.type).to.equal(true);
    }
    const byType = (type: string) => seen.find((e) => e.type === type)!;
    expect(byType('notify-online').detail).to.deep.equal({});
    expect(byType('notify-offline').detail).to.deep.equal({});
    expect(byType('notify-call-init').detail).to.have.keys(['status', 'callId']);
    expect(byType('notify-call-init').detail).to.deep.include({ status: 'connecting' });
    expect(byType('notify-call-init').detail.callId).to.match(/^CAfake/);
    expect(byType('notify-call-start').detail.callId).to.match(/^CAfake/);
    expect(byType('notify-call-mute').detail).to.deep.equal({});
    expect(byType('notify-call-unmute').detail).to.deep.equal({});
    expect(byType('notify-error')).to.be.instanceOf(NotifyErrorEvent);
    expect(byType('notify-error').detail).to.deep.include({ code: 'INVALID_DTMF' });
    expect(byType('notify-error').detail.message).to.be.a('string');
    expect(byType('notify-call-disconnect').detail).to.deep.equal({
      callId: byType('notify-call-start').detail.callId,
      outcome: 'completed',
      endedBy: 'local',
      duration: 0,
    });
    expect(byType('notify-incoming-call')).to.be.instanceOf(NotifyIncomingCallEvent);
    expect(byType('notify-incoming-call').detail).to.deep.equal({
      from: '+15559990000',
      to: 'client:fake',
      callId: 'CAin',
      parentId: undefined,
      sysId: undefined,
      isFromClient: false,
    });
    expect(byType('notify-call-cancel').detail).to.deep.equal({
      callId: 'CAin',
      outcome: 'canceled',
      endedBy: 'remote',
      duration: null,
    });
    expect(byType('notify-available-change')).to.be.instanceOf(NotifyAvailableChangeEvent);
    expect(byType('notify-available-change').detail).to.deep.equal({ available: true });
    expect(ALL_EVENTS.every((type) => names().includes(type))).to.equal(true);
    expect(el.hasAttribute('online')).to.equal(false);
  });
});

describe('<notify-phone> default UI', () => {
  it('dials from the number field and the dial pad, shows a timer and sends DTMF from the keypad', async () => {
    const { el, driver } = await phone();
    const input = part<HTMLInputElement>(el, 'number-input')!;
    input.value = '+1555';
    input.dispatchEvent(new Event('input'));
    for (const k of ['1', '2', '3', '4', '5', '6', '7']) key(el, k).click();
    await el.updateComplete;
    // Formatted as typed once libphonenumber-js is loaded (it loads on focus): the digits are the same.
    expect(input.value.replace(/\s/g, '')).to.equal('+15551234567');
    part(el, 'call-button')!.click();
    await waitUntil(() => driver.methods.includes('connect'));
    expect(driver.log.find((e) => e.method === 'connect')!.args[0]).to.deep.equal({ To: '+15551234567' });
    await el.updateComplete;
    expect(part(el, 'number-input')).to.equal(null);
    expect(part(el, 'dial-pad')!.getAttribute('aria-label')).to.equal('Keypad (sends tones)');
    expect(key(el, '5').matches(':disabled'), 'the keypad waits for the call to open').to.equal(true);
    driver.answer();
    await el.updateComplete;
    expect(text(el, 'timer')).to.equal('0:00');
    expect(text(el, 'status')).to.equal('Call in progress');
    key(el, '#').click();
    key(el, '1').click();
    await el.updateComplete;
    // Every key goes to the client at once; pacing the tones is the driver's job.
    const sent = () => driver.log.filter((e) => e.method === 'sendDigits').map((e) => e.args[0]);
    expect(sent()).to.deep.equal(['#', '1']);
    expect(text(el, 'dtmf')).to.equal('#1');
    part(el, 'mute-button')!.click();
    await el.updateComplete;
    expect(part(el, 'mute-button')!.getAttribute('aria-pressed')).to.equal('true');
    expect(el.hasAttribute('muted')).to.equal(true);
    expect(text(el, 'status')).to.equal('Call in progress, muted');
    part(el, 'hangup-button')!.click();
    await el.updateComplete;
    expect(el.status).to.equal(Status.CLOSED);
    expect(el.hasAttribute('in-call')).to.equal(false);
    expect(part(el, 'timer')).to.equal(null);
  });

  it('shows the incoming-call banner, announces the caller and picks up', async () => {
    const { el, driver } = await phone();
    expect(text(el, 'announcer')).to.equal('');
    driver.receive({ callSid: 'CAin2', from: '+15559990001' });
    await el.updateComplete;
    expect(plainNumber(text(el, 'caller'))).to.equal('+15559990001');
    // Announced as the display shows the caller (formatted once libphonenumber-js has loaded).
    expect(text(el, 'announcer')).to.equal(`Incoming call from ${text(el, 'caller')}`);
    expect(part(el, 'announcer')!.getAttribute('aria-live')).to.equal('assertive');
    expect(text(el, 'status')).to.equal('Incoming call');
    part(el, 'pickup-button')!.click();
    await waitUntil(() => driver.methods.includes('accept'));
    driver.answer();
    await el.updateComplete;
    expect(el.status).to.equal(Status.OPEN);
    expect(part(el, 'incoming')).to.equal(null);
    part(el, 'hangup-button')!.click();
    expect(el.status).to.equal(Status.CLOSED);
  });

  it('declines an incoming call', async () => {
    const { el, driver, names } = await phone();
    driver.receive({ callSid: 'CAin3' });
    await el.updateComplete;
    part(el, 'decline-button')!.click();
    await el.updateComplete;
    expect(driver.methods).to.include('reject');
    expect(el.ringing).to.equal(false);
    expect(names()).to.include('notify-call-disconnect');
  });

  it('lets slotted content replace the caller line and the dial pad', async () => {
    const { el, driver } = await phone();
    el.innerHTML = '<p slot="incoming">VIP customer</p><div slot="dial-pad">my pad</div>';
    driver.receive({ callSid: 'CAin4' });
    await el.updateComplete;
    const slot = (name: string) =>
      el.shadowRoot!.querySelector<HTMLSlotElement>(`slot[name="${name}"]`)!.assignedElements();
    expect(slot('incoming').map((e) => e.textContent)).to.deep.equal(['VIP customer']);
    expect(slot('dial-pad').map((e) => e.textContent)).to.deep.equal(['my pad']);
    expect(part(el, 'pickup-button')).to.not.equal(null);
  });

  it('forwards the open call to a number or to an available agent from the dialog', async () => {
    const ctx = await phone();
    const { el, backend, driver } = ctx;
    backend.clients = [{ sys_id: 'u2', name: 'Bob' }];
    await openCall(ctx);
    const callSid = driver.call!.callSid;
    part(el, 'forward-button')!.click();
    // The dialog is imported on first use (as soon as the call opened).
    await waitUntil(() => part<HTMLDialogElement>(el, 'forward-dialog')?.open, 'the dialog did not open');
    const dialog = part<HTMLDialogElement>(el, 'forward-dialog')!;
    await waitUntil(() => part(el, 'forward-agents') !== null, 'no agents in the dialog');
    const agentButton = el.shadowRoot!.querySelector<HTMLButtonElement>(
      '[part="forward-agents"] [part="agent-button"]',
    )!;
    expect(agentButton.textContent!.trim()).to.equal('Forward to Bob');
    agentButton.click();
    expect(dialog.open).to.equal(false);
    await waitUntil(() => backend.methods.includes('forwardCall'));
    expect(backend.log.find((e) => e.method === 'forwardCall')!.args).to.deep.equal([
      callSid,
      { type: 'userId', id: 'u2' },
    ]);
    part(el, 'forward-button')!.click();
    part<HTMLInputElement>(el, 'forward-input')!.value = '+1 701 234 5678';
    part(el, 'forward-number-button')!.click();
    await waitUntil(() => backend.log.filter((e) => e.method === 'forwardCall').length === 2);
    expect(backend.log.filter((e) => e.method === 'forwardCall')[1].args).to.deep.equal([
      callSid,
      { type: 'number', id: '+17012345678' },
    ]);
    part(el, 'forward-button')!.click();
    part(el, 'forward-cancel-button')!.click();
    expect(dialog.open).to.equal(false);
    expect(backend.log.filter((e) => e.method === 'forwardCall')).to.have.length(2);
  });

  it("shows the call's number formatted once libphonenumber-js is loaded (national in default-country)", async function () {
    // The dev server transforms the library on its first import: more than the default 2 s on a busy machine.
    this.timeout(20000);
    const ctx = await phone();
    await openCall(ctx);
    // International without a default country; the library loads with the first number the call UI shows.
    await waitUntil(
      () => text(ctx.el, 'remote') === '+1 555 123 4567',
      'never formatted (the library is imported by the dev server on first use)',
      { timeout: 10000 },
    );
    ctx.el.defaultCountry = 'US';
    await ctx.el.updateComplete;
    expect(text(ctx.el, 'remote')).to.equal('(555) 123-4567');
    ctx.el.defaultCountry = 'GB';
    await ctx.el.updateComplete;
    expect(text(ctx.el, 'remote')).to.equal('+1 555 123 4567');
  });

  it("a refused call() keeps the current call's remote party and never throws", async () => {
    const ctx = await phone();
    await openCall(ctx);
    expect(plainNumber(text(ctx.el, 'remote'))).to.equal('+15551234567');
    ctx.el.call('+15559999999');
    await ctx.el.updateComplete;
    expect(plainNumber(text(ctx.el, 'remote')), 'the refused call relabeled the current one').to.equal(
      '+15551234567',
    );
    expect(() => ctx.el.call(undefined as unknown as string)).to.not.throw();
    expect(ctx.seen.filter((e) => e.type === 'notify-error').map((e) => e.detail.code)).to.deep.equal([
      'INVALID_STATE',
      'INVALID_ARGUMENT',
    ]);
  });

  it('forwardCall() through the element reports a bad number as INVALID_NUMBER', async () => {
    const ctx = await phone();
    await openCall(ctx);
    setTimeout(() => ctx.el.forwardCall({ type: 'number', id: '555' }));
    const event = await oneEvent(ctx.el, 'notify-error');
    expect(event.detail.code).to.equal('INVALID_NUMBER');
  });

  it('lists available agents while the list is open and calls one', async () => {
    const { el, backend, driver } = await phone();
    backend.clients = [
      { sys_id: 'u2', name: 'Bob' },
      { sys_id: 'u3', name: 'Cy' },
    ];
    expect(backend.methods).to.not.include('listAvailableClients');
    const details = part<HTMLDetailsElement>(el, 'agents')!;
    details.querySelector('summary')!.click();
    await waitUntil(() => part(el, 'agent-list') !== null, 'no agent list');
    expect(details.querySelector('summary')!.textContent!.trim()).to.equal('Available agents (2)');
    const names = [...el.shadowRoot!.querySelectorAll('[part="agent-list"] .agent-name')].map(
      (n) => n.textContent,
    );
    expect(names).to.deep.equal(['Bob', 'Cy']);
    // The list follows the backend's pushes; nothing is polled.
    backend.pushClients([{ sys_id: 'u2', name: 'Bob' }]);
    await waitUntil(
      () => details.querySelector('summary')!.textContent!.trim() === 'Available agents (1)',
      'the pushed list was not shown',
    );
    expect(backend.methods).to.not.include('listAvailableClients');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="agent-list"] [part="agent-button"]')!.click();
    await waitUntil(() => driver.methods.includes('connect'));
    expect(driver.log.find((e) => e.method === 'connect')!.args[0]).to.deep.equal({ To: 'client:u2' });
    backend.clients = [];
    part(el, 'refresh-agents-button')!.click();
    await waitUntil(() => part(el, 'agent-list-empty') !== null);
    expect(text(el, 'agent-list-empty')).to.equal('No other agent is available.');
    details.querySelector('summary')!.click();
    await waitUntil(() => backend.watchers.size === 0, 'closing the list did not stop following it');
  });

  it('lists every agent of a large group, then follows the changes', async () => {
    const { el, backend } = await phone();
    backend.clients = Array.from({ length: 250 }, (_, i) => ({
      sys_id: `u${1000 + i}`,
      name: `Agent ${1000 + i}`,
    }));
    const details = part<HTMLDetailsElement>(el, 'agents')!;
    const summary = () => details.querySelector('summary')!.textContent!.trim();
    details.querySelector('summary')!.click();
    await waitUntil(() => summary() === 'Available agents (250)', 'the later pages were not listed');
    expect(el.shadowRoot!.querySelectorAll('[part="agent-list"] .agent')).to.have.length(250);
    backend.pushAvailability(backend.clients[0], false);
    await waitUntil(() => summary() === 'Available agents (249)', 'the change was not applied');
    details.querySelector('summary')!.click();
    await waitUntil(() => backend.watchers.size === 0, 'closing the list did not stop following it');
  });

  it('uses the backend for getAvailableClients (callback and Promise)', async () => {
    const { el, backend } = await phone();
    backend.clients = [{ sys_id: 'u2', name: 'Bob' }];
    let fromCallback: unknown;
    const list = await el.getAvailableClients((clients) => (fromCallback = clients));
    expect(list).to.deep.equal([{ sys_id: 'u2', name: 'Bob' }]);
    expect(fromCallback).to.deep.equal(list);
    expect(el.agents).to.deep.equal(list);
  });

  it('switches availability from the toggle', async () => {
    const { el, backend } = await phone();
    const toggle = part(el, 'available-toggle')!;
    expect(toggle.getAttribute('role')).to.equal('switch');
    expect(toggle.getAttribute('aria-checked')).to.equal('false');
    setTimeout(() => toggle.click());
    const event = await oneEvent(el, 'notify-available-change');
    expect(event.detail).to.deep.equal({ available: true });
    await el.updateComplete;
    expect(toggle.getAttribute('aria-checked')).to.equal('true');
    await waitUntil(() => backend.log.some((e) => e.method === 'setAvailability' && e.args[1] === true));
  });

  it('shows clear, dismissible, translatable error messages', async () => {
    const { el } = await phone();
    el.sendDtmf('1');
    await el.updateComplete;
    expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    expect(text(el, 'error')).to.contain('no open call');
    el.strings = { errors: { INVALID_STATE: 'Kein Gespräch.' }, dismissError: 'Schließen' };
    await el.updateComplete;
    expect(text(el, 'error')).to.contain('Kein Gespräch.');
    expect(part(el, 'error-dismiss')!.getAttribute('aria-label')).to.equal('Schließen');
    part(el, 'error-dismiss')!.click();
    await el.updateComplete;
    expect(part(el, 'error')).to.equal(null);
    expect(el.error).to.equal(null);
  });

  it('takes every visible string from `strings`', async () => {
    const { el, driver } = await phone();
    el.strings = {
      statusUnavailable: 'Bereit',
      call: 'Anrufen',
      dialPad: 'Wähltastatur',
      statusIncoming: 'Anruf von {caller}',
    };
    await el.updateComplete;
    expect(text(el, 'status')).to.equal('Bereit');
    expect(text(el, 'call-button')).to.equal('Anrufen');
    expect(part(el, 'dial-pad')!.getAttribute('aria-label')).to.equal('Wähltastatur');
    driver.receive({ from: '+15559990002' });
    await el.updateComplete;
    expect(text(el, 'status')).to.equal('Anruf von +15559990002');
  });

  it('formats the call duration', () => {
    expect(formatDuration(0)).to.equal('0:00');
    expect(formatDuration(61_500)).to.equal('1:01');
    expect(formatDuration(3_725_000)).to.equal('1:02:05');
  });
});

describe('<notify-phone> keyboard only', () => {
  const focused = (el: NotifyPhone) => el.shadowRoot!.activeElement as HTMLElement | null;
  const focusedPart = (el: NotifyPhone) => {
    const node = focused(el);
    if (!node) return null;
    return `${node.getAttribute('part') ?? node.localName}${node.dataset.key ? `:${node.dataset.key}` : ''}`;
  };

  const shiftTab = async () => {
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
  };

  it('tabs through the parts in reading order, the dial pad being one tab stop', async () => {
    const { el } = await phone();
    el.focus();
    const order = [focusedPart(el)];
    for (let i = 0; i < 4; i += 1) {
      await sendKeys({ press: 'Tab' });
      order.push(focusedPart(el));
    }
    expect(order).to.deep.equal([
      'number-input',
      'dial-key:1',
      'call-button',
      'summary', // of the agents disclosure (part="agents")
      'history',
    ]);
    for (let i = 0; i < 5; i += 1) await shiftTab();
    expect(focusedPart(el)).to.equal('available-toggle presence');
  });

  it('moves in the dial pad with the arrow keys (roving tabindex)', async () => {
    const { el } = await phone();
    key(el, '1').focus();
    await sendKeys({ press: 'ArrowRight' });
    expect(focusedPart(el)).to.equal('dial-key:2');
    await sendKeys({ press: 'ArrowDown' });
    expect(focusedPart(el)).to.equal('dial-key:5');
    await sendKeys({ press: 'End' });
    expect(focusedPart(el)).to.equal('dial-key:#');
    const stops = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="dial-key"]')].filter(
      (k) => k.tabIndex === 0,
    );
    expect(stops.map((k) => k.dataset.key)).to.deep.equal(['#']);
    await sendKeys({ press: 'Tab' });
    expect(focusedPart(el)).to.equal('call-button');
    await shiftTab();
    expect(focusedPart(el)).to.equal('dial-key:#');
  });

  it('dials by typing digits and Enter, sends DTMF by typing, hangs up with Escape', async () => {
    const { el, driver } = await phone();
    el.focus();
    await sendKeys({ type: '+15551234567' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => driver.methods.includes('connect'), 'Enter did not call');
    expect(driver.log.find((e) => e.method === 'connect')!.args[0]).to.deep.equal({ To: '+15551234567' });
    await waitUntil(() => driver.call !== null);
    driver.answer();
    await el.updateComplete;
    // The number field left with the call; focus stayed in the phone, on the hang-up button.
    expect(focusedPart(el)).to.equal('hangup-button');
    await sendKeys({ type: '12#' });
    const sent = () => driver.log.filter((e) => e.method === 'sendDigits').map((e) => e.args[0] as string);
    await waitUntil(() => sent().join('') === '12#', 'not every typed digit was sent');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.status).to.equal(Status.CLOSED);
    expect(driver.methods).to.include('hangup');
    expect(focusedPart(el)).to.equal('number-input');
  });

  it('types digits on the dial pad keys and deletes with Backspace', async () => {
    const { el } = await phone();
    key(el, '5').focus();
    await sendKeys({ type: '5*0' });
    await sendKeys({ press: 'Backspace' });
    await el.updateComplete;
    expect(el.number).to.equal('5*');
    expect(part<HTMLInputElement>(el, 'number-input')!.value).to.equal('5*');
  });

  it('answers a ringing call with Enter and declines one with Escape', async () => {
    const { el, driver } = await phone();
    el.focus();
    driver.receive({ callSid: 'CAk1' });
    await el.updateComplete;
    expect(focusedPart(el)).to.equal('pickup-button');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => driver.methods.includes('accept'), 'Enter did not pick up');
    driver.answer();
    await el.updateComplete;
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.inCall).to.equal(false);
    driver.receive({ callSid: 'CAk2' });
    await el.updateComplete;
    await sendKeys({ press: 'Escape' });
    expect(driver.methods).to.include('reject');
    expect(el.ringing).to.equal(false);
  });

  it('forwards with the keyboard: the dialog takes focus and Escape closes it without hanging up', async () => {
    const ctx = await phone();
    const { el, backend } = ctx;
    await openCall(ctx);
    part(el, 'forward-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part<HTMLDialogElement>(el, 'forward-dialog')?.open, 'the dialog did not open');
    const dialog = part<HTMLDialogElement>(el, 'forward-dialog')!;
    expect(focusedPart(el)).to.equal('forward-input');
    await sendKeys({ press: 'Escape' });
    expect(dialog.open).to.equal(false);
    expect(el.status).to.equal(Status.OPEN);
    part(el, 'forward-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ type: '+17012345678' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => backend.methods.includes('forwardCall'), 'no forward');
    expect(backend.log.find((e) => e.method === 'forwardCall')!.args[1]).to.deep.equal({
      type: 'number',
      id: '+17012345678',
    });
    expect(focusedPart(el)).to.equal('forward-button');
  });
});

describe('<notify-phone> accessibility', () => {
  it('is accessible when idle', async () => {
    const { el } = await phone();
    await expect(el).to.be.accessible();
  });

  it('is accessible while ringing', async () => {
    const { el, driver } = await phone();
    driver.receive({ from: '+15559990003' });
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('is accessible in a call, with the forward dialog open', async () => {
    const ctx = await phone();
    ctx.backend.clients = [{ sys_id: 'u2', name: 'Bob' }];
    await openCall(ctx);
    await expect(ctx.el).to.be.accessible();
    part(ctx.el, 'forward-button')!.click();
    await waitUntil(() => part(ctx.el, 'forward-agents') !== null);
    await expect(ctx.el).to.be.accessible();
  });

  it('is accessible showing an error', async () => {
    const { el } = await phone();
    el.setAttribute('caller-id', 'not-a-number');
    await el.updateComplete;
    expect(part(el, 'error')).to.not.equal(null);
    await expect(el).to.be.accessible();
  });

  it('is accessible in the dark scheme', async () => {
    const { el } = await phone();
    el.style.setProperty('--notify-phone-color-scheme', 'dark');
    await expect(el).to.be.accessible();
  });
});
