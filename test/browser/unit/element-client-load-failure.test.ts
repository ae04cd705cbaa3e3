/**
 * <notify-phone> when its client's code cannot be loaded (decision 30): the browser fails the page's requests
 * for client-link.ts, as for a server that lost the file (the `desk-page` command's `block`,
 * test/browser/e2e/page-plugin.ts). This file runs in a page of its own, so nothing has imported the client
 * before its first test.
 */
import { expect, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../../src/element/define.js';
import { FakeDriver } from '../../../src/drivers/fake-driver.js';
import type { NotifyPhone } from '../../../src/element/notify-phone.js';
import type { NotifyErrorEvent } from '../../../src/element/events.js';
import { FakeBackend } from './helpers/fake-backend.js';

const CLIENT_LINK = '/src/element/client-link.ts';

describe('<notify-phone> without its client', () => {
  after(() => executeServerCommand('desk-page', { action: 'block', urls: [] }));

  it('reports CLIENT_LOAD_FAILED, keeps its state, and its promise-returning methods resolve as on a failure', async () => {
    await executeServerCommand('desk-page', { action: 'block', urls: [`*${CLIENT_LINK}`] });
    const el = document.createElement('notify-phone') as NotifyPhone;
    el.config = { backend: new FakeBackend(), driverFactory: () => new FakeDriver() };
    document.body.append(el);
    await el.updateComplete;

    const errors: string[] = [];
    el.addEventListener('notify-error', (event) => errors.push((event as NotifyErrorEvent).detail.code));
    const failed = oneEvent(el, 'notify-error') as Promise<NotifyErrorEvent>;
    el.setCallerId('+15550100001');
    el.init();
    const { detail } = await failed;
    expect(detail.code).to.equal('CLIENT_LOAD_FAILED');
    // Once per failed import: setCallerId() and init() waited for the same one.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).to.deep.equal(['CLIENT_LOAD_FAILED']);
    expect(detail.message).to.match(/client could not be loaded/);
    expect(el.error?.code).to.equal('CLIENT_LOAD_FAILED');
    expect(el.online).to.equal(false);
    expect(el.getStatus()).to.equal('closed');
    // Methods that return a promise settle (they do not hang or reject) with their failure value.
    expect(await el.completeTransfer()).to.equal(false);
    expect(await el.getAvailableClients()).to.deep.equal([]);
    expect((await el.getParentId('CA0')).parentId).to.equal(null);
    el.remove();
  });

  it('imports again at the next use once the file is back (after a network failure)', async () => {
    await executeServerCommand('desk-page', { action: 'block', urls: [] });
    const el = document.createElement('notify-phone') as NotifyPhone;
    const backend = new FakeBackend();
    el.config = { backend, driverFactory: () => new FakeDriver() };
    document.body.append(el);
    await el.updateComplete;
    el.setCallerId('+15550100001');
    el.init();
    await oneEvent(el, 'notify-online');
    expect(el.online).to.equal(true);
    expect(backend.sessions.size).to.equal(1);
    el.remove();
  });
});
