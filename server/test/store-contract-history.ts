import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { newSysId, sessionIdentity } from '../ids.js';
import type { CallHistoryRow, ClientSession, NotifyStore, User } from '../store/store.js';

/** Resolves once the clock shows another millisecond: legs recorded after it sort as newer. */
async function nextMillisecond(): Promise<void> {
  const start = new Date().toISOString();
  while (new Date().toISOString() === start) await new Promise((resolve) => setImmediate(resolve));
}

const sids = (rows: CallHistoryRow[]) =>
  rows.map((r) => [r.leg.call_sid, r.parent?.call_sid ?? null, r.children.map((c) => c.call_sid)]);

/**
 * The part of the store contract behind `GET /calls`: whose legs are whose (and stay so after the session
 * is gone), newest first, parents and children joined, paged. Run by `describeStoreContract`.
 */
export function describeHistoryContract(
  name: string,
  open: () => Promise<NotifyStore>,
  options: { skip?: string | boolean } = {},
): void {
  describe(`NotifyStore call history contract: ${name}`, { skip: options.skip ?? false }, () => {
    let store: NotifyStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    async function withSession(userName: string): Promise<{ user: User; session: ClientSession }> {
      const user = await store.findOrCreateUser(userName);
      const sysId = newSysId();
      const session = await store.createSession({
        sys_id: sysId,
        user: user.sys_id,
        name: userName,
        number: '+15005550006',
        vendor: 'TWILIO_DIRECT',
        identity: sessionIdentity(sysId),
        available: true,
      });
      return { user, session };
    }

    it("lists a user's own legs newest first, a placed call's child joined to it, paged", async () => {
      const alice = await withSession('alice');
      const bob = await withSession('bob');
      // Alice calls a number: her parent leg and the child it dialled, both of her session.
      await store.upsertCall({
        call_sid: 'CA1',
        session: alice.session.sys_id,
        direction: 'outbound',
        from: `client:${alice.session.identity}`,
        to: '+15551234567',
        status: 'ringing',
      });
      await store.upsertCall({
        call_sid: 'CA2',
        parent_call_sid: 'CA1',
        session: alice.session.sys_id,
        direction: 'outbound',
        from: '+15005550006',
        to: '+15551234567',
        status: 'completed',
        duration: 42,
      });
      await nextMillisecond();
      // A caller rings the number: the parent is nobody's, the child that rang Alice is hers.
      await store.upsertCall({
        call_sid: 'CA3',
        direction: 'inbound',
        from: '+15557654321',
        to: '+15005550006',
        status: 'ringing',
      });
      await store.upsertCall({
        call_sid: 'CA4',
        parent_call_sid: 'CA3',
        session: alice.session.sys_id,
        direction: 'inbound',
        from: '+15557654321',
        to: `client:${alice.session.identity}`,
        status: 'no-answer',
        duration: 0,
      });
      // Bob's call is his only.
      await store.upsertCall({
        call_sid: 'CA5',
        session: bob.session.sys_id,
        direction: 'outbound',
        from: `client:${bob.session.identity}`,
        to: '+15551234567',
        status: 'ringing',
      });

      const history = await store.listCallHistory(alice.user.sys_id);
      assert.deepEqual(sids(history), [
        ['CA4', 'CA3', []],
        ['CA1', null, ['CA2']],
      ]);
      assert.equal(history[1]!.children[0]!.duration, 42);
      assert.equal(history[0]!.leg.user, alice.user.sys_id);
      assert.deepEqual(sids(await store.listCallHistory(bob.user.sys_id)), [['CA5', null, []]]);
      assert.deepEqual(await store.listCallHistory(newSysId()), []);

      const first = await store.listCallHistory(alice.user.sys_id, { limit: 1 });
      assert.deepEqual(sids(first), [['CA4', 'CA3', []]]);
      const rest = await store.listCallHistory(alice.user.sys_id, { limit: 1, before: first[0]!.leg });
      assert.deepEqual(sids(rest), [['CA1', null, ['CA2']]]);
      assert.deepEqual(await store.listCallHistory(alice.user.sys_id, { before: rest[0]!.leg }), []);
    });

    it("keeps a user's history after the session ends, late callbacks included", async () => {
      const alice = await withSession('alice');
      await store.upsertCall({
        call_sid: 'CA1',
        session: alice.session.sys_id,
        direction: 'outbound',
        from: `client:${alice.session.identity}`,
        to: '+15551234567',
        status: 'ringing',
      });
      assert.equal(await store.deleteSession(alice.session.sys_id), true);
      // The dialled leg's callbacks arrive after the client went away: still Alice's (from her earlier leg).
      await store.upsertCall({
        call_sid: 'CA2',
        parent_call_sid: 'CA1',
        session: alice.session.sys_id,
        direction: 'outbound',
        from: '+15005550006',
        to: '+15551234567',
        status: 'completed',
        duration: 7,
      });
      assert.equal((await store.getCall('CA2'))?.user, alice.user.sys_id);
      assert.deepEqual(sids(await store.listCallHistory(alice.user.sys_id)), [['CA1', null, ['CA2']]]);
      // Signing out (all sessions deleted) keeps it too.
      const again = await withSession('alice');
      await store.signOut(again.user.sys_id, Math.floor(Date.now() / 1000));
      assert.equal((await store.listCallHistory(alice.user.sys_id)).length, 1);
    });

    it('records the user once a leg learns its session, and never changes it', async () => {
      const alice = await withSession('alice');
      const bob = await withSession('bob');
      const base = { direction: 'inbound', from: '+15557654321', to: '+15005550006' } as const;
      const bare = await store.upsertCall({ ...base, call_sid: 'CA1', status: 'ringing' });
      assert.equal(bare.call.user, null);
      const linked = await store.upsertCall({
        ...base,
        call_sid: 'CA1',
        session: alice.session.sys_id,
        status: 'ringing',
      });
      assert.equal(linked.changed, true);
      assert.equal(linked.call.user, alice.user.sys_id);
      assert.deepEqual(await store.getCall('CA1'), linked.call);
      const other = await store.upsertCall({
        ...base,
        call_sid: 'CA1',
        session: bob.session.sys_id,
        status: 'ringing',
      });
      assert.equal(other.changed, false);
      assert.equal((await store.getCall('CA1'))?.user, alice.user.sys_id);
      assert.deepEqual(await store.listCallHistory(bob.user.sys_id), []);
    });
  });
}
