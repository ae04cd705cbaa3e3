import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/element/define.js';
import type { NotifyConfig } from '../../../src/client/notify-client.js';
import { FakeDriver } from '../../../src/drivers/fake-driver.js';
import { clientConfig } from '../../../src/element/client-config.js';
import type { NotifyPhone } from '../../../src/element/notify-phone.js';
import { CALLER_ID } from './helpers/setup.js';
import { phone } from './helpers/element.js';

describe('<notify-phone> configuration on a running phone', () => {
  const realFetch = window.fetch;
  afterEach(() => {
    window.fetch = realFetch;
  });

  it('a new authToken reaches the running backend client, without a new client or session', async () => {
    const requests: { url: string; authorization: string | undefined }[] = [];
    window.fetch = async (input, init) => {
      const headers = (init?.headers ?? {}) as Record<string, string>;
      requests.push({ url: String(input), authorization: headers.Authorization });
      return new Response(JSON.stringify({ error: { code: 'BACKEND_ERROR', message: 'down' } }), {
        status: 503,
        headers: { 'Content-Type': 'application/json' },
      });
    };
    const driver = new FakeDriver();
    const config: Partial<NotifyConfig> = { driverFactory: () => driver };
    const el = await fixture<NotifyPhone>(
      html`<notify-phone caller-id=${CALLER_ID} backend="/stub-api" .config=${config}></notify-phone>`,
    );
    el.authToken = 'first-token';
    await el.updateComplete;
    await waitUntil(() => requests.length > 0, 'the phone sent no request');
    const before = requests.length;
    el.authToken = 'second-token';
    await el.updateComplete;
    await el.getAvailableClients();
    const later = requests.slice(before);
    expect(later.map((r) => r.authorization)).to.deep.equal(['Bearer second-token']);
    // The same client: one session request in all (a restart would have created another).
    expect(requests.filter((r) => r.url.endsWith('/sessions'))).to.have.length(1);
    el.remove();
  });

  it('call-waiting, display-name and force-refresh-token start a new session with the new value', async () => {
    const { el, backend } = await phone();
    const sessions = () =>
      backend.log
        .filter((e) => e.method === 'createSession')
        .map((e) => e.args[0] as { name?: string; callWaiting?: string });
    expect(sessions()).to.have.length(1);
    expect(sessions()[0]!.callWaiting).to.equal(undefined);
    for (const [attribute, value, check] of [
      ['call-waiting', 'ring', () => expect(sessions().at(-1)!.callWaiting).to.equal('ring')],
      ['display-name', 'Ada', () => expect(sessions().at(-1)!.name).to.equal('Ada')],
      ['force-refresh-token', 'false', () => expect(el.forceRefreshToken).to.equal(false)],
    ] as const) {
      const before = sessions().length;
      el.setAttribute(attribute, value);
      await waitUntil(() => sessions().length === before + 1 && el.online, `${attribute} did not restart`);
      check();
    }
    // The old sessions were deleted as each client was destroyed.
    expect(backend.methods.filter((m) => m === 'deleteSession')).to.have.length(3);
    expect(el.forceRefreshToken).to.equal(false);
  });

  it('share-tabs (present) and its absence map to notifyConfig.shareTabs, with the other settings kept', () => {
    const el = document.createElement('notify-phone') as NotifyPhone;
    el.setAttribute('backend', '/tabs-api');
    expect(clientConfig(el).config).to.include({ shareTabs: false, backendUrl: '/tabs-api' });
    expect(clientConfig(el).config).to.not.have.property('name');
    el.setAttribute('share-tabs', '');
    el.displayName = 'Ada';
    expect(clientConfig(el).config).to.include({ shareTabs: true, name: 'Ada', skipParentId: false });
  });

  it('skip-parent-id applies to the running phone (read at each incoming call), without a restart', async () => {
    const { el, backend, driver, seen } = await phone();
    el.removeAttribute('skip-parent-id');
    await el.updateComplete;
    backend.parentIds.CAparent = 'parent-9';
    driver.receive({ callSid: 'CAparent' });
    await waitUntil(() => seen.some((e) => e.type === 'notify-incoming-call'), 'never rang');
    expect(backend.methods).to.include('getParentId');
    expect(seen.find((e) => e.type === 'notify-incoming-call')!.detail.parentId).to.equal('parent-9');
    expect(backend.methods.filter((m) => m === 'createSession')).to.have.length(1);
  });
});
