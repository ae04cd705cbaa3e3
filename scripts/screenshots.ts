/**
 * Screenshots of every state of <notify-phone> into docs/screenshots/*.png (shown in the README), rendered in
 * Chromium (playwright-core + /usr/bin/chromium) from the sources with the fake driver and backend, so each
 * state is reached exactly (a real call cannot be held at "ringing out" for a picture). The states' behaviour
 * is tested through the real stack by the end-to-end tests.
 *
 *   npx tsx scripts/screenshots.ts          # every state
 *   npx tsx scripts/screenshots.ts idle dark-in-call   # some
 *   npx tsx demo/check-demos.ts --screenshots          # the same, then the demo pages' checks
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));

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
          // The lazily loaded parts (agents, recent calls) are in every online picture.
          if (el.online) await until(() => el.shadowRoot.querySelector('[part~="agents"]'));
          return { el, driver, until };
        };
        // The call timer's text, for shots that show a running call.
        window.timer = (el) => el.shadowRoot.querySelector('[part~="timer"]')?.textContent.trim();
        // The first listed call's timer (a held call has no timer in the status line).
        window.callTimer = (el) => el.shadowRoot.querySelector('[part~="call-timer"]')?.textContent.trim();
        window.part = (el, name) => el.shadowRoot.querySelector('[part~="' + name + '"]');
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
  return result.outputFiles[0]!.text;
}

const ONLINE = `'caller-id': '+15550100001', available: ''`;
const inCall = `const { el, driver, until } = await mountPhone({ ${ONLINE} });
  el.call('+15551234567'); await until(() => driver.call); driver.answer();
  await until(() => part(el, 'hold-button'));`;

/** One picture: its file name, scheme, width of the page's column (the element fills it) and how it is reached. */
interface Shot {
  name: string;
  scheme?: 'light' | 'dark';
  width?: number;
  /** The whole page instead of the element (a modal dialog). */
  page?: boolean;
  script: string;
}

function shots(): Shot[] {
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
  const openHistory = `const { el, until } = await mountPhone({ ${ONLINE} }, ${history});
       const panel = () => el.shadowRoot.querySelector('notify-call-history').shadowRoot;
       await until(() => panel().querySelector('[part="missed-count"]'));`;
  const idle = `const { el } = await mountPhone({ ${ONLINE}, 'default-country': 'US', number: '(555) 123-4567' });`;
  const ringing = `const { el, driver } = await mountPhone({ ${ONLINE}, 'skip-parent-id': '' });
       driver.receive({ from: '+15559876543' });`;
  return [
    { name: 'idle', script: idle },
    { name: 'idle-280', width: 280, script: idle },
    { name: 'idle-480', width: 480, script: idle },
    { name: 'offline', script: `const { el } = await mountPhone({});` },
    {
      name: 'unavailable',
      script: `const { el } = await mountPhone({ 'caller-id': '+15550100001' });`,
    },
    {
      name: 'invalid-number',
      script: `const { el, until } = await mountPhone({ ${ONLINE} });
       el.number = '12345'; await el.updateComplete; part(el, 'call-button').click();
       await until(() => part(el, 'number-input').getAttribute('aria-invalid') === 'true');`,
    },
    {
      name: 'dialling',
      script: `const { el, driver, until } = await mountPhone({ ${ONLINE} });
       el.call('+15551234567'); await until(() => driver.call);`,
    },
    {
      name: 'ringing-out',
      script: `const { el, driver, until } = await mountPhone({ ${ONLINE} });
       el.call('+15551234567'); await until(() => driver.call); driver.ring();`,
    },
    {
      name: 'in-call',
      script: `${inCall}
       for (const k of ['1', '2', '3', '#']) el.shadowRoot.querySelector('[data-key="' + k + '"]').click();
       await until(() => timer(el) >= '0:02');`,
    },
    { name: 'muted', script: `${inCall} el.mute(true); await until(() => timer(el) >= '0:01');` },
    { name: 'ringing', script: ringing },
    { name: 'ringing-320', width: 320, script: ringing },
    {
      name: 'error',
      script: `${inCall} driver.failCall(); await until(() => part(el, 'error'));`,
    },
    {
      name: 'sound-blocked',
      // As a browser without --autoplay-policy=no-user-gesture-required sees a page nobody has clicked yet.
      script: `window.AudioContext = class { state = 'suspended'; async resume() {} async close() {} };
       Object.defineProperty(navigator, 'userActivation', { value: { hasBeenActive: false } });
       const { el, until } = await mountPhone({ ${ONLINE} });
       await until(() => part(el, 'sound-notice'));`,
    },
    { name: 'bad-caller-id', script: `const { el } = await mountPhone({ 'caller-id': '555-CALL' });` },
    { name: 'dark-idle', scheme: 'dark', script: idle },
    { name: 'dark-in-call', scheme: 'dark', script: `${inCall} await until(() => timer(el) >= '0:01');` },
    { name: 'dark-ringing', scheme: 'dark', script: ringing },
    {
      name: 'forward-dialog',
      page: true,
      script: `${inCall}
       part(el, 'forward-button').click();
       await until(() => part(el, 'forward-agents'));`,
    },
    {
      name: 'call-waiting',
      script: `const { el, driver, until } = await mountPhone({ ${ONLINE}, 'skip-parent-id': '', 'call-waiting': 'ring' });
       el.call('+15551234567'); await until(() => driver.call); driver.answer();
       await until(() => timer(el) >= '0:01');
       driver.receive({ from: '+15559876543' });
       await until(() => part(el, 'waiting'));`,
    },
    {
      name: 'on-hold',
      script: `${inCall} await el.holdCall(); await until(() => callTimer(el) >= '0:01');`,
    },
    {
      name: 'transferred',
      script: `const { el, driver, until } = await mountPhone({ ${ONLINE} });
       await el.getAvailableClients();
       el.call('+15551234567'); await until(() => driver.call); driver.answer();
       await until(() => part(el, 'hold-button'));
       el.forwardCall({ type: 'userId', id: 'u2' }); driver.remoteHangup();
       await until(() => part(el, 'status').textContent.includes('Transferred to'));`,
    },
    {
      name: 'incoming-transfer',
      script: `const { el, driver, until } = await mountPhone({ ${ONLINE} });
       driver.receive({ from: '+15559876543', params: { transferredBy: 'Ada Lovelace' } });
       await until(() => part(el, 'transferred-by'));`,
    },
    {
      name: 'consulting',
      script: `const { el, driver, until } = await mountPhone({ ${ONLINE} });
       await el.getAvailableClients();
       el.call('+15551234567'); await until(() => driver.call); driver.answer();
       const caller = driver.call;
       await until(() => part(el, 'hold-button'));
       await until(() => timer(el) >= '0:01');
       await el.transferCall({ type: 'userId', id: 'u2' });
       await until(() => driver.call && driver.call !== caller); driver.answer();
       await until(() => !part(el, 'complete-transfer-button').disabled);`,
    },
    {
      name: 'call-list',
      script: `const { el, driver, until } = await mountPhone({ ${ONLINE}, 'skip-parent-id': '', 'call-waiting': 'ring' });
       el.call('+15551234567'); await until(() => driver.call); driver.answer();
       await until(() => timer(el) >= '0:02');
       driver.receive({ from: '+15559876543' });
       await until(() => part(el, 'answer-hold-button'));
       el.pickupCall(); await until(() => driver.methods.includes('accept')); driver.answer();
       await until(() => part(el, 'resume-button'));
       await until(() => timer(el) >= '0:01');`,
    },
    { name: 'history-missed', script: openHistory },
    {
      name: 'history',
      script: `${openHistory}
       panel().querySelector('summary').click();
       await until(() => !panel().querySelector('[part="missed-count"]'));`,
    },
    {
      name: 'history-dark',
      scheme: 'dark',
      script: `${openHistory}
       panel().querySelector('summary').click();
       await until(() => !panel().querySelector('[part="missed-count"]'));`,
    },
  ];
}

/** Renders the states named in `only` (all without), each in a fresh page. */
export async function screenshots(browser: Browser, only: string[] = []): Promise<void> {
  const bundle = await fixtureBundle();
  const dir = `${root}docs/screenshots`;
  await mkdir(dir, { recursive: true });
  for (const shot of shots().filter((s) => only.length === 0 || only.includes(s.name))) {
    const scheme = shot.scheme ?? 'light';
    const page = await browser.newPage({ colorScheme: scheme, viewport: { width: 560, height: 900 } });
    const background = scheme === 'dark' ? '#0f1013' : '#f4f5f7';
    await page.setContent(
      `<!doctype html><html lang="en"><body style="margin:0;padding:24px;background:${background}">` +
        `<div id="stage" style="inline-size:${shot.width ?? 320}px;--notify-phone-width:100%"></div>` +
        `<script type="module">${bundle}</script></body></html>`,
    );
    await page.waitForFunction(() => 'mountPhone' in globalThis);
    await page.evaluate(`(async () => { ${shot.script}; await el.updateComplete; })()`);
    await page.waitForTimeout(100);
    const target = shot.page ? page : page.locator('notify-phone');
    await target.screenshot({ path: `${dir}/${shot.name}.png`, animations: 'disabled' });
    console.log(`wrote docs/screenshots/${shot.name}.png`);
    await page.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    await screenshots(browser, process.argv.slice(2));
  } finally {
    await browser.close();
  }
}
