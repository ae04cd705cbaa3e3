import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { newSysId, sessionIdentity } from '../ids.js';
import type { NotifyStore } from '../store/store.js';

/**
 * The behaviour every `NotifyStore` must have, written against the interface only so that the PostgreSQL
 * store can run the same suite: `describeStoreContract('postgres', () => openPostgresStore(url))`.
 * Each test gets a fresh, empty store from `open`.
 */
export function describeStoreContract(name: string, open: () => Promise<NotifyStore>): void {
  describe(`NotifyStore contract: ${name}`, () => {
    let store: NotifyStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    async function userWithSession(userName = 'alice', number = '+15005550006') {
      const user = await store.findOrCreateUser(userName);
      const sysId = newSysId();
      const session = await store.createSession({
        sys_id: sysId,
        user: user.sys_id,
        name: userName,
        number,
        vendor: 'TWILIO_DIRECT',
        identity: sessionIdentity(sysId),
        available: true,
      });
      return { user, session };
    }

    it('finds or creates users and groups by name, with 32-hex sys_ids', async () => {
      const a = await store.findOrCreateUser('alice');
      assert.match(a.sys_id, /^[0-9a-f]{32}$/);
      assert.deepEqual(await store.findOrCreateUser('alice'), a);
      assert.notEqual((await store.findOrCreateUser('bob')).sys_id, a.sys_id);
      assert.deepEqual(await store.getUser(a.sys_id), a);
      assert.equal(await store.getUser(newSysId()), undefined);
      const g = await store.findOrCreateGroup('demo');
      assert.deepEqual(await store.findOrCreateGroup('demo'), g);
    });

    it('allows a number only to members of its group', async () => {
      const alice = await store.findOrCreateUser('alice');
      const bob = await store.findOrCreateUser('bob');
      const demo = await store.findOrCreateGroup('demo');
      await store.upsertNumber({ number: '+15005550006', vendor: 'TWILIO_DIRECT', group: demo.sys_id });
      await store.addGroupMember(demo.sys_id, alice.sys_id);
      await store.addGroupMember(demo.sys_id, alice.sys_id); // idempotent
      assert.deepEqual(await store.findNumberForUser('+15005550006', alice.sys_id), {
        number: '+15005550006',
        vendor: 'TWILIO_DIRECT',
        group: demo.sys_id,
      });
      assert.equal(await store.findNumberForUser('+15005550006', bob.sys_id), undefined);
      assert.equal(await store.findNumberForUser('+15005550007', alice.sys_id), undefined);

      const other = await store.findOrCreateGroup('other');
      await store.upsertNumber({ number: '+15005550006', vendor: null, group: other.sys_id });
      assert.equal(await store.findNumberForUser('+15005550006', alice.sys_id), undefined);
      assert.deepEqual(await store.getNumber('+15005550006'), {
        number: '+15005550006',
        vendor: null,
        group: other.sys_id,
      });
    });

    it('creates, finds, touches and deletes client sessions', async () => {
      const { user, session } = await userWithSession();
      assert.equal(session.user, user.sys_id);
      assert.equal(session.available, true);
      assert.equal(session.connected_at, session.last_seen);
      assert.deepEqual(await store.getSession(session.sys_id), session);
      assert.deepEqual(await store.getSessionByIdentity(session.identity), session);

      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(await store.touchSession(session.sys_id), true);
      const touched = await store.getSession(session.sys_id);
      assert.ok(touched && touched.last_seen > session.last_seen);
      assert.equal(await store.touchSession(newSysId()), false);

      assert.equal(await store.deleteSession(session.sys_id), true);
      assert.equal(await store.getSession(session.sys_id), undefined);
      assert.equal(await store.deleteSession(session.sys_id), false);
    });

    it('lists users with an available session and toggles availability', async () => {
      const { user: alice, session } = await userWithSession('alice');
      const { user: bob } = await userWithSession('bob');
      assert.deepEqual(await store.listAvailableUsers(), [alice, bob]);
      assert.deepEqual(await store.listAvailableUsers(alice.sys_id), [bob]);
      assert.equal(await store.setSessionAvailable(session.sys_id, false), true);
      assert.equal((await store.getSession(session.sys_id))?.available, false);
      assert.deepEqual(await store.listAvailableUsers(), [bob]);
      assert.equal(await store.setSessionAvailable(newSysId(), true), false);
    });

    it('refuses two sessions with the same identity', async () => {
      const { user, session } = await userWithSession();
      await assert.rejects(
        store.createSession({
          ...session,
          sys_id: newSysId(),
          user: user.sys_id,
          identity: session.identity,
        }),
      );
    });

    it('upserts calls idempotently and links children to parents in either order', async () => {
      const { session } = await userWithSession();
      const child = await store.upsertCall({
        call_sid: 'CA2',
        parent_call_sid: 'CA1',
        direction: 'outbound',
        from: '+15005550006',
        to: '+15551234567',
        status: 'initiated',
      });
      assert.equal(child.changed, true);
      assert.equal(child.call.parent_sys_id, null);

      const parent = await store.upsertCall({
        call_sid: 'CA1',
        session: session.sys_id,
        direction: 'outbound',
        from: `client:${session.identity}`,
        to: '+15551234567',
        status: 'ringing',
      });
      assert.equal((await store.getCall('CA2'))?.parent_sys_id, parent.call.sys_id);

      const same = await store.upsertCall({
        call_sid: 'CA1',
        direction: 'outbound',
        from: `client:${session.identity}`,
        to: '+15551234567',
        status: 'ringing',
      });
      assert.equal(same.changed, false);
      assert.deepEqual(await store.getCall('CA1'), parent.call);

      await store.upsertCall({ ...same.call, call_sid: 'CA1', status: 'completed' });
      const late = await store.upsertCall({ ...same.call, call_sid: 'CA1', status: 'in-progress' });
      assert.equal(late.changed, false);
      assert.equal((await store.getCall('CA1'))?.status, 'completed');
      assert.equal((await store.getCall('CA1'))?.session, session.sys_id);

      assert.deepEqual(
        (await store.listCalls({ session: session.sys_id })).map((c) => c.call_sid),
        ['CA1'],
      );
      assert.equal((await store.listCalls()).length, 2);
    });
  });
}
