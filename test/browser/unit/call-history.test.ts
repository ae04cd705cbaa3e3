import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/element/define.js';
import { HttpNotifyBackend } from '../../../src/client/backend.js';
import type { CallHistoryEntry } from '../../../src/client/call-history.js';
import { NotifyError } from '../../../src/client/errors.js';
import type { NotifyConfig } from '../../../src/client/notify-client.js';
import { FakeDriver } from '../../../src/drivers/fake-driver.js';
import type { NotifyPhone } from '../../../src/element/notify-phone.js';
import { FAKE_USER, FakeBackend } from './helpers/fake-backend.js';
import { CALLER_ID, makeClient } from './helpers/setup.js';

/** Per user: people may share a browser. */
const SEEN_KEY = `notify-phone:calls-seen:${FAKE_USER}`;

/** A history entry; `n` orders them (a higher n is newer). */
function entry(n: number, fields: Partial<CallHistoryEntry> = {}): CallHistoryEntry {
  return {
    sys_id: `c${n}`.padEnd(32, '0'),
    callSid: `CA${String(n).padStart(32, '0')}`,
    parentCallSid: null,
    direction: 'outbound',
    status: 'completed',
    outcome: 'answered',
    duration: 65,
    startedAt: new Date(Date.UTC(2026, 11, 6, 9, n)).toISOString(),
    number: '+15551230000',
    colleague: null,
    ...fields,
  };
}

describe('NotifyClient.getCallHistory (our extension)', () => {
  it('reads one page with its options, calls back, and follows next; needs no session', async () => {
    const { client, backend, errors } = makeClient();
    backend.history = [entry(3), entry(2, { outcome: 'missed', direction: 'inbound' }), entry(1)];
    let called: unknown;
    const first = await client.getCallHistory({ limit: 2 }, (page) => (called = page));
    expect(called).to.equal(first);
    expect(first.calls.map((c) => c.callSid)).to.deep.equal([entry(3).callSid, entry(2).callSid]);
    expect(first.next).to.equal('2');
    expect(first.error).to.equal(undefined);
    const second = await client.getCallHistory({ limit: 2, cursor: first.next! });
    expect(second).to.deep.equal({ calls: [entry(1)], next: null });
    // A callback alone is accepted too.
    const all = await new Promise((resolve) => void client.getCallHistory(resolve));
    expect((all as { calls: unknown[] }).calls).to.have.length(3);
    expect(backend.historyQueries).to.deep.equal([{ limit: 2 }, { limit: 2, cursor: '2' }, {}]);
    expect(errors()).to.deep.equal([]);
  });

  it('refuses bad options with INVALID_ARGUMENT, reading nothing and keeping the state', async () => {
    const { client, backend, errors } = makeClient();
    const bad: unknown[] = [
      'recent',
      [1],
      { limit: 0 },
      { limit: 501 },
      { limit: 2.5 },
      { limit: '10' },
      { cursor: '' },
      { cursor: 7 },
      { cursor: 'x'.repeat(1025) },
    ];
    for (const options of bad) {
      const page = await client.getCallHistory(options as never);
      expect(page.calls, JSON.stringify(options)).to.deep.equal([]);
      expect(page.next).to.equal(null);
      expect(page.error?.code, JSON.stringify(options)).to.equal('INVALID_ARGUMENT');
    }
    expect(errors()).to.deep.equal(bad.map(() => 'INVALID_ARGUMENT'));
    expect(backend.historyQueries).to.deep.equal([]);
    expect(client.getDeviceState()).to.equal('offline');
  });

  it("reports the backend's coded error, and NOT_FOUND for a backend without call history", async () => {
    const { client, backend, errors } = makeClient();
    backend.historyError = new NotifyError('UNAUTHENTICATED');
    expect((await client.getCallHistory()).error?.code).to.equal('UNAUTHENTICATED');
    const bare = makeClient({ config: { backend: { ...backend, listCallHistory: undefined } as never } });
    expect((await bare.client.getCallHistory()).error?.code).to.equal('NOT_FOUND');
    expect(errors()).to.deep.equal(['UNAUTHENTICATED']);
    expect(bare.errors()).to.deep.equal(['NOT_FOUND']);
  });

  it('answers DESTROYED after destroy(), and for a read that destroy() overtook, reading nothing more', async () => {
    const { client, backend, errors } = makeClient();
    backend.history = [entry(1)];
    const pending = client.getCallHistory();
    client.destroy();
    expect((await pending).error?.code).to.equal('DESTROYED');
    const after = await client.getCallHistory({ limit: 1 });
    expect(after).to.deep.include({ calls: [], next: null });
    expect(after.error?.code).to.equal('DESTROYED');
    expect(backend.historyQueries).to.deep.equal([]);
    expect(errors()).to.deep.equal(['DESTROYED']);
  });

  it('HttpNotifyBackend reads GET /calls with limit and cursor, skipping malformed entries', async () => {
    const urls: string[] = [];
    const backend = new HttpNotifyBackend({
      backendUrl: 'https://backend.test/api',
      fetch: async (input) => {
        urls.push(String(input));
        return new Response(JSON.stringify({ calls: [entry(1), { nope: true }], next: 'abc' }), {
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    const { client } = makeClient({ config: { backend } });
    const page = await client.getCallHistory({ limit: 5, cursor: 'a b' });
    expect(urls).to.deep.equal(['https://backend.test/api/calls?limit=5&cursor=a+b']);
    expect(page).to.deep.equal({ calls: [entry(1)], next: 'abc' });

    const refusing = new HttpNotifyBackend({
      fetch: async () =>
        new Response(JSON.stringify({ error: { code: 'VALIDATION_FAILED', message: 'bad cursor' } }), {
          status: 400,
        }),
    });
    const other = makeClient({ config: { backend: refusing } });
    const refused = await other.client.getCallHistory({ cursor: 'forged' });
    expect(refused.error?.code).to.equal('BACKEND_ERROR');
    expect(refused.error?.message).to.equal('bad cursor');
  });
});

async function phone(history: CallHistoryEntry[]) {
  const backend = new FakeBackend();
  backend.history = history;
  const driver = new FakeDriver();
  const config: Partial<NotifyConfig> = { backend, driverFactory: () => driver };
  const el = await fixture<NotifyPhone>(
    html`<notify-phone caller-id=${CALLER_ID} skip-parent-id .config=${config}></notify-phone>`,
  );
  await waitUntil(() => el.online, 'element did not go online');
  const panel = () => el.shadowRoot!.querySelector('notify-call-history')!;
  const q = <T extends Element = HTMLElement>(selector: string) =>
    // The panel itself renders with the lazy parts (parts/desk.ts), once online.
    panel()?.shadowRoot?.querySelector<T>(selector) ?? null;
  await waitUntil(() => q('[part="history"]') !== null, 'the recent calls were not shown');
  const summary = () => q('summary')!;
  const entries = () =>
    [...panel().shadowRoot!.querySelectorAll('[part="history-entry"]')].map((li) =>
      li.textContent!.replace(/\s+/g, ' ').trim(),
    );
  return { el, backend, driver, panel, q, summary, entries };
}

describe('<notify-phone> recent calls', () => {
  beforeEach(() => localStorage.removeItem(SEEN_KEY));

  it('lists direction, who, outcome, duration and time, and counts the missed calls until seen', async () => {
    const ctx = await phone([
      entry(4, { direction: 'inbound', outcome: 'missed', duration: 0, number: '+15559990004' }),
      entry(3, {
        direction: 'inbound',
        colleague: { sys_id: 'u2'.padEnd(32, '0'), name: 'Bob' },
        number: null,
      }),
      entry(2, { direction: 'inbound', outcome: 'missed', duration: 0, number: null }),
      entry(1, { outcome: 'busy', duration: 0 }),
    ]);
    const { q, summary, entries } = ctx;
    expect(summary().textContent!.replace(/\s+/g, ' ').trim()).to.equal('Recent calls 2 missed');
    expect(q('[role="status"]')!.textContent!.trim()).to.equal('Missed calls: 2');
    const time = (n: number) => {
      const at = new Date(entry(n).startedAt);
      const today = at.toDateString() === new Date().toDateString();
      return at.toLocaleString(
        [],
        today ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' },
      );
    };
    expect(entries()).to.deep.equal([
      `+15559990004 ↙ Incoming, Missed · ${time(4)} Call`,
      `Bob ↙ Incoming, Answered · 1:05 · ${time(3)} Call`,
      `Unknown ↙ Incoming, Missed · ${time(2)}`,
      `+15551230000 ↗ Outgoing, Busy · ${time(1)} Call`,
    ]);
    expect(
      [...ctx.panel().shadowRoot!.querySelectorAll('[part="redial-button"]')].map((b) =>
        b.getAttribute('aria-label'),
      ),
    ).to.deep.equal(['Call +15559990004', 'Call Bob', 'Call +15551230000']);
    expect(q('time')!.getAttribute('datetime')).to.equal(entry(4).startedAt);
    // Seen: opening the list clears the count, also after a reload of the page (remembered).
    summary().click();
    await waitUntil(() => q('[part="missed-count"]') === null, 'the count did not clear');
    expect(q('[role="status"]')!.textContent!.trim()).to.equal('');
    expect(localStorage.getItem(SEEN_KEY)).to.equal(entry(4).startedAt);
    ctx.el.remove();
    const again = await phone([entry(4, { outcome: 'missed', direction: 'inbound' })]);
    expect(again.q('[part="missed-count"]')).to.equal(null);
  });

  it('reads the history again after a call, counting a new missed call', async () => {
    const { backend, driver, q, el } = await phone([entry(1)]);
    expect(q('[part="missed-count"]')).to.equal(null);
    backend.history = [
      entry(2, { direction: 'inbound', outcome: 'missed', number: '+15559990002' }),
      entry(1),
    ];
    driver.receive({ from: '+15559990002' });
    await el.updateComplete;
    driver.remoteCancel();
    await waitUntil(() => q('[part="missed-count"]') !== null, 'the missed call was not counted');
    expect(q('[part="missed-count"]')!.textContent).to.equal('1 missed');
    expect(q('[role="status"]')!.textContent!.trim()).to.equal('Missed calls: 1');
  });

  it('re-reads while a call still reads as active (its last status callback pending)', async () => {
    const { backend, q, entries } = await phone([entry(1, { outcome: 'active', duration: null })]);
    await waitUntil(() => entries()[0]?.includes('In progress'), 'the active call was not listed');
    const reads = backend.historyQueries.length;
    backend.history = [entry(1, { direction: 'inbound', outcome: 'missed', duration: 0 })];
    await waitUntil(() => q('[part="missed-count"]') !== null, 'the settled call was never read');
    expect(backend.historyQueries.length).to.be.greaterThan(reads);
    expect(entries()[0]).to.contain('Missed');
  });

  it('calls back a number or a colleague with one press, from the keyboard too', async () => {
    const ctx = await phone([
      entry(2, { colleague: { sys_id: 'u2'.padEnd(32, '0'), name: 'Bob' }, number: null }),
      entry(1, { number: '+15551239999' }),
    ]);
    const { driver, q, summary, el } = ctx;
    summary().focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => q<HTMLDetailsElement>('details')!.open, 'Enter did not open the list');
    await sendKeys({ press: 'Tab' });
    expect(q('[part="redial-button"]')!.getAttribute('aria-label')).to.equal('Call Bob');
    expect(ctx.panel().shadowRoot!.activeElement).to.equal(q('[part="redial-button"]'));
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => driver.methods.includes('connect'), 'no call placed');
    expect(driver.log.find((e) => e.method === 'connect')!.args[0]).to.deep.equal({
      To: `client:${'u2'.padEnd(32, '0')}`,
    });
    // In a call, calling back is disabled; after it, the number is one press away.
    await waitUntil(() => q<HTMLButtonElement>('[part="redial-button"]')!.disabled, 'not disabled in a call');
    el.hangupCall();
    await waitUntil(() => !q<HTMLButtonElement>('[part="redial-button"]')!.disabled, 'still disabled');
    q<HTMLButtonElement>('[part="history-entry"]:nth-child(2) [part="redial-button"]')!.click();
    await waitUntil(() => driver.methods.filter((m) => m === 'connect').length === 2, 'no second call');
    expect(driver.log.filter((e) => e.method === 'connect')[1]!.args[0]).to.deep.equal({
      To: '+15551239999',
    });
  });

  it("shows no recent calls, and no error, with a page's own backend that has no call history", async () => {
    const backend = new FakeBackend();
    (backend as { listCallHistory?: unknown }).listCallHistory = undefined;
    const driver = new FakeDriver();
    const el = await fixture<NotifyPhone>(
      html`<notify-phone
        caller-id=${CALLER_ID}
        skip-parent-id
        .config=${{ backend, driverFactory: () => driver }}
      ></notify-phone>`,
    );
    await waitUntil(() => el.online, 'element did not go online');
    // Rendered with the lazy parts (parts/desk.ts), once online.
    await waitUntil(
      () => el.shadowRoot!.querySelector('notify-call-history')?.shadowRoot,
      'the recent calls were never defined',
    );
    const panel = el.shadowRoot!.querySelector('notify-call-history')!;
    // A call ends (the panel reads again after each): still nothing read, nothing reported.
    el.call('+15551234567');
    await waitUntil(() => driver.call !== null);
    el.hangupCall();
    await el.updateComplete;
    expect(panel.shadowRoot!.querySelector('[part="history"]')).to.equal(null);
    expect(el.error).to.equal(null);
  });

  it('shows an empty history, and is accessible open, with missed calls, in both schemes', async () => {
    const empty = await phone([]);
    empty.summary().click();
    await waitUntil(() => empty.q('[part="history-empty"]') !== null);
    expect(empty.q('[part="history-empty"]')!.textContent).to.equal('No calls yet');
    await expect(empty.el).to.be.accessible();
    const { el, summary } = await phone([
      entry(2, { direction: 'inbound', outcome: 'missed', duration: 0 }),
      entry(1, { colleague: { sys_id: 'u2'.padEnd(32, '0'), name: 'Bob' }, number: null }),
    ]);
    await expect(el).to.be.accessible();
    summary().click();
    await expect(el).to.be.accessible();
    el.style.setProperty('--notify-phone-color-scheme', 'dark');
    await expect(el).to.be.accessible();
  });
});
