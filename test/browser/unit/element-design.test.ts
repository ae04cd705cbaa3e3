/**
 * The element's design contract (issue 12): every state is accessible, no state overflows its host from 280 to
 * 480 px wide, the regions keep their place across states, number entry (+, formatting, national numbers to
 * E.164, invalid input explained in place) and errors that clear on the next successful call.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { NotifyPhone } from '../../../src/element/notify-phone.js';
import { loadPhoneLib } from '../../../src/element/phone-number.js';
import { openCall, part, phone } from './helpers/element.js';

type Ctx = Awaited<ReturnType<typeof phone>>;

/** Each state of the phone, reached on a fresh element. */
const STATES: Record<string, (ctx: Ctx) => Promise<void>> = {
  idle: async ({ el }) => {
    el.number = '+15551234567';
  },
  unavailable: async ({ el }) => {
    el.available = false;
  },
  'invalid number': async ({ el }) => {
    el.number = '12345';
    await el.updateComplete;
    part(el, 'call-button')!.click();
    await waitUntil(() => part(el, 'number-input')!.getAttribute('aria-invalid') === 'true');
  },
  dialling: async ({ el, driver }) => {
    el.call('+15551234567');
    await waitUntil(() => driver.call !== null);
  },
  'ringing out': async ({ el, driver }) => {
    el.call('+15551234567');
    await waitUntil(() => driver.call !== null);
    driver.ring();
  },
  'in call with a long DTMF string': async (ctx) => {
    await openCall(ctx);
    for (let i = 0; i < 60; i += 1)
      part(ctx.el, 'dial-pad')!.querySelector<HTMLElement>('[data-key="8"]')!.click();
  },
  muted: async (ctx) => {
    await openCall(ctx);
    ctx.el.mute(true);
  },
  incoming: async ({ driver }) => {
    driver.receive({ from: '+15559876543' });
  },
  'on hold': async (ctx) => {
    await openCall(ctx);
    await ctx.el.holdCall();
    await waitUntil(() => part(ctx.el, 'hold-button')?.getAttribute('aria-pressed') === 'true');
  },
  'call waiting': async (ctx) => {
    await openCall(ctx);
    ctx.driver.receive({ callSid: 'CAwait', from: '+15559876543' });
    await waitUntil(() => part(ctx.el, 'waiting'));
    // The waiting number reads on one line (it once had a column one digit wide).
    const caller = part(ctx.el, 'waiting-caller')!;
    expect(caller.getBoundingClientRect().height).to.be.below(
      1.5 * parseFloat(getComputedStyle(caller).lineHeight),
    );
  },
  'transferred (outcome)': async (ctx) => {
    ctx.backend.clients = [{ sys_id: 'u2', name: 'Grace Hopper' }];
    await openCall(ctx);
    await ctx.el.getAvailableClients();
    ctx.el.forwardCall({ type: 'userId', id: 'u2' });
    // The backend moved the other party away: the agent's leg ends from the far side.
    ctx.driver.remoteHangup();
    await waitUntil(() => part(ctx.el, 'status')!.textContent!.trim() === 'Transferred to Grace Hopper');
  },
  'incoming transfer': async ({ el, driver }) => {
    driver.receive({ from: '+15559876543', params: { transferredBy: 'Ada Lovelace' } });
    await waitUntil(() => part(el, 'transferred-by')?.textContent?.trim() === 'Transferred by Ada Lovelace');
    // The caller as the notice shows them (formatted once libphonenumber-js has loaded).
    const caller = part(el, 'caller')!.textContent!.trim();
    expect(caller.replace(/[\s().-]/g, '')).to.equal('+15559876543');
    expect(part(el, 'announcer')!.textContent!.trim()).to.equal(
      `Incoming call from ${caller}, transferred by Ada Lovelace`,
    );
  },
  error: async (ctx) => {
    await openCall(ctx);
    ctx.driver.failCall();
    await waitUntil(() => part(ctx.el, 'error'));
  },
};

/** The phone a state needs, where it is not the default one. */
const PHONES: Record<string, Parameters<typeof phone>[0]> = { 'call waiting': { callWaiting: 'ring' } };

async function reach(name: string, width = 320): Promise<Ctx> {
  const ctx = await phone(PHONES[name]);
  ctx.el.available = true;
  ctx.el.parentElement!.style.inlineSize = `${width}px`;
  await STATES[name]!(ctx);
  await ctx.el.updateComplete;
  return ctx;
}

const regions = (el: NotifyPhone) => [
  part<HTMLElement>(el, 'base')!,
  ...el.shadowRoot!.querySelectorAll<HTMLElement>('.head, .display, .dial-pad, .actions, .error'),
];

describe('<notify-phone> design: every state', () => {
  for (const name of Object.keys(STATES)) {
    it(`is accessible: ${name}`, async () => {
      const { el } = await reach(name);
      await expect(el).to.be.accessible();
    });
  }

  it('is accessible offline and in the dark scheme', async () => {
    const { el } = await phone({ online: false, callerId: '' });
    await expect(el).to.be.accessible();
    const ctx = await reach('incoming');
    ctx.el.style.setProperty('--notify-phone-color-scheme', 'dark');
    await expect(ctx.el).to.be.accessible();
  });

  for (const width of [280, 320, 375, 480]) {
    it(`never overflows its host at ${width} px, in any state`, async () => {
      for (const name of Object.keys(STATES)) {
        const { el } = await reach(name, width);
        const host = el.getBoundingClientRect();
        expect(host.width, `${name}: the element fits its ${width} px container`).to.be.at.most(width);
        expect(el.scrollWidth, `${name}: host`).to.be.at.most(el.clientWidth);
        for (const region of regions(el)) {
          expect(region.scrollWidth, `${name}: ${region.className}`).to.be.at.most(region.clientWidth);
          const box = region.getBoundingClientRect();
          expect(box.right, `${name}: ${region.className} inside the host`).to.be.at.most(host.right + 0.5);
        }
        el.parentElement!.remove();
      }
    });
  }

  it('keeps the dial pad in place from idle to ringing to a call (reserved heights)', async () => {
    const ctx = await reach('idle');
    const top = () => part(ctx.el, 'dial-pad')!.getBoundingClientRect().top;
    const idle = top();
    ctx.driver.receive({ from: '+15559876543' });
    await ctx.el.updateComplete;
    expect(top(), 'ringing').to.equal(idle);
    ctx.el.pickupCall();
    await waitUntil(() => ctx.driver.methods.includes('accept'));
    ctx.driver.answer();
    await ctx.el.updateComplete;
    expect(top(), 'in a call').to.equal(idle);
    ctx.driver.failCall();
    await waitUntil(() => part(ctx.el, 'error'));
    expect(top(), 'with an error').to.equal(idle);
  });
});

describe('<notify-phone> design: buttons and presence', () => {
  it('mute is a toggle whose label and pressed state change', async () => {
    const ctx = await reach('idle');
    await openCall(ctx);
    const mute = part(ctx.el, 'mute-button')!;
    expect(mute.getAttribute('aria-pressed')).to.equal('false');
    expect(mute.textContent!.trim()).to.equal('Mute');
    mute.click();
    await ctx.el.updateComplete;
    expect(mute.getAttribute('aria-pressed')).to.equal('true');
    expect(mute.textContent!.trim()).to.equal('Unmute');
  });

  it('offline: the pill says so and neither the keypad nor the number field takes input', async () => {
    const { el } = await phone({ online: false, callerId: '' });
    expect(part(el, 'presence')!.textContent!.trim()).to.equal('Offline');
    const keys = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="dial-key"]')];
    expect(keys.every((k) => k.matches(':disabled'))).to.equal(true);
    expect(part<HTMLInputElement>(el, 'number-input')!.disabled).to.equal(true);
    expect(part(el, 'call-button')!.disabled).to.equal(true);
  });
});

describe('<notify-phone> design: number entry', () => {
  it('calls a national number in E.164 with default-country, formatted as typed', async () => {
    const { el, driver } = await phone();
    el.defaultCountry = 'US';
    await loadPhoneLib();
    el.focus();
    await sendKeys({ type: '5551234567' });
    await el.updateComplete;
    expect(part<HTMLInputElement>(el, 'number-input')!.value).to.equal('(555) 123-4567');
    part(el, 'call-button')!.click();
    await waitUntil(() => driver.methods.includes('connect'), 'the national number was not called');
    expect(driver.log.find((e) => e.method === 'connect')!.args[0]).to.deep.equal({ To: '+15551234567' });
  });

  it('explains a number that cannot be called in place, until the input changes', async () => {
    const { el, driver, names } = await phone();
    el.number = '(555) 123-4567'; // national, but no default-country
    await el.updateComplete;
    part(el, 'call-button')!.click();
    const input = part<HTMLInputElement>(el, 'number-input')!;
    await waitUntil(() => input.getAttribute('aria-invalid') === 'true');
    const hint = el.shadowRoot!.getElementById(input.getAttribute('aria-describedby')!)!;
    expect(hint.textContent).to.contain('country code');
    expect(driver.methods).not.to.include('connect');
    expect(names()).not.to.include('notify-error');
    input.value = '+1 (555) 123-4567';
    input.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(input.getAttribute('aria-invalid')).to.equal('false');
    expect(hint.textContent!.trim()).to.equal('');
  });

  it('types + with the + key or by holding 0, never in a call', async () => {
    const { el } = await phone();
    el.focus();
    await sendKeys({ type: '+1' });
    expect(el.number).to.equal('+1');
    el.number = '';
    const zero = part(el, 'dial-pad')!.querySelector<HTMLButtonElement>('[data-key="0"]')!;
    zero.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    await new Promise((resolve) => setTimeout(resolve, 700));
    zero.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
    zero.click();
    await el.updateComplete;
    expect(el.number, 'held 0').to.equal('+');
    zero.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    zero.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
    zero.click();
    expect(el.number).to.equal('+0');
  });

  it('a friendly error clears with the next call that starts', async () => {
    const ctx = await reach('error');
    expect(part(ctx.el, 'error')!.textContent).to.contain('could not be connected');
    ctx.el.call('+15551234567');
    await waitUntil(() => ctx.driver.methods.filter((m) => m === 'connect').length === 2);
    await ctx.el.updateComplete;
    expect(part(ctx.el, 'error')).to.equal(null);
  });
});

describe('<notify-phone> design: sound and the autoplay rules', () => {
  /** A page the user has not interacted with yet (or has), with an AudioContext that starts suspended. */
  function audioPolicy(hasBeenActive: boolean) {
    const real = window.AudioContext;
    const resumed: boolean[] = [];
    class SuspendedContext {
      state = 'suspended';
      async resume() {
        this.state = 'running';
        resumed.push(true);
      }
      async close() {}
    }
    window.AudioContext = SuspendedContext as unknown as typeof AudioContext;
    Object.defineProperty(navigator, 'userActivation', { value: { hasBeenActive }, configurable: true });
    const restore = () => {
      window.AudioContext = real;
      delete (navigator as { userActivation?: unknown }).userActivation;
    };
    return { resumed, restore };
  }

  it('says when the browser blocks sound and turns it on with one click', async () => {
    const policy = audioPolicy(false);
    try {
      const { el } = await phone();
      await el.updateComplete;
      expect(part(el, 'sound-notice')!.textContent).to.contain('Sound is off');
      await expect(el).to.be.accessible();
      part(el, 'enable-sound-button')!.click();
      await el.updateComplete;
      expect(part(el, 'sound-notice')).to.equal(null);
      expect(policy.resumed).to.deep.equal([true]);
    } finally {
      policy.restore();
    }
  });

  it('shows no notice once the page has been interacted with', async () => {
    const policy = audioPolicy(true);
    try {
      const { el } = await phone();
      await el.updateComplete;
      expect(part(el, 'sound-notice')).to.equal(null);
    } finally {
      policy.restore();
    }
  });
});
