/**
 * The element's second line on the fake driver and backend: call waiting (answer & hold, decline), hold and
 * resume, warm transfer (consult, complete, cancel) to a number and an agent, add to call, the list of calls,
 * the methods that expose them, the keyboard, the announcements and axe in every new state.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { Status } from '../../../src/client/constants.js';
import type { FakeCall } from '../../../src/drivers/fake-driver.js';
import type { NotifyPhone } from '../../../src/element/notify-phone.js';
import { openCall, part, phone, plainNumber } from './helpers/element.js';

type Ctx = Awaited<ReturnType<typeof phone>>;

/**
 * Numbers in E.164 whether shown so or formatted: the parts format them once libphonenumber-js has loaded
 * (lazily, so a test cannot tell which it sees), as the display does.
 */
const unformatted = (shown: string) => shown.replace(/\+[\d ().-]*\d/g, plainNumber);
const text = (el: NotifyPhone, name: string) =>
  unformatted(part<HTMLElement>(el, name)?.textContent?.trim() ?? '');
const all = (el: NotifyPhone, name: string) => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`),
];
/** Each listed call as "party · state". */
const listed = (el: NotifyPhone) =>
  all(el, 'call-item').map(
    (item) =>
      `${unformatted(item.querySelector('[part="call-party"]')!.textContent!.trim())} · ${item
        .querySelector('[part="call-state"]')!
        .textContent!.trim()}`,
  );
const focusedPart = (el: NotifyPhone) => el.shadowRoot!.activeElement?.getAttribute('part') ?? null;
const actions = (ctx: Ctx, action: string) =>
  ctx.backend.log.filter((e) => e.method === 'callAction' && e.args[1] === action).map((e) => e.args);
const errors = (ctx: Ctx) => ctx.seen.filter((e) => e.type === 'notify-error').map((e) => e.detail.code);
const dialog = (el: NotifyPhone) => part<HTMLDialogElement>(el, 'forward-dialog')!;

/** Holds the open call from its Hold button; resolves once the element shows it held. */
async function holdFromUi(ctx: Ctx) {
  part(ctx.el, 'hold-button')!.click();
  await waitUntil(() => ctx.el.hasAttribute('held'), 'the call never showed as held');
  await ctx.el.updateComplete;
}

/** The driver's latest call leg, once a new one (other than `before`) was placed. */
async function newLeg(ctx: Ctx, before: FakeCall | null): Promise<FakeCall> {
  await waitUntil(() => ctx.driver.call !== null && ctx.driver.call !== before, 'no new media leg');
  return ctx.driver.call!;
}

describe('<notify-phone> hold and resume', () => {
  it('holds from the Hold toggle (confirmed by the server), lists the held call, resumes from the same toggle', async () => {
    const ctx = await phone();
    const { el, driver } = ctx;
    await openCall(ctx);
    const callSid = driver.call!.callSid;
    const leg = driver.call;
    const hold = part<HTMLButtonElement>(el, 'hold-button')!;
    expect(hold.getAttribute('aria-pressed')).to.equal('false');
    expect(text(el, 'hold-button')).to.equal('Hold');
    await holdFromUi(ctx);
    expect(actions(ctx, 'hold')).to.deep.equal([[callSid, 'hold', { hold: true }]]);
    // The media leg left (nothing of the microphone is sent); the call is still there, held.
    expect(driver.calls).to.not.include(leg);
    expect(el.held).to.equal(true);
    expect(el.inCall).to.equal(false);
    expect(text(el, 'status')).to.equal('Call on hold');
    expect(part(el, 'status')!.getAttribute('role')).to.equal('status');
    expect(listed(el)).to.deep.equal(['+15551234567 · On hold']);
    expect(part(el, 'call-item')!.getAttribute('part')).to.equal('call-item call-held');
    expect(text(el, 'call-timer')).to.match(/^0:0\d$/);
    // The held call stays on the phone's display: the toggle is pressed and reads Resume, Hang up stays.
    expect(plainNumber(text(el, 'remote'))).to.equal('+15551234567');
    expect(part(el, 'hold-button')).to.equal(hold);
    expect(hold.getAttribute('aria-pressed')).to.equal('true');
    expect(text(el, 'hold-button')).to.equal('Resume');
    expect(hold.disabled).to.equal(false);
    expect(part(el, 'hangup-button')).to.not.equal(null);
    expect(part<HTMLButtonElement>(el, 'mute-button')!.disabled).to.equal(true);
    // One held call: the toggle resumes it, the list has no second Resume.
    expect(all(el, 'resume-button')).to.have.length(0);
    await expect(el).to.be.accessible();

    hold.click();
    const resumed = await newLeg(ctx, null);
    expect(resumed.params).to.deep.equal({ notifyResume: callSid });
    driver.answer(resumed);
    await waitUntil(() => !el.hasAttribute('held'), 'the call never resumed');
    await el.updateComplete;
    expect(el.status).to.equal(Status.OPEN);
    expect(all(el, 'call-item')).to.have.length(0);
    expect(plainNumber(text(el, 'remote'))).to.equal('+15551234567');
    expect(part(el, 'timer')).to.not.equal(null);
    expect(hold.getAttribute('aria-pressed')).to.equal('false');
    expect(text(el, 'hold-button')).to.equal('Hold');
  });

  it('Hang up on a held call ends it (the held leg is released on the server)', async () => {
    const ctx = await phone();
    const { el } = ctx;
    await openCall(ctx);
    await holdFromUi(ctx);
    part(el, 'hangup-button')!.click();
    await waitUntil(() => !el.held && all(el, 'call-item').length === 0, 'the held call never ended');
    await el.updateComplete;
    expect(part(el, 'call-button')).to.not.equal(null);
    expect(part(el, 'number-input')).to.not.equal(null);
    expect(el.inCall).to.equal(false);
    expect(actions(ctx, 'hold')).to.have.length(1);
    expect(errors(ctx)).to.deep.equal([]);
  });

  it('holdCall() and resumeCall() resolve true once done, false with a coded error when there is nothing to do', async () => {
    const ctx = await phone();
    const { el, driver } = ctx;
    expect(await el.holdCall()).to.equal(false);
    expect(await el.resumeCall()).to.equal(false);
    expect(errors(ctx)).to.deep.equal(['INVALID_STATE', 'INVALID_STATE']);
    await openCall(ctx);
    expect(await el.resumeCall()).to.equal(false);
    expect(errors(ctx)).to.deep.equal(['INVALID_STATE', 'INVALID_STATE', 'INVALID_STATE']);
    expect(el.status).to.equal(Status.OPEN);
    expect(await el.holdCall()).to.equal(true);
    expect(el.held).to.equal(true);
    const resuming = el.resumeCall();
    driver.answer(await newLeg(ctx, null));
    expect(await resuming).to.equal(true);
    expect(el.held).to.equal(false);
  });

  it('a hold the server refuses keeps the call as it was and shows the error', async () => {
    const ctx = await phone();
    const { el, backend } = ctx;
    await openCall(ctx);
    const { NotifyError } = await import('../../../src/client/errors.js');
    backend.callActionResults.hold = new NotifyError('FORBIDDEN');
    part(el, 'hold-button')!.click();
    await waitUntil(() => part(el, 'error') !== null, 'no error shown');
    expect(errors(ctx)).to.deep.equal(['FORBIDDEN']);
    expect(el.held).to.equal(false);
    expect(el.status).to.equal(Status.OPEN);
    expect(part(el, 'hold-button')).to.not.equal(null);
  });

  it('holds and resumes with the keyboard; focus stays on the toggle as it turns to Resume and back', async () => {
    const ctx = await phone();
    const { el, driver } = ctx;
    await openCall(ctx);
    const hold = part(el, 'hold-button')!;
    hold.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => hold.getAttribute('aria-pressed') === 'true', 'never held');
    expect(focusedPart(el)).to.equal('hold-button');
    expect(text(el, 'hold-button')).to.equal('Resume');
    await sendKeys({ press: 'Enter' });
    driver.answer(await newLeg(ctx, null));
    await waitUntil(() => !el.held && hold.getAttribute('aria-pressed') === 'false', 'never resumed');
    expect(focusedPart(el)).to.equal('hold-button');
    expect(el.status).to.equal(Status.OPEN);
  });
});

describe('<notify-phone> call waiting', () => {
  it("call-waiting='ring': a call during a call waits, is announced, and Answer & hold holds the first", async () => {
    const ctx = await phone({ callWaiting: 'ring' });
    const { el, driver, backend } = ctx;
    await openCall(ctx);
    const firstSid = driver.call!.callSid;
    driver.receive({ callSid: 'CAwait', from: '+15559990000' });
    await waitUntil(() => part(el, 'waiting') !== null, 'no waiting call shown');
    expect(text(el, 'waiting-caller')).to.equal('+15559990000');
    // In a narrow phone the number still reads on one line (it once had a column one digit wide).
    el.style.inlineSize = '320px';
    const caller = part<HTMLElement>(el, 'waiting-caller')!;
    const lineHeight = parseFloat(getComputedStyle(caller).lineHeight);
    expect(caller.getBoundingClientRect().height).to.be.below(1.5 * lineHeight);
    el.style.inlineSize = '';
    expect(text(el, 'announcer')).to.equal('Call waiting from +15559990000');
    expect(part(el, 'announcer')!.getAttribute('aria-live')).to.equal('assertive');
    expect(text(el, 'status')).to.equal('Call waiting from +15559990000');
    expect(listed(el)).to.deep.equal(['+15551234567 · Active', '+15559990000 · Ringing']);
    // The main banner is for a call while idle; this one is the waiting banner.
    expect(part(el, 'incoming')).to.equal(null);
    expect(el.ringing).to.equal(false);
    await expect(el).to.be.accessible();

    part(el, 'answer-hold-button')!.click();
    await waitUntil(() => driver.methods.includes('accept'), 'the waiting call was not accepted');
    expect(backend.log.find((e) => e.method === 'callAction')!.args).to.deep.equal([
      firstSid,
      'hold',
      { hold: true },
    ]);
    driver.answer();
    await waitUntil(() => el.status === Status.OPEN && el.held, 'the waiting call never opened');
    await el.updateComplete;
    expect(part(el, 'waiting')).to.equal(null);
    expect(plainNumber(text(el, 'remote'))).to.equal('+15559990000');
    expect(listed(el)).to.deep.equal(['+15551234567 · On hold', '+15559990000 · Active']);
    expect(all(el, 'resume-button')).to.have.length(1);
    expect(el.hasAttribute('held')).to.equal(true);
    await expect(el).to.be.accessible();

    // Resuming the first holds the second (a call active at the time is put on hold first).
    part(el, 'resume-button')!.click();
    driver.answer(await newLeg(ctx, driver.call));
    await waitUntil(() => listed(el).join() === '+15551234567 · Active,+15559990000 · On hold');
    expect(plainNumber(text(el, 'remote'))).to.equal('+15551234567');
  });

  it('declines the waiting call from the keyboard; the first call goes on', async () => {
    const ctx = await phone({ callWaiting: 'ring' });
    const { el, driver } = ctx;
    await openCall(ctx);
    driver.receive({ callSid: 'CAwait2', from: '+15559990001' });
    await waitUntil(() => part(el, 'waiting') !== null, 'no waiting call shown');
    part(el, 'answer-hold-button')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(focusedPart(el)).to.equal('decline-waiting-button');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(el, 'waiting') === null, 'the waiting call stayed');
    expect(
      driver.log.filter((e) => e.method === 'reject').map((e) => (e.args[0] as FakeCall).callSid),
    ).to.deep.equal(['CAwait2']);
    expect(el.status).to.equal(Status.OPEN);
    expect(el.held).to.equal(false);
    expect(text(el, 'announcer')).to.equal('');
    expect(all(el, 'call-item')).to.have.length(0);
    expect(focusedPart(el)).to.equal('hangup-button');
  });

  it('a call that comes in while the only call is held rings as usual (the banner, Pick up), listed under it', async () => {
    const ctx = await phone({ callWaiting: 'ring' });
    const { el, driver } = ctx;
    await openCall(ctx);
    await holdFromUi(ctx);
    driver.receive({ callSid: 'CAnext', from: '+15559990002' });
    await waitUntil(() => part(el, 'pickup-button') !== null, 'no incoming banner');
    expect(text(el, 'status')).to.equal('Incoming call');
    expect(text(el, 'announcer')).to.equal('Incoming call from +15559990002');
    expect(part(el, 'waiting')).to.equal(null);
    expect(listed(el)).to.deep.equal(['+15551234567 · On hold', '+15559990002 · Ringing']);
    await expect(el).to.be.accessible();
    part(el, 'pickup-button')!.click();
    await waitUntil(() => driver.methods.includes('accept'), 'not accepted');
    driver.answer();
    await waitUntil(() => el.status === Status.OPEN, 'the new call never opened');
    await el.updateComplete;
    expect(listed(el)).to.deep.equal(['+15551234567 · On hold', '+15559990002 · Active']);
  });

  it("call-waiting='busy' (the default): a call during a call is declined and never shown", async () => {
    const ctx = await phone();
    const { el, driver } = ctx;
    await openCall(ctx);
    driver.receive({ callSid: 'CAbusy' });
    await el.updateComplete;
    expect(part(el, 'waiting')).to.equal(null);
    expect(driver.methods).to.include('reject');
    expect(el.status).to.equal(Status.OPEN);
  });

  it('passes call-waiting to the session, and reports a bad value keeping the old one', async () => {
    const ctx = await phone({ callWaiting: 'ring' });
    const { el, backend } = ctx;
    expect(el.callWaiting).to.equal('ring');
    expect(backend.log.find((e) => e.method === 'createSession')!.args[0]).to.include({
      callWaiting: 'ring',
    });
    el.setAttribute('call-waiting', 'sometimes');
    expect(el.callWaiting).to.equal('ring');
    expect(errors(ctx)).to.deep.equal(['INVALID_ARGUMENT']);
  });
});

describe('<notify-phone> warm transfer and add to call', () => {
  /** Opens the forward dialog on the open call and picks the warm transfer. */
  async function warmDialog(ctx: Ctx) {
    part(ctx.el, 'forward-button')!.click();
    await waitUntil(() => dialog(ctx.el).open, 'the dialog did not open');
    const radios = part(ctx.el, 'transfer-mode')!.querySelectorAll<HTMLInputElement>('input[type="radio"]');
    expect(radios[0]!.checked, 'blind is the default').to.equal(true);
    // Each choice reads as a radio button and its words, within the dialog (the number field's width once
    // stretched the buttons across it and pushed the words out).
    const box = dialog(ctx.el).getBoundingClientRect();
    for (const radio of radios) {
      expect(radio.getBoundingClientRect().width).to.be.below(30);
      expect(radio.closest('label')!.getBoundingClientRect().right).to.be.at.most(box.right);
    }
    // The number's button beside its field, on the same line.
    const field = part(ctx.el, 'forward-input')!.getBoundingClientRect();
    const button = part(ctx.el, 'forward-number-button')!.getBoundingClientRect();
    expect(button.left).to.be.at.least(field.right);
    expect(button.top).to.be.below(field.bottom);
    radios[1]!.click();
    await ctx.el.updateComplete;
  }

  it('consults a number, then completes: the consulted party joins the held caller, the phone leaves', async () => {
    const ctx = await phone();
    const { el, driver } = ctx;
    await openCall(ctx);
    const caller = driver.call;
    const callerSid = caller!.callSid;
    await warmDialog(ctx);
    expect(text(el, 'forward-number-button')).to.equal('Consult');
    part<HTMLInputElement>(el, 'forward-input')!.value = '+1 701 234 5678';
    part(el, 'forward-number-button')!.click();
    expect(dialog(el).open).to.equal(false);
    const consult = await newLeg(ctx, caller);
    expect(consult.params).to.deep.equal({ To: '+17012345678' });
    expect(actions(ctx, 'hold')).to.deep.equal([[callerSid, 'hold', { hold: true }]]);
    await el.updateComplete;
    expect(text(el, 'status')).to.equal('Consulting +17012345678, caller on hold');
    expect(part<HTMLButtonElement>(el, 'complete-transfer-button')!.disabled).to.equal(true);
    // The consultation's own controls decide: the Hold toggle is off while two calls are up.
    expect(part<HTMLButtonElement>(el, 'hold-button')!.disabled).to.equal(true);
    driver.answer(consult);
    await el.updateComplete;
    expect(listed(el)).to.deep.equal(['+15551234567 · On hold', '+17012345678 · Consulting']);
    // The caller being consulted for has no Resume: Complete or Cancel decide.
    expect(all(el, 'resume-button')).to.have.length(0);
    expect(part<HTMLButtonElement>(el, 'complete-transfer-button')!.disabled).to.equal(false);
    await expect(el).to.be.accessible();

    part(el, 'complete-transfer-button')!.click();
    await waitUntil(() => !el.inCall && !el.held, 'the transfer never completed');
    expect(actions(ctx, 'transfer')).to.deep.equal([
      [callerSid, 'transfer', { consultCallSid: consult.callSid }],
    ]);
    await el.updateComplete;
    expect(all(el, 'call-item')).to.have.length(0);
    expect(part(el, 'number-input')).to.not.equal(null);
  });

  it('consults an agent, then cancels: the consultation ends and the caller is resumed', async () => {
    const ctx = await phone();
    const { el, driver, backend } = ctx;
    backend.clients = [{ sys_id: 'u2', name: 'Bob' }];
    await openCall(ctx);
    const caller = driver.call;
    const callerSid = caller!.callSid;
    await warmDialog(ctx);
    await waitUntil(() => part(el, 'forward-agents') !== null, 'no agents in the dialog');
    const consultBob = el.shadowRoot!.querySelector<HTMLButtonElement>(
      '[part="forward-agents"] [part="agent-button"]',
    )!;
    expect(consultBob.textContent!.trim()).to.equal('Consult Bob');
    consultBob.click();
    const consult = await newLeg(ctx, caller);
    expect(consult.params).to.deep.equal({ To: 'client:u2' });
    driver.answer(consult);
    await waitUntil(() => text(el, 'status') === 'Consulting Bob, caller on hold', 'not consulting Bob');
    // The display names the colleague as the list of calls does, not by their identity (u2).
    expect(text(el, 'remote')).to.equal('Bob');
    expect(listed(el)).to.deep.equal(['+15551234567 · On hold', 'Bob · Consulting']);

    part(el, 'cancel-transfer-button')!.click();
    const back = await newLeg(ctx, consult);
    expect(back.params).to.deep.equal({ notifyResume: callerSid });
    expect(driver.log.some((e) => e.method === 'hangup' && e.args[0] === consult)).to.equal(true);
    driver.answer(back);
    await waitUntil(() => el.status === Status.OPEN && !el.held, 'the caller was never resumed');
    await el.updateComplete;
    expect(plainNumber(text(el, 'remote'))).to.equal('+15551234567');
    expect(part(el, 'cancel-transfer-button')).to.equal(null);
    expect(part(el, 'hold-button')).to.not.equal(null);
  });

  it('transferCall(), completeTransfer() and cancelTransfer() through the element, with coded errors', async () => {
    const ctx = await phone();
    const { el, driver } = ctx;
    expect(await el.completeTransfer()).to.equal(false);
    await openCall(ctx);
    expect(await el.cancelTransfer()).to.equal(false);
    expect(await el.transferCall({ type: 'number', id: '555' })).to.equal(null);
    expect(errors(ctx)).to.deep.equal(['INVALID_STATE', 'INVALID_STATE', 'INVALID_NUMBER']);
    const consult = await el.transferCall({ type: 'number', id: '+17012345678' });
    expect(consult!.consultFor).to.not.equal(undefined);
    driver.answer(await newLeg(ctx, null));
    expect(await el.completeTransfer()).to.equal(true);
    await el.updateComplete;
    expect(el.inCall).to.equal(false);
  });

  it('chooses a warm transfer with the keyboard (arrow keys in the radio group) and completes it', async () => {
    const ctx = await phone();
    const { el, driver } = ctx;
    await openCall(ctx);
    const caller = driver.call;
    part(el, 'forward-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => dialog(el).open, 'the dialog did not open');
    expect(focusedPart(el)).to.equal('forward-input');
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(el.shadowRoot!.activeElement?.getAttribute('type')).to.equal('radio');
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(text(el, 'forward-number-button')).to.equal('Consult');
    await sendKeys({ press: 'Tab' });
    expect(focusedPart(el)).to.equal('forward-input');
    await sendKeys({ type: '+17012345678' });
    await sendKeys({ press: 'Enter' });
    const consult = await newLeg(ctx, caller);
    expect(consult.params).to.deep.equal({ To: '+17012345678' });
    driver.answer(consult);
    await waitUntil(() => part(el, 'complete-transfer-button') !== null, 'no Complete button');
    await el.updateComplete;
    part(el, 'complete-transfer-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => actions(ctx, 'transfer').length === 1, 'the transfer was not completed');
    await waitUntil(() => !el.inCall, 'still in a call');
    // The warm choice is kept for the next transfer.
    await openCall(ctx);
    part(el, 'forward-button')!.click();
    await waitUntil(() => dialog(el).open);
    expect(text(el, 'forward-number-button')).to.equal('Consult');
  });

  it('the forward dialog still forwards blind by default (forwardCall)', async () => {
    const ctx = await phone();
    const { el, driver, backend } = ctx;
    await openCall(ctx);
    const callSid = driver.call!.callSid;
    part(el, 'forward-button')!.click();
    await waitUntil(() => dialog(el).open);
    expect(text(el, 'forward-number-button')).to.equal('Forward');
    part<HTMLInputElement>(el, 'forward-input')!.value = '+17012345678';
    part(el, 'forward-number-button')!.click();
    await waitUntil(() => backend.methods.includes('forwardCall'));
    expect(backend.log.find((e) => e.method === 'forwardCall')!.args).to.deep.equal([
      callSid,
      { type: 'number', id: '+17012345678' },
    ]);
    expect(actions(ctx, 'hold')).to.deep.equal([]);
  });

  it('adds an agent from the Add to call dialog (keyboard), then a number with addToCall()', async () => {
    const ctx = await phone();
    const { el, driver, backend } = ctx;
    backend.clients = [{ sys_id: 'u3', name: 'Cy' }];
    await openCall(ctx);
    const callSid = driver.call!.callSid;
    const leg = driver.call;
    part(el, 'add-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => dialog(el).open, 'the add dialog did not open');
    expect(text(el, 'forward-dialog').startsWith('Add to the call')).to.equal(true);
    expect(part(el, 'transfer-mode')).to.equal(null);
    expect(focusedPart(el)).to.equal('forward-input');
    await waitUntil(() => part(el, 'forward-agents') !== null, 'no agents in the dialog');
    await expect(el).to.be.accessible();
    const addCy = el.shadowRoot!.querySelector<HTMLButtonElement>(
      '[part="forward-agents"] [part="agent-button"]',
    )!;
    expect(addCy.textContent!.trim()).to.equal('Add Cy');
    addCy.focus();
    await sendKeys({ press: 'Enter' });
    expect(dialog(el).open).to.equal(false);
    expect(focusedPart(el)).to.equal('add-button');
    await waitUntil(() => actions(ctx, 'participants').length === 1, 'nobody was added');
    expect(actions(ctx, 'participants')[0]).to.deep.equal([
      callSid,
      'participants',
      { type: 'userId', id: 'u3' },
    ]);
    // The call moved into its conference on the server: the page's leg joins it again.
    const joined = await newLeg(ctx, leg);
    expect(joined.params).to.deep.equal({ notifyResume: callSid });
    driver.answer(joined);
    await waitUntil(() => el.status === Status.OPEN && part(el, 'add-button') !== null);
    // Closing the add dialog sets it back to a transfer.
    part(el, 'forward-button')!.click();
    await waitUntil(() => dialog(el).open);
    expect(part(el, 'transfer-mode')).to.not.equal(null);
    dialog(el).close();

    expect(await el.addToCall({ type: 'number', id: '+17015550100' })).to.equal(true);
    expect(actions(ctx, 'participants')[1]).to.deep.equal([
      callSid,
      'participants',
      { type: 'number', id: '+17015550100' },
    ]);
  });

  it('takes the second line strings from `strings`', async () => {
    const ctx = await phone();
    const { el } = ctx;
    el.strings = { hold: 'Halten', statusHeld: 'Gehalten', callHeld: 'gehalten', resume: 'Fortsetzen' };
    await openCall(ctx);
    expect(text(el, 'hold-button')).to.equal('Halten');
    await holdFromUi(ctx);
    expect(text(el, 'status')).to.equal('Gehalten');
    expect(listed(el)).to.deep.equal(['+15551234567 · gehalten']);
    expect(text(el, 'hold-button')).to.equal('Fortsetzen');
  });
});
