import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import type { CallHistoryEntry, CallHistoryPage } from '../call-history.js';
import {
  DEMO_NUMBER,
  callSid,
  createSession,
  makeApp,
  postWebhook,
  signIn,
  type CreatedSession,
  type SignedIn,
  type TestApp,
} from './helpers.js';
import { dropSchema, pgUrl, skipWithoutPg, testSchema } from './pg.js';

const skipPg = await skipWithoutPg();
const CALLER = '+15557654321';
const CALLEE = '+15551234567';

/** Resolves once the clock shows another millisecond: calls recorded after it sort as newer. */
async function nextMillisecond(): Promise<void> {
  const start = new Date().toISOString();
  while (new Date().toISOString() === start) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * `GET /calls` through the Twilio webhooks that record the legs: a call placed to a number, a call from a
 * number, a colleague's call, each with its outcome and duration; paging; only one's own calls; the history
 * outliving the session.
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`GET /calls (${backend})`, { skip: backend === 'postgres' ? skipPg : false }, () => {
    const account = createDevAccount();
    const schema = testSchema();
    let app: TestApp;
    let alice: SignedIn;
    let bob: SignedIn;
    let carol: SignedIn;
    let aliceS: CreatedSession;
    let bobS: CreatedSession;
    let n = 0xca11;
    const sid = () => callSid(++n);
    const webhook = (path: string, params: Record<string, string>) =>
      postWebhook(app, account.authToken, path, { AccountSid: account.accountSid, ...params });
    const history = async (who: SignedIn, query = ''): Promise<CallHistoryPage> => {
      const res = await app.inject({ method: 'GET', url: `/calls${query}`, headers: who.headers });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as CallHistoryPage;
    };
    const summary = (e: CallHistoryEntry) => ({
      direction: e.direction,
      outcome: e.outcome,
      duration: e.duration,
      number: e.number,
      colleague: e.colleague?.name ?? null,
    });

    before(async () => {
      app = await makeApp({
        account,
        ...(backend === 'postgres' && { database: pgUrl(schema) }),
      });
      alice = await signIn(app, 'alice');
      bob = await signIn(app, 'bob');
      carol = await signIn(app, 'carol');
      aliceS = await createSession(app, alice);
      bobS = await createSession(app, bob);
    });
    after(async () => {
      await app?.close();
      if (backend === 'postgres') await dropSchema(schema);
    });

    it('lists placed, received and colleague calls with outcomes and durations, newest first, paged', async () => {
      // 1. Alice calls a number; it answers and talks 42 s.
      const placed = sid();
      const from = `client:${aliceS.session.identity}`;
      assert.equal(
        (await webhook('/twilio/voice', { CallSid: placed, From: from, To: CALLEE })).statusCode,
        200,
      );
      const dialled = sid();
      for (const [status, extra] of [
        ['ringing', {}],
        ['in-progress', {}],
        ['completed', { CallDuration: '42' }],
      ] as const) {
        await webhook('/twilio/status', {
          CallSid: dialled,
          ParentCallSid: placed,
          From: DEMO_NUMBER,
          To: CALLEE,
          CallStatus: status,
          ...extra,
        });
      }
      await nextMillisecond();
      // 2. A caller rings the number; Alice's and Bob's sessions ring, nobody answers.
      const incoming = sid();
      const voice = await webhook('/twilio/voice', { CallSid: incoming, From: CALLER, To: DEMO_NUMBER });
      assert.match(voice.body, /<Client /);
      const aliceLeg = sid();
      await webhook('/twilio/status', {
        CallSid: aliceLeg,
        ParentCallSid: incoming,
        From: CALLER,
        To: `client:${aliceS.session.identity}`,
        CallStatus: 'no-answer',
        CallDuration: '0',
      });
      await nextMillisecond();
      // 3. Bob calls Alice (by user id), she answers and they talk 7 s.
      const bobPlaced = sid();
      await webhook('/twilio/voice', {
        CallSid: bobPlaced,
        From: `client:${bobS.session.identity}`,
        To: `client:${alice.user.sys_id}`,
      });
      const toAlice = sid();
      await webhook('/twilio/status', {
        CallSid: toAlice,
        ParentCallSid: bobPlaced,
        From: `client:${bobS.session.identity}`,
        To: `client:${aliceS.session.identity}`,
        CallStatus: 'completed',
        CallDuration: '7',
      });
      await nextMillisecond();
      // 4. Alice calls a busy number.
      const busy = sid();
      await webhook('/twilio/voice', { CallSid: busy, From: from, To: '+15550000000' });
      await webhook('/twilio/status', {
        CallSid: sid(),
        ParentCallSid: busy,
        From: DEMO_NUMBER,
        To: '+15550000000',
        CallStatus: 'busy',
      });

      const all = await history(alice);
      assert.equal(all.next, null);
      assert.deepEqual(all.calls.map(summary), [
        { direction: 'outbound', outcome: 'busy', duration: 0, number: '+15550000000', colleague: null },
        { direction: 'inbound', outcome: 'answered', duration: 7, number: null, colleague: 'bob' },
        { direction: 'inbound', outcome: 'missed', duration: 0, number: CALLER, colleague: null },
        { direction: 'outbound', outcome: 'answered', duration: 42, number: CALLEE, colleague: null },
      ]);
      assert.deepEqual(
        all.calls.map((c) => [c.callSid, c.parentCallSid]),
        [
          [busy, null],
          [toAlice, bobPlaced],
          [aliceLeg, incoming],
          [placed, null],
        ],
      );
      assert.equal(all.calls[1]!.colleague?.sys_id, bob.user.sys_id);
      for (const c of all.calls) assert.ok(!Number.isNaN(Date.parse(c.startedAt)));

      // Bob sees his side of his call to Alice (answered, 7 s), and nothing of Alice's.
      const bobs = await history(bob);
      assert.deepEqual(bobs.calls.map(summary), [
        { direction: 'outbound', outcome: 'answered', duration: 7, number: null, colleague: 'alice' },
      ]);
      assert.deepEqual(await history(carol), { calls: [], next: null });

      // Pages of two, then the rest, then nothing: the same entries in the same order.
      const first = await history(alice, '?limit=2');
      assert.deepEqual(first.calls, all.calls.slice(0, 2));
      assert.ok(first.next);
      const second = await history(alice, `?limit=2&cursor=${first.next}`);
      assert.deepEqual(second.calls, all.calls.slice(2));
      assert.equal(second.next, null);
    });

    it('keeps the history once the session is gone, and a new session adds to it', async () => {
      const before = await history(alice);
      const del = await app.inject({
        method: 'DELETE',
        url: `/sessions/${aliceS.session.sys_id}`,
        headers: alice.headers,
      });
      assert.equal(del.statusCode, 204);
      assert.deepEqual(await history(alice), before);
      await nextMillisecond();
      aliceS = await createSession(app, alice);
      const again = sid();
      await webhook('/twilio/voice', {
        CallSid: again,
        From: `client:${aliceS.session.identity}`,
        To: CALLEE,
      });
      const after = await history(alice);
      assert.equal(after.calls[0]!.callSid, again);
      assert.equal(after.calls[0]!.outcome, 'active');
      assert.deepEqual(after.calls.slice(1), before.calls);
    });

    it('answers a bad cursor or limit with 400 VALIDATION_FAILED', async () => {
      for (const query of ['?cursor=bm9wZQ', '?cursor=', '?limit=0', '?limit=501', '?limit=x']) {
        const res = await app.inject({ method: 'GET', url: `/calls${query}`, headers: alice.headers });
        assert.equal(res.statusCode, 400, query);
        assert.equal(res.json().error.code, 'VALIDATION_FAILED', query);
      }
    });
  });
}
