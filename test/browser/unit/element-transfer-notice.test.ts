/**
 * The consulted agent of a warm transfer is told as the transfer completes (issue 12, docs/decisions.md §26):
 * the driver's `callTransferred` on the open call sets its `transferredBy`, and the element's status line (a
 * polite live region) says "Transferred by A" while the display keeps it under the party. A blind transfer is
 * announced as it rings, not again on the status line once answered.
 */
import { expect, waitUntil } from '@open-wc/testing';
import type { NotifyPhone } from '../../../src/element/notify-phone.js';
import { openCall, part, phone } from './helpers/element.js';

const text = (el: NotifyPhone, name: string) => part<HTMLElement>(el, name)?.textContent?.trim() ?? '';

describe('<notify-phone> told of a warm transfer to its call', () => {
  it('says "Transferred by A" on the status line and under the party once A completes it', async () => {
    const ctx = await phone();
    await openCall(ctx);
    const { el, driver } = ctx;
    expect(text(el, 'status')).to.not.match(/Transferred/);
    expect(part(el, 'transferred-by')).to.equal(null);

    driver.events.emit('callTransferred', 'Ada Lovelace', driver.call!);
    await waitUntil(
      () => text(el, 'status') === 'Transferred by Ada Lovelace',
      'the status line never said it',
    );
    expect(part(el, 'status')!.getAttribute('role')).to.equal('status');
    expect(text(el, 'transferred-by')).to.equal('Transferred by Ada Lovelace');
    await expect(el).to.be.accessible();
  });

  it('a blind transfer, announced as it rang, is not said again on the status line once answered', async () => {
    const ctx = await phone();
    const { el, driver } = ctx;
    driver.receive({ params: { parentId: 'p1', transferredBy: 'Ada Lovelace' } });
    await waitUntil(() => el.ringing, 'never rang');
    await waitUntil(() => text(el, 'transferred-by') === 'Transferred by Ada Lovelace', 'not shown ringing');
    el.pickupCall();
    await waitUntil(() => driver.methods.includes('accept'));
    driver.answer();
    await waitUntil(() => el.inCall, 'never in the call');
    await el.updateComplete;
    expect(text(el, 'status')).to.not.match(/Transferred/);
    expect(text(el, 'transferred-by')).to.equal('Transferred by Ada Lovelace');
  });
});
