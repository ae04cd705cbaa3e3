import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEMO_NUMBER,
  NO_VENDOR_NUMBER,
  OTHER_NUMBER,
  makeApp,
  signIn,
  type SignedIn,
  type TestApp,
} from './helpers.js';

describe('GET /caller-ids/:number', () => {
  let app: TestApp;
  let alice: SignedIn;
  const lookup = (number: string, headers: Record<string, string> = alice.headers) =>
    app.inject({ method: 'GET', url: `/caller-ids/${encodeURIComponent(number)}`, headers });

  before(async () => {
    app = await makeApp();
    alice = await signIn(app, 'alice');
  });
  after(() => app.close());

  it('answers the vendor of a number in one of the user’s groups', async () => {
    const res = await lookup(DEMO_NUMBER);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT' });
  });

  it('answers vendor null for an allowed number with no compatible vendor', async () => {
    const res = await lookup(NO_VENDOR_NUMBER);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { number: NO_VENDOR_NUMBER, vendor: null });
  });

  it('403 CALLER_ID_NOT_ALLOWED for another group’s number and for an unknown number', async () => {
    for (const number of [OTHER_NUMBER, '+15550000000']) {
      const res = await lookup(number);
      assert.equal(res.statusCode, 403, number);
      assert.equal(res.json().error.code, 'CALLER_ID_NOT_ALLOWED');
    }
  });

  it('400 INVALID_NUMBER for anything that is not E.164', async () => {
    for (const number of ['15005550006', '+05005550006', '+1500555000612345', 'abc', '+1 500']) {
      const res = await lookup(number);
      assert.equal(res.statusCode, 400, number);
      assert.equal(res.json().error.code, 'INVALID_NUMBER', number);
    }
  });

  it('401 without a session', async () => {
    const res = await lookup(DEMO_NUMBER, {});
    assert.equal(res.statusCode, 401);
  });
});
