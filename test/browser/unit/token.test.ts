import { expect, waitUntil } from '@open-wc/testing';
import { STD_EVENTS } from '../../../src/client/constants.js';
import { NotifyError } from '../../../src/client/errors.js';
import { CALLER_ID, makeClient, onlineClient, tick } from './helpers/setup.js';

describe('NotifyClient token handling', () => {
  it('refreshes through the backend before expiresAt and applies it with driver.updateToken', async () => {
    const made = makeClient();
    made.backend.tokenLifetimeMs = 500;
    made.client.setCallerId(CALLER_ID);
    made.client.init();
    await waitUntil(() => made.names().includes(STD_EVENTS.ONLINE));
    const started = Date.now();
    await waitUntil(() => made.driver.token === 'token-2', 'no refresh', { timeout: 2000 });
    // 20% of the remaining lifetime is the lead for short tokens: about 400 ms (timed exactly with fake timers
    // in test/node/client/token-renewal.test.ts; here only that it did not refresh at once).
    expect(Date.now() - started).to.be.at.least(200);
    await waitUntil(() => made.driver.token === 'token-3', 'no second refresh', { timeout: 2000 });
    expect(made.backend.methods.filter((m) => m === 'refreshToken')).to.have.length(2);
    expect(made.client.getDeviceState()).to.equal('online');
    expect(made.errors()).to.deep.equal([]);
    made.client.destroy();
  });

  it('with forceRefreshToken false goes OFFLINE with TOKEN_EXPIRED at expiry', async () => {
    const made = makeClient({ config: { forceRefreshToken: false } });
    made.backend.tokenLifetimeMs = 300;
    made.client.setCallerId(CALLER_ID);
    made.client.init();
    await waitUntil(() => made.errors().includes('TOKEN_EXPIRED'), 'no expiry', { timeout: 2000 });
    expect(made.names().slice(-2)).to.deep.equal([STD_EVENTS.OFFLINE, STD_EVENTS.ERROR]);
    expect(made.backend.methods).to.not.include('refreshToken');
    expect(made.client.getDeviceState()).to.equal('offline');
    made.client.destroy();
  });

  it('ignores the driver tokenWillExpire event until its own refresh is due (no refresh storm)', async () => {
    const { client, driver, backend } = await onlineClient();
    driver.tokenWillExpire();
    driver.tokenWillExpire();
    await tick(); // a refresh would start at once (the backend call is made synchronously or in a microtask)
    expect(backend.methods.filter((m) => m === 'refreshToken')).to.have.length(0);
    client.destroy();
  });

  it('refreshes on the driver tokenWillExpire event once the refresh is due', async () => {
    const made = makeClient();
    made.backend.tokenLifetimeMs = 60_000;
    made.client.setCallerId(CALLER_ID);
    made.client.init();
    await waitUntil(() => made.client.getDeviceState() === 'online');
    // Pretend the page slept through our own timer: the vendor's warning arrives after the due time.
    const realNow = Date.now;
    Date.now = () => realNow() + 55_000;
    try {
      made.driver.tokenWillExpire();
      await waitUntil(() => made.backend.methods.includes('refreshToken'), 'no refresh');
    } finally {
      Date.now = realNow;
    }
    made.client.destroy();
  });

  it('reports a failed refresh and goes offline when the token then expires', async () => {
    const made = makeClient();
    made.backend.tokenLifetimeMs = 400;
    made.backend.refreshError = new NotifyError('BACKEND_UNREACHABLE');
    made.client.setCallerId(CALLER_ID);
    made.client.init();
    await waitUntil(() => made.errors().includes('TOKEN_EXPIRED'), 'no expiry', { timeout: 3000 });
    expect(made.errors()[0]).to.equal('BACKEND_UNREACHABLE');
    expect(made.client.getDeviceState()).to.equal('offline');
    made.client.destroy();
  });

  it('goes offline when the driver reports an expired token', async () => {
    const { client, driver, names, errors } = await onlineClient();
    driver.fail(new NotifyError('TOKEN_EXPIRED'));
    expect(client.getDeviceState()).to.equal('offline');
    expect(names()).to.include(STD_EVENTS.OFFLINE);
    expect(errors()).to.deep.equal(['TOKEN_EXPIRED']);
    client.destroy();
  });

  it('follows the driver registration (unregistered → OFFLINE)', async () => {
    const { client, driver, names } = await onlineClient();
    driver.dropRegistration();
    expect(names().slice(-1)).to.deep.equal([STD_EVENTS.OFFLINE]);
    driver.events.emit('registered');
    expect(names().slice(-1)).to.deep.equal([STD_EVENTS.ONLINE]);
    client.destroy();
  });
});
