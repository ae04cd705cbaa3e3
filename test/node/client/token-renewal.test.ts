import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { TokenRenewal, type TokenRenewalOptions } from '../../../src/client/token-renewal.js';

/** Lets the promise callbacks queued by a timer run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function renewal(overrides: Partial<TokenRenewalOptions> = {}) {
  const seen: string[] = [];
  let issued = 0;
  const options: TokenRenewalOptions = {
    refresh: true,
    request: async () => ({ token: `t${++issued}`, ttl: 1000, expiresAt: Date.now() + 1_000_000 }),
    onToken: (token) => seen.push(`token ${token}`),
    onExpired: () => seen.push('expired'),
    onError: (error) => seen.push(`error ${(error as Error).message}`),
    ...overrides,
  };
  return { unit: new TokenRenewal(options), seen };
}

describe('TokenRenewal', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.UTC(2026, 0, 1) }));
  afterEach(() => mock.timers.reset());

  it('refreshes 20 % of a short lifetime ahead of expiry, then follows the new token', async () => {
    const { unit, seen } = renewal();
    unit.schedule({ ttl: 10, expiresAt: Date.now() + 10_000 });
    assert.equal(unit.due, false);
    mock.timers.tick(7_999);
    await settle();
    assert.deepEqual(seen, []);
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(seen, ['token t1']);
    // The new token lives 1000 s: refreshed 60 s (the margin, not 20 %) before its expiry.
    mock.timers.tick(939_999);
    await settle();
    assert.deepEqual(seen, ['token t1']);
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(seen, ['token t1', 'token t2']);
    assert.equal(unit.valid, true);
    unit.stop();
  });

  it('is due from the refresh time on, and a second renew() joins the first request', async () => {
    let requests = 0;
    const { unit } = renewal({
      request: async () => ({ token: `t${++requests}`, ttl: 100, expiresAt: Date.now() + 100_000 }),
    });
    unit.schedule({ ttl: 100, expiresAt: Date.now() + 100_000 });
    mock.timers.tick(79_999);
    assert.equal(unit.due, false);
    mock.timers.tick(1);
    assert.equal(unit.due, true);
    await Promise.all([unit.renew(), unit.renew()]);
    assert.equal(requests, 1);
    unit.stop();
  });

  it('retries a failed refresh after 5 s while the token lasts', async () => {
    let fail = true;
    const { unit, seen } = renewal({
      request: async () => {
        if (fail) throw new Error('down');
        return { token: 'fresh', ttl: 100, expiresAt: Date.now() + 100_000 };
      },
    });
    unit.schedule({ ttl: 100, expiresAt: Date.now() + 100_000 });
    mock.timers.tick(80_000);
    await settle();
    assert.deepEqual(seen, ['error down']);
    fail = false;
    mock.timers.tick(4_999);
    await settle();
    assert.deepEqual(seen, ['error down']);
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(seen, ['error down', 'token fresh']);
    unit.stop();
  });

  it('without refresh only reports the expiry', async () => {
    let requests = 0;
    const { unit, seen } = renewal({
      refresh: false,
      request: async () => {
        requests += 1;
        return { token: 'x', ttl: 1, expiresAt: Date.now() + 1000 };
      },
    });
    unit.schedule({ ttl: 10, expiresAt: Date.now() + 10_000 });
    mock.timers.tick(10_000);
    await settle();
    assert.deepEqual(seen, ['expired']);
    assert.equal(requests, 0);
    assert.equal(unit.valid, false);
    assert.equal(unit.due, false);
  });

  it('stop() cancels the timers and drops a refresh answer still in flight', async () => {
    let answer: (value: { token: string; ttl: number; expiresAt: number }) => void = () => undefined;
    const { unit, seen } = renewal({ request: () => new Promise((resolve) => (answer = resolve)) });
    unit.schedule({ ttl: 10, expiresAt: Date.now() + 10_000 });
    mock.timers.tick(8_000);
    unit.stop();
    answer({ token: 'late', ttl: 100, expiresAt: Date.now() + 100_000 });
    mock.timers.tick(100_000);
    await settle();
    assert.deepEqual(seen, []);
  });
});
