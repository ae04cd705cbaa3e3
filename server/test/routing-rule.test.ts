import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newSysId, ringKey } from '../ids.js';
import { MAX_DIAL_TARGETS, onePerUser, sessionsToRing } from '../routing.js';
import type { ClientSession, NotifyStore, RingQuery } from '../store/store.js';
import { callSid } from './helpers.js';

const NUMBER = '+15005550006';

function sessionOf(user: string, connectedAt = '2026-12-05T00:00:00.000Z'): ClientSession {
  const sysId = newSysId();
  return {
    sys_id: sysId,
    user,
    name: user,
    number: NUMBER,
    vendor: 'TWILIO_DIRECT',
    identity: `s_${sysId}`,
    available: true,
    connected_at: connectedAt,
    last_seen: connectedAt,
  };
}

/**
 * The store's side of the contract (store-contract-routing.ts checks the real ones): ringable sessions in
 * ring order, one per user, after a key, limited. Counts the queries it answers.
 */
function fakeStore(sessions: ClientSession[]) {
  const queries: RingQuery[] = [];
  const store: Pick<NotifyStore, 'listRingableSessions'> = {
    async listRingableSessions(number, query) {
      queries.push(query);
      const ring = onePerUser(
        sessions
          .filter((s) => s.number === number)
          .sort((a, b) => ringKey(a.user).localeCompare(ringKey(b.user)) || (a.user < b.user ? -1 : 1)),
      );
      return ring.filter((s) => ringKey(s.user) > (query.after ?? '')).slice(0, query.limit);
    },
  };
  return { store, queries };
}

const users = (n: number) => Array.from({ length: n }, () => newSysId());

describe('routing rule: who an incoming call rings', () => {
  it('a member with many sessions rings once among the other members', async () => {
    const [greedy, ...others] = users(4);
    const sessions = [
      ...Array.from({ length: 12 }, () => sessionOf(greedy!)),
      ...others.map((user) => sessionOf(user)),
    ];
    const { store } = fakeStore(sessions);
    const rung = await sessionsToRing(store, NUMBER, callSid(1), '');
    assert.deepEqual(rung.map((s) => s.user).sort(), [greedy, ...others].sort());
  });

  it('rings at most ten users, each once, in ring order from the call’s point, wrapping around', async () => {
    const group = users(25);
    const { store } = fakeStore(group.map((user) => sessionOf(user)));
    const sid = callSid(7);
    const rung = await sessionsToRing(store, NUMBER, sid, '');
    assert.equal(rung.length, MAX_DIAL_TARGETS);
    assert.equal(new Set(rung.map((s) => s.user)).size, MAX_DIAL_TARGETS);
    // The ten users following ringKey(CallSid) on the ring, clockwise.
    const ring = [...group].sort((a, b) => ringKey(a).localeCompare(ringKey(b)));
    const start = ring.findIndex((user) => ringKey(user) > ringKey(sid));
    const clockwise = [...ring, ...ring].slice(start === -1 ? 0 : start).slice(0, MAX_DIAL_TARGETS);
    assert.deepEqual(
      rung.map((s) => s.user),
      clockwise,
    );
  });

  it('rings everybody of a small group, each once, whatever the call’s point', async () => {
    const group = users(3);
    const { store, queries } = fakeStore(group.flatMap((user) => [sessionOf(user), sessionOf(user)]));
    for (let n = 0; n < 20; n++) {
      const rung = await sessionsToRing(store, NUMBER, callSid(n), '');
      assert.deepEqual(rung.map((s) => s.user).sort(), [...group].sort());
    }
    // Never more than two queries per call: the clockwise page and the wrapped one.
    assert.ok(queries.length <= 40);
  });

  it('does not always favour the same users: over many calls every member of a large group rings', async () => {
    const group = users(40);
    const { store } = fakeStore(group.map((user) => sessionOf(user)));
    const rungCount = new Map<string, number>();
    for (let n = 0; n < 400; n++) {
      for (const session of await sessionsToRing(store, NUMBER, callSid(0x1000 + n), '')) {
        rungCount.set(session.user, (rungCount.get(session.user) ?? 0) + 1);
      }
    }
    assert.equal(rungCount.size, group.length);
    // 400 calls × 10 places over 40 users: about 100 each (a user's share is the span of the ten ring keys
    // before theirs); nobody is left near zero.
    assert.ok(Math.min(...rungCount.values()) >= 5, JSON.stringify([...rungCount.values()]));
  });

  it('the same call (a retried webhook) rings the same users', async () => {
    const { store } = fakeStore(users(30).map((user) => sessionOf(user)));
    const first = await sessionsToRing(store, NUMBER, callSid(42), '');
    const again = await sessionsToRing(store, NUMBER, callSid(42), '');
    assert.deepEqual(again, first);
  });

  it('nobody available: rings nobody', async () => {
    const { store } = fakeStore([]);
    assert.deepEqual(await sessionsToRing(store, NUMBER, callSid(1), ''), []);
  });
});
