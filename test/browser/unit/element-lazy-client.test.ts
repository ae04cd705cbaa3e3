/**
 * <notify-phone> imports its client's code when it first needs a client (decision 30): the first render
 * loads none of it, the element's methods called before it has arrived run in their order once it has, and
 * once it is loaded they reach the client at once. This file runs in a page of its own, so the client's
 * code is not loaded when its first test starts.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../../src/element/define.js';
import { FakeDriver } from '../../../src/drivers/fake-driver.js';
import type { NotifyPhone } from '../../../src/element/notify-phone.js';
import { FakeBackend } from './helpers/fake-backend.js';

/** A number FakeBackend allows (helpers/setup.ts imports the client, which this file must not do). */
const CALLER_ID = '+15550100001';

const requested = (file: string) =>
  performance.getEntriesByType('resource').some((entry) => new URL(entry.name).pathname.endsWith(file));

function mount(): { el: NotifyPhone; backend: FakeBackend; events: string[] } {
  const backend = new FakeBackend();
  const el = document.createElement('notify-phone');
  el.config = { backend, driverFactory: () => new FakeDriver() };
  const events: string[] = [];
  for (const type of ['notify-online', 'notify-offline', 'notify-error'])
    el.addEventListener(type, () => events.push(type));
  document.body.append(el);
  return { el, backend, events };
}

describe('<notify-phone> loads its client when it first needs one', () => {
  it('renders the idle phone without importing the client', async () => {
    const { el } = mount();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="dial-pad"]')).to.not.equal(null);
    // Nothing asked for a client (no caller ID): its code was not fetched.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(requested('/src/element/client-link.ts')).to.equal(false);
    expect(requested('/src/client/notify-client.ts')).to.equal(false);
    el.remove();
  });

  it('runs methods called before the client has loaded in their order: init() then destroy() leaves no session', async () => {
    const { el, backend, events } = mount();
    await el.updateComplete;
    el.setCallerId(CALLER_ID);
    el.init();
    el.destroy();
    await waitUntil(() => requested('/src/element/client-link.ts'), 'the client was never imported');
    // In the wrong order (destroy() first, on no client) init() would go online within this time.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events).to.not.include('notify-online');
    expect(el.online).to.equal(false);
    expect(backend.sessions.size).to.equal(0);
    el.remove();
  });

  it('reaches a loaded client at once: an error of a method is there when the method returns', async () => {
    const { el, backend, events } = mount();
    await el.updateComplete;
    el.setCallerId('555 not a number');
    expect(el.error?.code).to.equal('INVALID_NUMBER');
    expect(events).to.deep.equal(['notify-error']);
    // And init() after it goes online with the caller ID set next (the state was left intact).
    el.setCallerId(CALLER_ID);
    el.init();
    await waitUntil(() => el.online, 'never online');
    expect(backend.sessions.size).to.equal(1);
    el.remove();
    await waitUntil(() => backend.sessions.size === 0, 'the removed element left its session');
  });
});
