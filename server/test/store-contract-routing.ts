import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { newSysId, ringKey, sessionIdentity } from '../ids.js';
import type { ClientSession, NotifyStore, PresenceEvent, SessionLimits, User } from '../store/store.js';

const NUMBER = '+15005550006';
const OTHER_NUMBER = '+15005550009';

/** Resolves once `done()` holds, polling (presence events of PostgreSQL arrive asynchronously). */
async function until(done: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * The part of the store contract behind call routing: the ringable sessions of a number, the per-user
 * session cap, and final call statuses. Run by `describeStoreContract` on every store.
 */
export function describeRoutingContract(
  name: string,
  open: () => Promise<NotifyStore>,
  options: { skip?: string | boolean } = {},
): void {
  describe(`NotifyStore routing contract: ${name}`, { skip: options.skip ?? false }, () => {
    let store: NotifyStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    async function member(userName: string, group = 'demo'): Promise<User> {
      const user = await store.findOrCreateUser(userName);
      await store.addGroupMember((await store.findOrCreateGroup(group)).sys_id, user.sys_id);
      return user;
    }

    async function session(
      user: User,
      fields: { number?: string; available?: boolean } = {},
      limits?: SessionLimits,
    ): Promise<ClientSession> {
      const sysId = newSysId();
      return store.createSession(
        {
          sys_id: sysId,
          user: user.sys_id,
          name: user.name,
          number: fields.number ?? NUMBER,
          vendor: 'TWILIO_DIRECT',
          identity: sessionIdentity(sysId),
          available: fields.available ?? true,
        },
        limits,
      );
    }

    /** A later ISO time than every row written so far (rows then written are live after it). */
    async function cutoffAfter(session: ClientSession): Promise<string> {
      await until(() => new Date().toISOString() > session.last_seen);
      return new Date().toISOString();
    }

    it('the routing query returns only available, live sessions of the number’s group members, one per user', async () => {
      const demo = await store.findOrCreateGroup('demo');
      await store.findOrCreateGroup('other');
      await store.upsertNumber({ number: NUMBER, vendor: 'TWILIO_DIRECT', group: demo.sys_id });
      const expired = await member('expired');
      const expiredSession = await session(expired);
      const cutoff = await cutoffAfter(expiredSession);

      const many = await member('many-tabs');
      let manyNewest = await session(many);
      // Each a millisecond later than the one before (connected_at ties may come back either way).
      for (let i = 0; i < 3; i++) {
        await cutoffAfter(manyNewest);
        manyNewest = await session(many);
      }
      const bob = await member('bob');
      const bobSession = await session(bob);
      await session(bob, { number: OTHER_NUMBER }); // another number: not this one's call
      const away = await member('away');
      await session(away, { available: false });
      const outsider = await member('outsider', 'other'); // lost the number, kept the session row
      await session(outsider);

      const ring = await store.listRingableSessions(NUMBER, { liveSince: cutoff, limit: 10 });
      const byRingKey = [manyNewest, bobSession].sort((a, b) =>
        ringKey(a.user).localeCompare(ringKey(b.user)),
      );
      // The newest session of each user, in ring order.
      assert.deepEqual(ring, byRingKey);
      // Without the cutoff the expired row counts again.
      const all = await store.listRingableSessions(NUMBER, {
        liveSince: '1970-01-01T00:00:00.000Z',
        limit: 10,
      });
      assert.deepEqual(all.map((s) => s.user).sort(), [expired, many, bob].map((u) => u.sys_id).sort());
      assert.deepEqual(
        await store.listRingableSessions('+15550000000', { liveSince: cutoff, limit: 10 }),
        [],
      );
    });

    it('the routing query pages the ring from a key, bounded by the limit', async () => {
      const demo = await store.findOrCreateGroup('demo');
      await store.upsertNumber({ number: NUMBER, vendor: 'TWILIO_DIRECT', group: demo.sys_id });
      const sessions: ClientSession[] = [];
      for (let i = 0; i < 6; i++) sessions.push(await session(await member(`agent-${i}`)));
      const ordered = sessions.sort((a, b) => ringKey(a.user).localeCompare(ringKey(b.user)));
      const liveSince = '1970-01-01T00:00:00.000Z';
      assert.deepEqual(
        await store.listRingableSessions(NUMBER, { liveSince, limit: 4 }),
        ordered.slice(0, 4),
      );
      const after = ringKey(ordered[2]!.user);
      assert.deepEqual(
        await store.listRingableSessions(NUMBER, { liveSince, after, limit: 2 }),
        ordered.slice(3, 5),
      );
      assert.deepEqual(
        await store.listRingableSessions(NUMBER, { liveSince, after, limit: 10 }),
        ordered.slice(3),
      );
    });

    it('the session cap closes the oldest sessions of that user only and publishes their removal', async () => {
      const alice = await member('alice');
      const bob = await member('bob');
      const bobSession = await session(bob, {}, { maxPerUser: 2 });
      const first = await session(alice, {}, { maxPerUser: 2 });
      const second = await session(alice, {}, { maxPerUser: 2 });
      const events: PresenceEvent[] = [];
      const unsubscribe = await store.onPresence((event) => events.push(event));
      const third = await session(alice, {}, { maxPerUser: 2 });
      await until(() => events.length >= 2);
      await unsubscribe();

      assert.equal(await store.getSession(first.sys_id), undefined);
      assert.deepEqual(
        (await store.listSessions({ user: alice.sys_id })).map((s) => s.sys_id),
        [second.sys_id, third.sys_id],
      );
      assert.deepEqual(await store.getSession(bobSession.sys_id), bobSession);
      // Created, then the oldest removed; alice stays available throughout (no availability flip).
      assert.deepEqual(
        events.map((e) => [e.type, e.session.sys_id, e.availability]),
        [
          ['session.created', third.sys_id, undefined],
          ['session.removed', first.sys_id, undefined],
        ],
      );
      // Without a cap nothing is closed.
      await session(alice);
      assert.equal((await store.listSessions({ user: alice.sys_id })).length, 3);
    });

    it('a live call status only moves on: a late ringing or initiated after in-progress changes nothing', async () => {
      const base = { direction: 'inbound', from: '+15557654321', to: NUMBER } as const;
      await store.upsertCall({ ...base, call_sid: 'CA9', status: 'initiated' });
      const answered = await store.upsertCall({ ...base, call_sid: 'CA9', status: 'in-progress' });
      assert.equal(answered.call.status, 'in-progress');
      for (const status of ['ringing', 'initiated', 'queued'] as const) {
        const late = await store.upsertCall({ ...base, call_sid: 'CA9', status });
        assert.equal(late.changed, false, status);
        assert.equal((await store.getCall('CA9'))?.status, 'in-progress', status);
      }
      // And on to the end as before.
      const ended = await store.upsertCall({ ...base, call_sid: 'CA9', status: 'completed', duration: 3 });
      assert.equal(ended.call.status, 'completed');
    });

    it('a terminal call status is final: a later different terminal status changes nothing', async () => {
      const base = { direction: 'inbound', from: '+15557654321', to: NUMBER } as const;
      const completed = await store.upsertCall({
        ...base,
        call_sid: 'CA1',
        status: 'completed',
        duration: 9,
      });
      for (const status of ['canceled', 'busy', 'failed', 'no-answer', 'ringing', 'in-progress'] as const) {
        const late = await store.upsertCall({ ...base, call_sid: 'CA1', status, duration: 1 });
        assert.equal(late.changed, false, status);
        assert.deepEqual(late.call, completed.call, status);
      }
      // The same terminal status again: idempotent as before.
      const again = await store.upsertCall({ ...base, call_sid: 'CA1', status: 'completed', duration: 9 });
      assert.equal(again.changed, false);
      assert.deepEqual(await store.getCall('CA1'), completed.call);

      // A different terminal status still fills in a missing link (links are facts, not the outcome).
      const busy = await store.upsertCall({ ...base, call_sid: 'CA2', status: 'busy' });
      const linked = await store.upsertCall({
        ...base,
        call_sid: 'CA2',
        status: 'completed',
        parent_call_sid: 'CA1',
      });
      assert.equal(linked.call.status, 'busy');
      assert.equal(linked.call.duration, null);
      assert.equal(linked.call.parent_sys_id, completed.call.sys_id);
      assert.equal((await store.getCall('CA2'))?.status, busy.call.status);
    });
  });
}
