import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { newSysId, sessionIdentity } from '../ids.js';
import type { NotifyStore, PresenceEvent } from '../store/store.js';
import { describeHistoryContract } from './store-contract-history.js';
import { describeRoutingContract } from './store-contract-routing.js';
import { describeCallsContract } from './store-contract-calls.js';

/**
 * The behaviour every `NotifyStore` must have, written against the interface only so that the PostgreSQL
 * store can run the same suite: `describeStoreContract('postgres', () => openPostgresStore(url))`.
 * Each test gets a fresh, empty store from `open`.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<NotifyStore>,
  options: { skip?: string | boolean } = {},
): void {
  describe(`NotifyStore contract: ${name}`, { skip: options.skip ?? false }, () => {
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

    it("keeps SIP calls as legs keyed by Call-ID and '<Call-ID>>target', and lists a leg's children", async () => {
      // A SIP call forked to two sessions (server/sip-call-records.ts): the caller's leg, one leg per branch.
      const { session: one } = await userWithSession();
      const { session: two } = await userWithSession();
      const callId = 'a84b4c76e66710@pc33.example.com';
      const parent = await store.upsertCall({
        call_sid: callId,
        direction: 'inbound',
        from: '+15551230000',
        to: '+15005550006',
        status: 'ringing',
      });
      for (const session of [one, two]) {
        await store.upsertCall({
          call_sid: `${callId}>${session.identity}`,
          parent_call_sid: callId,
          session: session.sys_id,
          direction: 'inbound',
          from: '+15551230000',
          to: `client:${session.identity}`,
          status: 'ringing',
        });
      }
      // Another call's leg is no child of this one.
      await store.upsertCall({
        call_sid: 'other>x',
        parent_call_sid: 'other',
        session: one.sys_id,
        direction: 'inbound',
        from: '+15551230000',
        to: 'client:x',
        status: 'ringing',
      });
      const children = await store.listCalls({ parent: callId });
      assert.deepEqual(
        children.map((c) => [c.call_sid, c.parent_sys_id, c.session]),
        [
          [`${callId}>${one.identity}`, parent.call.sys_id, one.sys_id],
          [`${callId}>${two.identity}`, parent.call.sys_id, two.sys_id],
        ],
      );
      assert.deepEqual(
        (await store.listCalls({ parent: callId, session: two.sys_id })).map((c) => c.call_sid),
        [`${callId}>${two.identity}`],
      );
      assert.deepEqual(await store.listCalls({ parent: 'nobody' }), []);
      assert.equal((await store.getCall(callId))?.sys_id, parent.call.sys_id);
    });

    it('records a call duration from terminal reports only, idempotently, and never clears it', async () => {
      const base = { direction: 'outbound', from: '+15005550006', to: '+15551234567' } as const;
      // Unknown until a terminal report tells it; a non-terminal report's duration is ignored.
      const ringing = await store.upsertCall({ ...base, call_sid: 'CA1', status: 'ringing', duration: 3 });
      assert.equal(ringing.call.duration, null);
      assert.equal((await store.getCall('CA1'))?.duration, null);
      const answered = await store.upsertCall({
        ...base,
        call_sid: 'CA1',
        status: 'in-progress',
        duration: 4,
      });
      assert.equal(answered.call.duration, null);

      const completed = await store.upsertCall({
        ...base,
        call_sid: 'CA1',
        status: 'completed',
        duration: 42,
      });
      assert.equal(completed.changed, true);
      assert.equal(completed.call.duration, 42);
      assert.deepEqual(await store.getCall('CA1'), completed.call);

      // The same callback again changes nothing (updated_at kept).
      const again = await store.upsertCall({ ...base, call_sid: 'CA1', status: 'completed', duration: 42 });
      assert.equal(again.changed, false);
      assert.deepEqual(await store.getCall('CA1'), completed.call);

      // Late non-terminal reports (with or without a duration), terminal reports without one, and malformed
      // durations neither clear nor change it.
      for (const report of [
        { status: 'in-progress', duration: 0 },
        { status: 'ringing' },
        { status: 'completed' },
        { status: 'completed', duration: null },
        { status: 'completed', duration: -1 },
        { status: 'completed', duration: 1.5 },
        { status: 'completed', duration: Number.NaN },
        { status: 'completed', duration: 2 ** 31 },
      ] as const) {
        const late = await store.upsertCall({ ...base, call_sid: 'CA1', ...report });
        assert.equal(late.changed, false, JSON.stringify(report));
        assert.equal(late.call.duration, 42);
      }
      assert.deepEqual(await store.getCall('CA1'), completed.call);

      // A first report that is already terminal records its duration on insert (0 included).
      const missed = await store.upsertCall({ ...base, call_sid: 'CA2', status: 'no-answer', duration: 0 });
      assert.equal(missed.call.duration, 0);
      assert.deepEqual(await store.getCall('CA2'), missed.call);
      const garbage = await store.upsertCall({ ...base, call_sid: 'CA3', status: 'busy', duration: -5 });
      assert.equal(garbage.call.duration, null);
      assert.deepEqual(
        (await store.listCalls()).map((c) => [c.call_sid, c.duration]),
        [
          ['CA1', 42],
          ['CA2', 0],
          ['CA3', null],
        ],
      );
    });

    it('keys host users by sys_id: upserts rename, names may repeat', async () => {
      const id1 = newSysId();
      const id2 = newSysId();
      assert.deepEqual(await store.upsertUser({ sys_id: id1, name: 'Sam' }), { sys_id: id1, name: 'Sam' });
      await store.upsertUser({ sys_id: id2, name: 'Sam' });
      await store.upsertUser({ sys_id: id1, name: 'Sam Smith' });
      assert.deepEqual(await store.getUser(id1), { sys_id: id1, name: 'Sam Smith' });
      assert.deepEqual(await store.getUser(id2), { sys_id: id2, name: 'Sam' });
      assert.equal((await store.findOrCreateUser('Sam')).sys_id, id2);
    });

    it("sets a user's groups exactly and lists available colleagues of shared groups only", async () => {
      const { user: alice } = await userWithSession('alice');
      const { user: bob } = await userWithSession('bob');
      const { user: carol } = await userWithSession('carol');
      await store.setUserGroups(alice.sys_id, ['sales', 'support', 'sales']);
      await store.setUserGroups(bob.sys_id, ['support']);
      await store.setUserGroups(carol.sys_id, ['billing']);
      assert.deepEqual(
        (await store.listUserGroups(alice.sys_id)).map((g) => g.name),
        ['sales', 'support'],
      );
      assert.deepEqual(await store.listAvailableColleagues(alice.sys_id), [bob]);
      assert.deepEqual(await store.listAvailableColleagues(carol.sys_id), []);
      await store.setUserGroups(alice.sys_id, ['billing']);
      assert.deepEqual(
        (await store.listUserGroups(alice.sys_id)).map((g) => g.name),
        ['billing'],
      );
      assert.deepEqual(await store.listAvailableColleagues(alice.sys_id), [carol]);
      assert.equal((await store.findOrCreateGroup('sales')).name, 'sales');
    });

    it('pages available colleagues in (name, sys_id) order, bounded, from a cursor', async () => {
      const viewer = await store.findOrCreateUser('viewer');
      await store.setUserGroups(viewer.sys_id, ['support']);
      const colleagues: Array<{ sys_id: string; name: string }> = [];
      // Two users share a name: the sys_id breaks the tie. One is unavailable, one in another group.
      for (const name of ['dan', 'bea', 'cy', 'al', 'bea', 'eve', 'fay']) {
        const { user, session } = await userWithSession(name);
        const alreadyNamed = colleagues.some((c) => c.name === name);
        const created = alreadyNamed ? await store.upsertUser({ sys_id: newSysId(), name }) : user;
        if (alreadyNamed) {
          const sysId = newSysId();
          await store.createSession({
            sys_id: sysId,
            user: created.sys_id,
            name,
            number: '+15005550006',
            vendor: 'TWILIO_DIRECT',
            identity: sessionIdentity(sysId),
            available: true,
          });
        }
        if (name === 'eve') await store.setSessionAvailable(session.sys_id, false);
        await store.setUserGroups(created.sys_id, [name === 'fay' ? 'sales' : 'support']);
        colleagues.push(created);
      }
      const expected = colleagues
        .filter((c) => c.name !== 'eve' && c.name !== 'fay')
        .sort((a, b) => (a.name === b.name ? (a.sys_id < b.sys_id ? -1 : 1) : a.name < b.name ? -1 : 1));
      assert.deepEqual(await store.listAvailableColleagues(viewer.sys_id), expected);
      const pages: string[][] = [];
      let after: { name: string; sys_id: string } | undefined;
      for (;;) {
        const page = await store.listAvailableColleagues(viewer.sys_id, {
          limit: 2,
          ...(after && { after }),
        });
        if (!page.length) break;
        assert.ok(page.length <= 2);
        pages.push(page.map((u) => u.sys_id));
        after = page[page.length - 1]!;
      }
      assert.deepEqual(
        pages.flat(),
        expected.map((u) => u.sys_id),
      );
      assert.equal(pages.length, 3);
      assert.equal(await store.sharesGroup(viewer.sys_id, expected[0]!.sys_id), true);
      assert.equal(await store.sharesGroup(viewer.sys_id, colleagues.at(-1)!.sys_id), false);
    });

    it("tells when a write flips whether the user is available (not for a user's second session)", async () => {
      const events: PresenceEvent[] = [];
      const unsubscribe = await store.onPresence((event) => events.push(event));
      const { user, session: first } = await userWithSession('alice');
      const sysId = newSysId();
      await store.createSession({
        sys_id: sysId,
        user: user.sys_id,
        name: 'second',
        number: '+15005550006',
        vendor: 'TWILIO_DIRECT',
        identity: sessionIdentity(sysId),
        available: true,
      });
      await store.setSessionAvailable(first.sys_id, false); // the second is still available
      await store.deleteSession(sysId); // the last available one goes
      await store.setSessionAvailable(first.sys_id, true);
      const deadline = Date.now() + 3000;
      while (events.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await unsubscribe();
      assert.deepEqual(
        events.map((e) => [e.type, e.availability?.available]),
        [
          ['session.created', true],
          ['session.created', undefined],
          ['session.updated', undefined],
          ['session.removed', false],
          ['session.updated', true],
        ],
      );
      assert.deepEqual(events[0]!.availability!.client, user);
    });

    it('lists sessions, counts them and calls by status, and answers ping', async () => {
      const { user: alice, session: s1 } = await userWithSession('alice');
      const { session: s2 } = await userWithSession('bob');
      await store.setSessionAvailable(s2.sys_id, false);
      assert.deepEqual(
        (await store.listSessions()).map((s) => s.sys_id),
        [s1.sys_id, s2.sys_id],
      );
      assert.deepEqual(await store.listSessions({ user: alice.sys_id }), [s1]);
      const call = { direction: 'outbound', from: '+15005550006', to: '+15551234567' } as const;
      await store.upsertCall({ ...call, call_sid: 'CA1', status: 'completed' });
      await store.upsertCall({ ...call, call_sid: 'CA2', status: 'completed' });
      await store.upsertCall({ ...call, call_sid: 'CA3', status: 'ringing' });
      assert.deepEqual(await store.stats(), {
        sessions: 2,
        availableSessions: 1,
        callsByStatus: { completed: 2, ringing: 1 },
      });
      await store.ping();
    });

    it('expires sessions not seen since a cutoff: filtered out, never revived, swept once and published', async () => {
      const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
      const { user: alice, session: aliceOld } = await userWithSession('alice');
      const { user: bob, session: bobOld } = await userWithSession('bob');
      const { user: carol, session: carolOld } = await userWithSession('carol');
      for (const user of [alice, bob, carol]) await store.setUserGroups(user.sys_id, ['support']);
      await pause();
      const cutoff = new Date().toISOString();
      await pause();
      const bobNew = await store.createSession({
        ...bobOld,
        sys_id: newSysId(),
        identity: sessionIdentity(newSysId()),
      });

      // Only live rows count for routing and the available list; unfiltered reads see every row.
      assert.deepEqual((await store.listSessions({ liveSince: cutoff })).map((s) => s.sys_id).sort(), [
        bobNew.sys_id,
      ]);
      assert.deepEqual(await store.listSessions({ user: alice.sys_id, liveSince: cutoff }), []);
      assert.equal((await store.listSessions()).length, 4);
      assert.deepEqual(await store.listAvailableColleagues(carol.sys_id, { liveSince: cutoff }), [bob]);
      assert.deepEqual(await store.listAvailableColleagues(carol.sys_id), [alice, bob]);

      // An expired row is never revived by a heartbeat.
      assert.equal(await store.touchSession(aliceOld.sys_id, cutoff), false);
      assert.equal((await store.getSession(aliceOld.sys_id))?.last_seen, aliceOld.last_seen);

      const events: PresenceEvent[] = [];
      const unsubscribe = await store.onPresence((event) => events.push(event));
      // One user's expired rows only.
      assert.deepEqual(await store.deleteStaleSessions(cutoff, { user: bob.sys_id }), [bobOld]);
      const bySysId = (a: { sys_id: string }, b: { sys_id: string }) => a.sys_id.localeCompare(b.sys_id);
      const removed = await store.deleteStaleSessions(cutoff);
      assert.deepEqual(removed.sort(bySysId), [aliceOld, carolOld].sort(bySysId));
      assert.deepEqual(await store.deleteStaleSessions(cutoff), []);
      assert.equal(await store.getSession(aliceOld.sys_id), undefined);
      assert.deepEqual(await store.getSession(bobNew.sys_id), bobNew);

      const deadline = Date.now() + 3000;
      while (events.length < 3 && Date.now() < deadline) await pause();
      await unsubscribe();
      assert.deepEqual(
        events.map((e) => [e.type, e.session.sys_id, e.availability]).sort(),
        [
          // Bob keeps a live available session: nobody's list changes.
          ['session.removed', bobOld.sys_id, undefined],
          ['session.removed', aliceOld.sys_id, { client: alice, available: false }],
          ['session.removed', carolOld.sys_id, { client: carol, available: false }],
        ].sort(),
      );
    });

    it("publishes committed session changes with the user's groups", async () => {
      const events: PresenceEvent[] = [];
      const unsubscribe = await store.onPresence((event) => events.push(event));
      const alice = await store.findOrCreateUser('alice');
      await store.setUserGroups(alice.sys_id, ['support']);
      const [support] = await store.listUserGroups(alice.sys_id);
      const { session } = await (async () => {
        const sysId = newSysId();
        const created = await store.createSession({
          sys_id: sysId,
          user: alice.sys_id,
          name: 'Alice desk',
          number: '+15005550006',
          vendor: 'TWILIO_DIRECT',
          identity: sessionIdentity(sysId),
          available: true,
        });
        return { session: created };
      })();
      await store.setSessionAvailable(session.sys_id, false);
      await store.deleteSession(session.sys_id);
      await store.deleteSession(session.sys_id); // nothing to tell
      const summary = { sys_id: session.sys_id, user: alice.sys_id, name: 'Alice desk' };
      const client = { sys_id: alice.sys_id, name: 'alice' };
      const expected: PresenceEvent[] = [
        {
          type: 'session.created',
          session: { ...summary, available: true },
          groups: [support!.sys_id],
          availability: { client, available: true },
        },
        {
          type: 'session.updated',
          session: { ...summary, available: false },
          groups: [support!.sys_id],
          availability: { client, available: false },
        },
        // Already unavailable: removing the session changes nobody's list.
        { type: 'session.removed', session: { ...summary, available: false }, groups: [support!.sys_id] },
      ];
      const deadline = Date.now() + 3000;
      while (events.length < expected.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.deepEqual(events, expected);
      await unsubscribe();
      await store.setSessionAvailable(session.sys_id, true);
    });
  });
  describeRoutingContract(name, open, options);
  describeCallsContract(name, open, options);
  describeHistoryContract(name, open, options);
}
