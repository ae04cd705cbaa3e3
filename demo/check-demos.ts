/**
 * Drives every demo page in Chromium (playwright-core + /usr/bin/chromium) against the real stack:
 * sign in, go online, place a call to a virtual phone through the page's own UI, send digits, hang up,
 * and checks what the phone heard. With `--screenshots` it also renders the element's states with the
 * fake driver into docs/screenshots/*.png.
 *
 *   npm run build && npx tsx demo/check-demos.ts [--screenshots]
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_NUMBER, startStack, type Stack } from '../scripts/stack.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT = 20_000;

async function heard(stack: Stack, number: string): Promise<string> {
  // Through the stack's own app: its certificate is self-signed.
  const response = await stack.app.inject({
    method: 'GET',
    url: `/emulator/phones/${encodeURIComponent(number)}`,
  });
  const body = response.json() as { calls: Array<{ digits: string }> };
  return body.calls.at(-1)?.digits ?? '';
}

async function phoneCall(
  stack: Stack,
  number: string,
): Promise<{ state: string; digitsSentByTwilio?: string } | undefined> {
  const response = await stack.app.inject({
    method: 'GET',
    url: `/emulator/phones/${encodeURIComponent(number)}`,
  });
  return (response.json() as { calls: Array<{ state: string; digitsSentByTwilio?: string }> }).calls.at(-1);
}

/**
 * Waits until the phone at `number` receives the page's audio: ICE, DTLS and SRTP are up, so in-band DTMF
 * goes out (digits sent before that would be lost).
 */
async function mediaUp(stack: Stack, number: string): Promise<void> {
  await until(`${number} receives the page's audio`, async () => {
    const response = await stack.app.inject({
      method: 'GET',
      url: `/emulator/phones/${encodeURIComponent(number)}`,
    });
    const body = response.json() as { calls: Array<{ audioPacketsReceived: number }> };
    return (body.calls.at(-1)?.audioPacketsReceived ?? 0) > 0;
  });
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + TIMEOUT;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out: ${what}`);
}

/** Dials `number` through the element's UI, presses 1 2 3 on its keypad and hangs up. */
async function callThroughElement(page: Page, stack: Stack, number: string): Promise<void> {
  const phone = page.locator('notify-phone');
  await phone.and(page.locator('[online]')).waitFor({ timeout: TIMEOUT });
  await phone.locator('[part~="number-input"]').fill(number);
  await phone.locator('[part~="number-input"]').press('Enter');
  await page.locator('notify-phone[status="open"]').waitFor({ timeout: TIMEOUT });
  await mediaUp(stack, number);
  for (const key of ['1', '2', '3']) await phone.locator(`[data-key="${key}"]`).click();
  await until(`${number} heard 123`, async () => (await heard(stack, number)) === '123');
  await phone.locator('[part~="hangup-button"]').click();
  await page.locator('notify-phone:not([in-call])').waitFor({ timeout: TIMEOUT });
}

/**
 * The page's #log shows the call's start and end with the same call id: the framework's handlers of
 * notify-call-start and notify-call-disconnect ran with the typed event.
 */
async function loggedCall(page: Page): Promise<void> {
  const log = page.locator('#log');
  const started = (await log.getByText('notify-call-start ').first().textContent({ timeout: TIMEOUT })) ?? '';
  const callId = started.replace('notify-call-start ', '').trim();
  if (!callId) throw new Error(`notify-call-start without a call id: "${started}"`);
  await log.getByText(`notify-call-disconnect ${callId}`).waitFor({ timeout: TIMEOUT });
}

/**
 * The AngularJS and Angular pages: the framework binds the caller ID, `strings` (an object property) and
 * `available` into the element and renders its state from the element's events (#state, #log). The page
 * goes online, calls `number` through the element, and availability is bound both ways: the page's
 * checkbox → the element's switch, the element's switch → the page's state and checkbox.
 */
async function frameworkPage(page: Page, stack: Stack, framework: string, number: string): Promise<void> {
  const state = (name: string, value: string) =>
    page.locator('#state dt', { hasText: name }).locator('+ dd', { hasText: value });
  await page.getByRole('button', { name: 'Go online' }).click();
  await page.locator('notify-phone').getByText(`Ready (${framework})`).waitFor({ timeout: TIMEOUT });
  await state('online', 'true').waitFor({ timeout: TIMEOUT });
  await callThroughElement(page, stack, number);
  await loggedCall(page);
  await state('calls ended', '1').waitFor({ timeout: TIMEOUT });
  await state('in call', 'false').waitFor({ timeout: TIMEOUT });
  await page.getByText('available (bound both ways)').click();
  await page.locator('[part~="available-toggle"][aria-checked="true"]').waitFor({ timeout: TIMEOUT });
  await state('available', 'true').waitFor({ timeout: TIMEOUT });
  await page.locator('[part~="available-toggle"]').click();
  await state('available', 'false').waitFor({ timeout: TIMEOUT });
  await page
    .getByRole('checkbox', { name: 'available (bound both ways)', checked: false })
    .waitFor({ timeout: TIMEOUT });
  const errors = await page.locator('#log').getByText('notify-error').allTextContents();
  if (errors.length) throw new Error(`errors: ${errors.join('; ')}`);
}

async function checkDemos(browser: Browser, stack: Stack): Promise<void> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['microphone'] });
  // Violations the console may not report (e.g. in workers) still fire this event on the document.
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') +
        ' (' + event.sourceFile + ':' + event.lineNumber + ')');
    });`,
  });
  const pages: Array<[string, (page: Page) => Promise<void>]> = [
    [
      'index.html',
      async (page) => {
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('button', { name: 'Go online' }).click();
        await callThroughElement(page, stack, '+15551250001');
        // "Have a virtual phone call me": the element rings, the agent picks up with its button, the
        // page's log shows the incoming call, and the agent hangs up.
        const phone = page.locator('notify-phone');
        await page.getByRole('button', { name: 'Have a virtual phone call me' }).click();
        await page.locator('notify-phone[ringing]').waitFor({ timeout: TIMEOUT });
        await page.locator('#log').getByText('notify-incoming-call').waitFor({ timeout: TIMEOUT });
        await phone.locator('[part~="pickup-button"]').click();
        await page.locator('notify-phone[status="open"]').waitFor({ timeout: TIMEOUT });
        await until('the calling phone is connected', async () => {
          const call = await phoneCall(stack, '+15557770123');
          return call?.state === 'in-progress';
        });
        await phone.locator('[part~="hangup-button"]').click();
        await page.locator('notify-phone:not([in-call])').waitFor({ timeout: TIMEOUT });
      },
    ],
    [
      'vue.html',
      async (page) => {
        await page.getByRole('button', { name: 'Go online' }).click();
        await callThroughElement(page, stack, '+15551250002');
        await page.getByText('available (bound both ways)').click();
        await page.locator('[part~="available-toggle"][aria-checked="true"]').waitFor({ timeout: TIMEOUT });
      },
    ],
    [
      'react.html',
      async (page) => {
        await page.getByRole('button', { name: 'Go online' }).click();
        // The wrapper set `strings` as an object property, and onNotifyOnline ran with the element's ref.
        await page.locator('notify-phone').getByText('Ready (React)').waitFor({ timeout: TIMEOUT });
        await page.locator('#log').getByText('notify-online (status ').waitFor({ timeout: TIMEOUT });
        await callThroughElement(page, stack, '+15551250003');
        await loggedCall(page);
      },
    ],
    [
      'angularjs.html',
      async (page) => {
        await frameworkPage(page, stack, 'AngularJS', '+15551250004');
        // ng-attr-caller-id set the attribute (the other bindings are properties).
        await page.locator('notify-phone[caller-id="+15005550006"]').waitFor({ timeout: TIMEOUT });
      },
    ],
    ['angular.html', (page) => frameworkPage(page, stack, 'Angular', '+15551250005')],
    [
      'legacy.html',
      async (page) => {
        const log = page.locator('#log');
        const logged = (text: string, times = 1) =>
          until(
            `the log shows "${text}" ×${times}`,
            async () => (await log.getByText(text).count()) >= times,
          );
        // $j is jQuery's alias, as on ServiceNow pages (jQuery.noConflict(): $ is left alone).
        const alias = await page.evaluate(() => {
          const w = globalThis as unknown as {
            $j?: unknown;
            jQuery?: { fn: { jquery: string } };
            $?: unknown;
          };
          return w.$j === w.jQuery && typeof w.$j === 'function' && w.$ === undefined
            ? w.jQuery!.fn.jquery
            : '';
        });
        if (!alias) throw new Error('$j is not the page’s jQuery alias');
        // The constructor example and the multiple-listeners example: every listener fires, dereg() stops one.
        await logged('first example: ONLINE');
        await logged('ONLINE []');
        await logged('second ONLINE listener');
        await page.locator('#callNumberBtn').click();
        await logged('CALL_START');
        await mediaUp(stack, '+18001112223');
        await page.locator('#dtmfBtn').click();
        await until('+18001112223 heard 1246', async () => (await heard(stack, '+18001112223')) === '1246');
        // mute("true") mutes.
        await page.locator('#muteBtn').click();
        await logged('CALL_MUTE []');
        if (
          !(await page.evaluate(() =>
            (globalThis as unknown as { notifyClient: { isMuted(): boolean } }).notifyClient.isMuted(),
          ))
        )
          throw new Error('mute("true") did not mute');
        await page.locator('#statusBtn').click();
        await logged('getStatus(): open');
        await page.locator('#availableBtn').click();
        await logged('available clients: [');
        // forwardCall({type: "number", id: "+17012345678", dtmf: "1234"}): the phone is moved there, with the digits.
        await page.locator('#forwardBtn').click();
        await logged('CALL_DISCONNECT');
        await until('+17012345678 answered the forwarded call and got 1234', async () => {
          const call = await phoneCall(stack, '+17012345678');
          return call?.state === 'in-progress' && call.digitsSentByTwilio === '1234';
        });
        await stack.app.inject({
          method: 'POST',
          url: `/emulator/phones/${encodeURIComponent('+17012345678')}/hangup`,
        });
        // pickupCall(): a phone calls the Notify number; the page picks up, then hangs up.
        await stack.app.inject({
          method: 'POST',
          url: `/emulator/phones/${encodeURIComponent('+15551250009')}/dial`,
          payload: { to: DEMO_NUMBER },
        });
        await logged('INCOMING_CALL');
        await page.locator('#pickupCallBtn').click();
        await logged('CALL_START', 2);
        await page.locator('#hangupCallBtn').click();
        await logged('CALL_DISCONNECT', 2);
        if (await log.getByText('never logged').count()) throw new Error('a de-registered listener fired');
        const errors = await log.getByText('ERROR').allTextContents();
        if (errors.length) throw new Error(`errors: ${errors.join('; ')}`);
      },
    ],
  ];
  let failed = 0;
  for (const [path, drive] of pages) {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    // A demo asks for nothing that is missing or malformed (a favicon 404, a status poll's 400).
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    // The stack serves each page with its CSP (scripts/demo-csp.ts): any violation is a failure.
    page.on('console', (message) => {
      if (/Content Security Policy|CSP violation/i.test(message.text())) problems.push(message.text());
    });
    const start = performance.now();
    try {
      await page.goto(`${stack.origin}/${path}`);
      await drive(page);
      if (problems.length) throw new Error(problems.join('\n'));
      const seconds = ((performance.now() - start) / 1000).toFixed(1);
      console.log(`ok    ${path} (${seconds} s): signed in, online, called, digits heard, hung up`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL  ${path}: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
      for (const problem of problems.slice(0, 5)) console.log(`      page: ${problem.slice(0, 300)}`);
      console.log(
        `      log: ${(
          await page
            .locator('#log')
            .textContent()
            .catch(() => '')
        )?.slice(0, 400)}`,
      );
    } finally {
      await page.close();
    }
  }
  await context.close();
  console.log(`demos: ${pages.length - failed} passed, ${failed} failed`);
  if (failed) process.exitCode = 1;
}

/** The element with the fake driver and backend, bundled for a blank page. */
async function fixtureBundle(): Promise<string> {
  const result = await build({
    stdin: {
      contents: `
        import './src/element/define.ts';
        import { FakeDriver } from './src/drivers/fake-driver.ts';
        import { FakeBackend } from './test/browser/unit/helpers/fake-backend.ts';
        window.mountPhone = async (attributes = {}, history = []) => {
          const backend = new FakeBackend();
          backend.clients = [{ sys_id: 'u2', name: 'Grace Hopper' }, { sys_id: 'u3', name: 'Alan Turing' }];
          backend.history = history;
          const driver = new FakeDriver();
          const el = document.createElement('notify-phone');
          el.config = { backend, driverFactory: () => driver };
          for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
          document.querySelector('#stage').append(el);
          const until = (check) => new Promise((resolve) => {
            const poll = () => (check() ? resolve() : setTimeout(poll, 20));
            poll();
          });
          if (el.callerId && /^\\+/.test(el.callerId)) await until(() => el.online);
          return { el, driver, until };
        };
        // The call timer's text, for shots that show a running call.
        window.timer = (el) => el.shadowRoot.querySelector('[part~="timer"]')?.textContent.trim();
        // The first listed call's timer (a held call has no timer in the status line).
        window.callTimer = (el) => el.shadowRoot.querySelector('[part~="call-timer"]')?.textContent.trim();
      `,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    write: false,
    // package.json's sideEffects (for consumers' bundlers) does not list define.ts; here it must run.
    ignoreAnnotations: true,
    tsconfig: `${root}tsconfig.json`,
  });
  return result.outputFiles[0].text;
}

async function screenshots(browser: Browser): Promise<void> {
  const bundle = await fixtureBundle();
  const dir = `${root}docs/screenshots`;
  await mkdir(dir, { recursive: true });
  // Recent calls: a missed call not yet seen, a colleague's call, a call placed that was not answered.
  const minutesAgo = (m: number) => JSON.stringify(new Date(Date.now() - m * 60_000).toISOString());
  const history = `[
    { sys_id: 'h1', callSid: 'CA1', parentCallSid: 'CA0', direction: 'inbound', status: 'no-answer',
      outcome: 'missed', duration: 0, startedAt: ${minutesAgo(3)}, number: '+15559876543', colleague: null },
    { sys_id: 'h2', callSid: 'CA2', parentCallSid: 'CA9', direction: 'inbound', status: 'completed',
      outcome: 'answered', duration: 312, startedAt: ${minutesAgo(42)}, number: null,
      colleague: { sys_id: 'u2', name: 'Grace Hopper' } },
    { sys_id: 'h3', callSid: 'CA3', parentCallSid: null, direction: 'outbound', status: 'completed',
      outcome: 'answered', duration: 95, startedAt: ${minutesAgo(75)}, number: '+15551234567', colleague: null },
    { sys_id: 'h4', callSid: 'CA4', parentCallSid: null, direction: 'outbound', status: 'completed',
      outcome: 'unanswered', duration: 0, startedAt: ${minutesAgo(190)}, number: '+15550001234', colleague: null },
  ]`;
  const openHistory = `const { el, until } = await mountPhone({ 'caller-id': '+15550100001' }, ${history});
       const panel = () => el.shadowRoot.querySelector('notify-call-history').shadowRoot;
       await until(() => panel().querySelector('[part="missed-count"]'));`;
  const shots: Array<[string, 'light' | 'dark', string]> = [
    [
      'idle',
      'light',
      `const { el } = await mountPhone({ 'caller-id': '+15550100001', number: '+15551234567' });`,
    ],
    [
      'ringing',
      'light',
      `const { el, driver } = await mountPhone({ 'caller-id': '+15550100001', 'skip-parent-id': '' });
       driver.receive({ from: '+15559876543' });`,
    ],
    [
      'in-call',
      'light',
      `const { el, driver, until } = await mountPhone({ 'caller-id': '+15550100001' });
       el.call('+15551234567'); await until(() => driver.call); driver.answer();
       await until(() => el.shadowRoot.querySelector('[part~="forward-button"]'));
       for (const k of ['1', '2', '3', '#']) el.shadowRoot.querySelector('[data-key="' + k + '"]').click();
       el.mute(true); await until(() => timer(el) >= '0:02');`,
    ],
    ['error', 'light', `const { el } = await mountPhone({ 'caller-id': '555-CALL' });`],
    [
      'in-call-dark',
      'dark',
      `const { el, driver, until } = await mountPhone({ 'caller-id': '+15550100001' });
       el.call('+15551234567'); await until(() => driver.call); driver.answer();
       await until(() => el.shadowRoot.querySelector('[part~="forward-button"]'));
       await until(() => timer(el) >= '0:01');`,
    ],
    [
      'forward-dialog',
      'light',
      `const { el, driver, until } = await mountPhone({ 'caller-id': '+15550100001' });
       el.call('+15551234567'); await until(() => driver.call); driver.answer();
       await until(() => el.shadowRoot.querySelector('[part~="forward-button"]'));
       el.shadowRoot.querySelector('[part~="forward-button"]').click();
       await until(() => el.shadowRoot.querySelector('[part~="forward-agents"]'));`,
    ],
    [
      'call-waiting',
      'light',
      `const { el, driver, until } = await mountPhone({ 'caller-id': '+15550100001', 'skip-parent-id': '', 'call-waiting': 'ring' });
       el.call('+15551234567'); await until(() => driver.call); driver.answer();
       await until(() => timer(el) >= '0:01');
       driver.receive({ from: '+15559876543' });
       await until(() => el.shadowRoot.querySelector('[part~="waiting"]'));`,
    ],
    [
      'on-hold',
      'light',
      `const { el, driver, until } = await mountPhone({ 'caller-id': '+15550100001' });
       el.call('+15551234567'); await until(() => driver.call); driver.answer();
       await until(() => el.shadowRoot.querySelector('[part~="hold-button"]'));
       await el.holdCall(); await until(() => callTimer(el) >= '0:01');`,
    ],
    [
      'consulting',
      'light',
      `const { el, driver, until } = await mountPhone({ 'caller-id': '+15550100001' });
       await el.getAvailableClients();
       el.call('+15551234567'); await until(() => driver.call); driver.answer();
       const caller = driver.call;
       await until(() => el.shadowRoot.querySelector('[part~="hold-button"]'));
       await until(() => timer(el) >= '0:01');
       await el.transferCall({ type: 'userId', id: 'u2' });
       await until(() => driver.call && driver.call !== caller); driver.answer();
       await until(() => !el.shadowRoot.querySelector('[part~="complete-transfer-button"]').disabled);`,
    ],
    [
      'call-list',
      'light',
      `const { el, driver, until } = await mountPhone({ 'caller-id': '+15550100001', 'skip-parent-id': '', 'call-waiting': 'ring' });
       el.call('+15551234567'); await until(() => driver.call); driver.answer();
       await until(() => timer(el) >= '0:02');
       driver.receive({ from: '+15559876543' });
       await until(() => el.shadowRoot.querySelector('[part~="answer-hold-button"]'));
       el.pickupCall(); await until(() => driver.methods.includes('accept')); driver.answer();
       await until(() => el.shadowRoot.querySelector('[part~="resume-button"]'));
       await until(() => timer(el) >= '0:01');`,
    ],
    ['history-missed', 'light', openHistory],
    [
      'history',
      'light',
      `${openHistory}
       panel().querySelector('summary').click();
       await until(() => !panel().querySelector('[part="missed-count"]'));`,
    ],
    [
      'history-dark',
      'dark',
      `${openHistory}
       panel().querySelector('summary').click();
       await until(() => !panel().querySelector('[part="missed-count"]'));`,
    ],
  ];
  for (const [name, scheme, script] of shots) {
    const page = await browser.newPage({ colorScheme: scheme, viewport: { width: 520, height: 760 } });
    await page.setContent(
      `<!doctype html><html lang="en"><body style="margin:0;padding:24px;background:${
        scheme === 'dark' ? '#0f1013' : '#f4f5f7'
      }"><div id="stage"></div><script type="module">${bundle}</script></body></html>`,
    );
    await page.waitForFunction(() => 'mountPhone' in globalThis);
    await page.evaluate(`(async () => { ${script}; await el.updateComplete; })()`);
    await page.waitForTimeout(100);
    const target = name === 'forward-dialog' ? page : page.locator('notify-phone');
    await target.screenshot({ path: `${dir}/${name}.png` });
    console.log(`wrote docs/screenshots/${name}.png`);
    await page.close();
  }
}

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  if (process.argv.includes('--screenshots')) await screenshots(browser);
  if (!process.argv.includes('--only-screenshots')) {
    const stack = await startStack();
    try {
      await checkDemos(browser, stack);
    } finally {
      await stack.close();
    }
  }
} finally {
  await browser.close();
}
