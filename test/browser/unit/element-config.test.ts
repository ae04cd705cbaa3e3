import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/element/define.js';
import type { NotifyConfig } from '../../../src/client/notify-client.js';
import { FakeDriver } from '../../../src/drivers/fake-driver.js';
import type { NotifyPhone } from '../../../src/element/notify-phone.js';
import { CALLER_ID } from './helpers/setup.js';

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
});
