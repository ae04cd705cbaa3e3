import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { newSysId, sessionIdentity } from '../ids.js';
import type { NotifyStore } from '../store/store.js';

const ISSUER = 'https://host.test';

/**
 * The identity part of the store contract (host identity namespace, claim ordering, sign-out), run on
 * every `NotifyStore` like `describeStoreContract`.
 */
export function describeIdentityContract(
  name: string,
  open: () => Promise<NotifyStore>,
  options: { skip?: string | boolean } = {},
): void {
  describe(`NotifyStore identity contract: ${name}`, { skip: options.skip ?? false }, () => {
    let store: NotifyStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    const groupNames = async (user: string) => (await store.listUserGroups(user)).map((g) => g.name);

    it('maps a host identity to a sys_id generated here, never the subject, one user under concurrency', async () => {
      const colleague = await store.findOrCreateUser('Carol');
      const created = await Promise.all(
        Array.from({ length: 5 }, () => store.createHostUser(ISSUER, colleague.sys_id, 'Mallory')),
      );
      const ids = new Set(created.map((h) => h.user.sys_id));
      assert.equal(ids.size, 1);
      const [mallory] = created;
      assert.notEqual(mallory!.user.sys_id, colleague.sys_id);
      assert.match(mallory!.user.sys_id, /^[0-9a-f]{32}$/);
      assert.deepEqual(await store.getUser(colleague.sys_id), colleague);
      assert.deepEqual(await store.findHostUser(ISSUER, colleague.sys_id), mallory);
      // The same subject from another issuer is another identity.
      const other = await store.createHostUser('https://other.test', colleague.sys_id, 'Other');
      assert.notEqual(other.user.sys_id, mallory!.user.sys_id);
      assert.equal(await store.findHostUser(ISSUER, 'nobody'), undefined);
    });

    it('adopts an unmapped legacy user once; a mapped one is never adopted by another identity', async () => {
      const legacy = await store.upsertUser({ sys_id: newSysId(), name: 'Dave' });
      const dave = await store.createHostUser(ISSUER, 'dave', 'Dave', legacy.sys_id);
      assert.equal(dave.user.sys_id, legacy.sys_id);
      const eve = await store.createHostUser(ISSUER, 'eve', 'Eve', legacy.sys_id);
      assert.notEqual(eve.user.sys_id, legacy.sys_id);
      assert.deepEqual(await store.getUser(legacy.sys_id), legacy);
    });

    it('applies host claims only from a newer iat; of concurrent ones the newest wins', async () => {
      const { user } = await store.createHostUser(ISSUER, 'alice', 'Alice');
      assert.equal(
        await store.applyHostClaims(ISSUER, 'alice', 100, { name: 'A', groups: ['x', 'y'] }),
        true,
      );
      assert.equal(await store.applyHostClaims(ISSUER, 'alice', 200, { name: 'B', groups: ['x'] }), true);
      assert.equal(
        await store.applyHostClaims(ISSUER, 'alice', 100, { name: 'A', groups: ['x', 'y'] }),
        false,
      );
      assert.equal(await store.applyHostClaims(ISSUER, 'alice', 200, { name: 'C', groups: ['z'] }), false);
      assert.deepEqual(await groupNames(user.sys_id), ['x']);
      assert.equal((await store.getUser(user.sys_id))?.name, 'B');
      assert.equal((await store.findHostUser(ISSUER, 'alice'))?.lastIssuedAt, 200);
      const results = await Promise.all([
        store.applyHostClaims(ISSUER, 'alice', 300, { name: 'Old', groups: ['old'] }),
        store.applyHostClaims(ISSUER, 'alice', 400, { name: 'New', groups: ['new'] }),
        store.applyHostClaims(ISSUER, 'alice', 350, { name: 'Mid', groups: ['mid'] }),
      ]);
      assert.equal(results[1], true);
      assert.deepEqual(await groupNames(user.sys_id), ['new']);
      assert.equal((await store.getUser(user.sys_id))?.name, 'New');
      assert.equal((await store.findHostUser(ISSUER, 'alice'))?.lastIssuedAt, 400);
    });

    it('signOut bumps the token generation, records the time, removes the sessions and tells listeners', async () => {
      const alice = await store.findOrCreateUser('alice');
      const bob = await store.findOrCreateUser('bob');
      for (const user of [alice, bob]) {
        const sysId = newSysId();
        await store.createSession({
          sys_id: sysId,
          user: user.sys_id,
          name: user.name,
          number: '+15005550006',
          vendor: 'TWILIO_DIRECT',
          identity: sessionIdentity(sysId),
          available: true,
        });
      }
      assert.deepEqual(await store.getSignInState(alice.sys_id), {
        user: alice,
        tokenGeneration: 0,
        signedOutAt: null,
      });
      const heard: string[] = [];
      let wake: () => void = () => undefined;
      const signedOut = new Promise<void>((resolve) => (wake = resolve));
      const stop = await store.onSignOut((user) => {
        heard.push(user);
        wake();
      });
      try {
        const removed = await store.signOut(alice.sys_id, 1_900_000_000);
        assert.deepEqual(
          removed.map((s) => s.user),
          [alice.sys_id],
        );
        await signedOut;
        assert.deepEqual(heard, [alice.sys_id]);
      } finally {
        await stop();
      }
      assert.deepEqual(await store.getSignInState(alice.sys_id), {
        user: alice,
        tokenGeneration: 1,
        signedOutAt: 1_900_000_000,
      });
      assert.deepEqual(await store.listSessions({ user: alice.sys_id }), []);
      assert.equal((await store.listSessions({ user: bob.sys_id })).length, 1);
      assert.equal((await store.getSignInState(bob.sys_id))?.tokenGeneration, 0);
      assert.equal(await store.getSignInState(newSysId()), undefined);
    });
  });
}
