import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { newSysId, sessionIdentity } from '../ids.js';
import type { CallStatus, NotifyStore } from '../store/store.js';

/**
 * The part of the store contract behind calls as objects: the conference a leg belongs to, and which
 * sessions are busy (call waiting off, on a call, or with a held call whose conference is live). Run by
 * `describeStoreContract` on every store.
 */
export function describeCallsContract(
  name: string,
  open: () => Promise<NotifyStore>,
  options: { skip?: string | boolean } = {},
): void {
  describe(`NotifyStore calls contract: ${name}`, { skip: options.skip ?? false }, () => {
    let store: NotifyStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    async function session(userName: string) {
      const user = await store.findOrCreateUser(userName);
      const sysId = newSysId();
      return store.createSession({
        sys_id: sysId,
        user: user.sys_id,
        name: userName,
        number: '+15005550006',
        vendor: 'TWILIO_DIRECT',
        identity: sessionIdentity(sysId),
        available: true,
      });
    }

    const leg = (callSid: string, status: CallStatus, sessionSysId: string | null = null) =>
      store.upsertCall({
        call_sid: callSid,
        session: sessionSysId,
        direction: 'outbound',
        from: 'client:x',
        to: '+15551234567',
        status,
      });

    it('records the conference of a leg, lists a conference’s legs, and starts every leg without one', async () => {
      const { call } = await leg('CAagent', 'in-progress');
      assert.equal(call.conference, null);
      assert.deepEqual(await store.getCall('CAagent'), call);
      await leg('CAcustomer', 'in-progress');
      await store.setCallConference('CAagent', 'notify-CAagent');
      await store.setCallConference('CAcustomer', 'notify-CAagent');
      await store.setCallConference('CAnobody', 'notify-CAagent'); // no row: nothing happens
      assert.equal((await store.getCall('CAagent'))?.conference, 'notify-CAagent');
      assert.deepEqual(
        (await store.listConferenceCalls('notify-CAagent')).map((c) => [c.call_sid, c.conference]),
        [
          ['CAagent', 'notify-CAagent'],
          ['CAcustomer', 'notify-CAagent'],
        ],
      );
      assert.deepEqual(await store.listConferenceCalls('notify-other'), []);
      // A later report keeps the conference.
      await leg('CAagent', 'completed');
      assert.equal((await store.getCall('CAagent'))?.conference, 'notify-CAagent');
    });

    it('tells busy sessions: a live leg, a held call whose conference has a live leg; not with call waiting', async () => {
      const talking = await session('talking');
      const holding = await session('holding');
      const done = await session('done');
      const waiting = await session('waiting');
      const idle = await session('idle');
      await leg('CA1', 'in-progress', talking.sys_id);
      // Held: the agent's own leg ended, the customer's is live in the call's conference.
      await leg('CA2', 'completed', holding.sys_id);
      await leg('CA2customer', 'in-progress');
      await store.setCallConference('CA2', 'notify-CA2');
      await store.setCallConference('CA2customer', 'notify-CA2');
      // Over: the agent's leg and the conference's legs have all ended.
      await leg('CA3', 'completed', done.sys_id);
      await leg('CA3customer', 'completed');
      await store.setCallConference('CA3', 'notify-CA3');
      await store.setCallConference('CA3customer', 'notify-CA3');
      await leg('CA4', 'ringing', waiting.sys_id);
      await store.setCallWaiting(waiting.sys_id, true);
      await store.setCallWaiting(waiting.sys_id, true); // idempotent
      const all = [talking, holding, done, waiting, idle].map((s) => s.sys_id);
      const long = new Date(Date.now() - 3_600_000).toISOString();
      assert.deepEqual(
        new Set(await store.busySessions(all, long)),
        new Set([talking.sys_id, holding.sys_id]),
      );
      await store.setCallWaiting(waiting.sys_id, false);
      assert.deepEqual(
        new Set(await store.busySessions(all, long)),
        new Set([talking.sys_id, holding.sys_id, waiting.sys_id]),
      );
      // Legs not updated since `since` (a lost final callback) make nobody busy.
      assert.deepEqual(await store.busySessions(all, new Date(Date.now() + 60_000).toISOString()), []);
      assert.deepEqual(await store.busySessions([], long), []);
      // Call waiting goes with its session.
      await store.setCallWaiting(idle.sys_id, true);
      assert.equal(await store.deleteSession(idle.sys_id), true);
    });
  });
}
