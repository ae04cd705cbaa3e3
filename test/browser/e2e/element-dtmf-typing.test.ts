/**
 * Digits typed on the keyboard during a call, as fast as key events come, through <notify-phone>, the real
 * SDK's RTCDTMFSender, Chromium's RTP and the emulator's RFC 4733 detection: the phone hears every digit, in
 * order, call after call (issue 12: a fast "1234567890" was heard as "123457890").
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { stack, signIn, phone, inboundAudioPackets } from './helpers.js';
import '/dist/notify-phone.js';

const TIMEOUT = { timeout: 20000, interval: 50 };
const TYPED = '1234567890';
/**
 * Milliseconds between key presses, one rhythm per call: a burst, then the paces of quick typists. The loss
 * showed when keys arrive while earlier tones still play (one tone takes about 300 ms in Chromium); the gaps are
 * the input's rhythm, not waits for anything.
 */
const RHYTHMS = [0, 80, 120, 160, 200];

type Phone = HTMLElement & { authToken?: string; updateComplete: Promise<boolean>; destroy(): void };

const part = (el: Phone, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('<notify-phone>: digits typed quickly during a call', function () {
  this.timeout(RHYTHMS.length * 30000);

  it(`are all heard by the phone, in order, ${RHYTHMS.length} calls in a row`, async () => {
    const el = document.createElement('notify-phone') as Phone;
    el.authToken = await signIn(`typing-${Math.random().toString(36).slice(2, 8)}`);
    el.setAttribute('backend', stack.backendUrl);
    el.setAttribute('lazy-vendor', '');
    el.setAttribute('caller-id', stack.demoNumber);
    document.body.append(el);
    await waitUntil(() => el.hasAttribute('online'), 'the element never came online', TIMEOUT);

    const heard: string[] = [];
    for (const [i, gapMs] of RHYTHMS.entries()) {
      const number = `+1555125${String(Date.now() % 1000).padStart(3, '0')}${i}`;
      el.focus();
      await sendKeys({ type: number });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => el.getAttribute('status') === 'open', 'the call never opened', TIMEOUT);
      await waitUntil(
        async () => (await phone(number)).calls.at(-1)?.state === 'in-progress',
        'the phone should answer',
        TIMEOUT,
      );
      // In-band DTMF needs the media path up (ICE + DTLS finish shortly after CALL_START).
      await waitUntil(async () => (await inboundAudioPackets()) > 0, 'the page received no RTP', TIMEOUT);
      await el.updateComplete;
      // Typed on the hang-up button, which has focus in a call, as a user types on the keyboard.
      part(el, 'hangup-button')!.focus();
      if (gapMs === 0) await sendKeys({ type: TYPED });
      else
        for (const key of TYPED) {
          await sendKeys({ press: key });
          await new Promise((resolve) => setTimeout(resolve, gapMs));
        }
      expect(part(el, 'dtmf')!.textContent!.trim(), 'the element shows what was typed').to.equal(TYPED);
      // Settled, not slept on: a closing '#' goes out after the typed digits, so once the phone hears it,
      // every typed digit has arrived or is lost.
      await sendKeys({ press: '#' });
      await waitUntil(
        async () => (await phone(number)).calls.at(-1)?.digits.endsWith('#') ?? false,
        `the phone never heard the closing # (heard "${(await phone(number)).calls.at(-1)?.digits}")`,
        TIMEOUT,
      );
      heard.push((await phone(number)).calls.at(-1)!.digits);
      part(el, 'hangup-button')!.click();
      await waitUntil(() => el.getAttribute('status') === 'closed', 'the call never closed', TIMEOUT);
      await el.updateComplete;
      el.focus();
      // Clear the kept number for the next call.
      const input = part(el, 'number-input') as HTMLInputElement | null;
      if (input) {
        input.focus();
        input.select();
        await sendKeys({ press: 'Backspace' });
      }
    }
    expect(heard, `heard, per rhythm ${RHYTHMS.join('/')} ms`).to.deep.equal(RHYTHMS.map(() => `${TYPED}#`));
    el.destroy();
    el.remove();
  });
});
