import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import { MAX_DIAL_TARGETS } from '../routing.js';
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
import { openSse } from './sse.js';

const skipPg = await skipWithoutPg();
const CALLER = '+15557654321';
const identities = (twiml: string) => [...twiml.matchAll(/<Identity>([^<]+)<\/Identity>/g)].map((m) => m[1]);

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(
    `fair routing, session cap, final statuses (${backend})`,
    {
      skip: backend === 'postgres' ? skipPg : false,
    },
    () => {
      const account = createDevAccount();
      const schemas: string[] = [];
      const apps: TestApp[] = [];
      let n = 0x7000;

      async function app(options: { maxSessionsPerUser?: number } = {}): Promise<TestApp> {
        const schema = testSchema();
        schemas.push(schema);
        const built = await makeApp({
          account,
          database: backend === 'postgres' ? pgUrl(schema) : ':memory:',
          processMetrics: false,
          ...options,
        });
        apps.push(built);
        return built;
      }
      const incoming = (target: TestApp, CallSid = callSid(++n)) =>
        postWebhook(target, account.authToken, '/twilio/voice', {
          AccountSid: account.accountSid,
          CallSid,
          CallStatus: 'ringing',
          Direction: 'inbound',
          From: CALLER,
          To: DEMO_NUMBER,
        });
      const sessionsOf = async (target: TestApp, who: SignedIn, count: number) => {
        const created: CreatedSession[] = [];
        for (let i = 0; i < count; i++) created.push(await createSession(target, who));
        return created;
      };

      after(async () => {
        for (const built of apps) await built.close();
        if (backend === 'postgres') for (const schema of schemas) await dropSchema(schema);
      });

      it('a member with many sessions rings once among the other members', async () => {
        const target = await app({ maxSessionsPerUser: 20 });
        const greedy = await signIn(target, 'greedy');
        const greedySessions = await sessionsOf(target, greedy, 10);
        const others = [await signIn(target, 'bob'), await signIn(target, 'carol')];
        const otherSessions = [];
        for (const who of others) otherSessions.push(...(await sessionsOf(target, who, 1)));

        const res = await incoming(target);
        assert.equal(res.statusCode, 200);
        const rung = identities(res.body);
        const greedyIds = new Set(greedySessions.map((s) => s.session.identity));
        assert.equal(rung.filter((identity) => greedyIds.has(identity!)).length, 1, res.body);
        assert.deepEqual(
          rung.filter((identity) => !greedyIds.has(identity!)).sort(),
          otherSessions.map((s) => s.session.identity).sort(),
        );
      });

      it('more than ten members: ten ring per call, each once, and different calls ring different members', async () => {
        const target = await app();
        const members: SignedIn[] = [];
        for (let i = 0; i < 13; i++) members.push(await signIn(target, `agent-${i}`));
        const identityOwner = new Map<string, string>();
        for (const who of members) {
          for (const s of await sessionsOf(target, who, 2))
            identityOwner.set(s.session.identity, who.user.sys_id);
        }
        const everRung = new Set<string>();
        for (let call = 0; call < 30; call++) {
          const rung = identities((await incoming(target)).body).map((identity) =>
            identityOwner.get(identity!),
          );
          assert.equal(rung.length, MAX_DIAL_TARGETS);
          assert.equal(new Set(rung).size, MAX_DIAL_TARGETS, 'one session per user');
          for (const user of rung) everRung.add(user!);
        }
        // Routing by age rang the same oldest ten every time; three members never rang.
        assert.equal(everRung.size, members.length);
      });

      it('the session cap closes the oldest session: its heartbeat answers 404 and presence hears it removed', async () => {
        const target = await app({ maxSessionsPerUser: 2 });
        const alice = await signIn(target, 'alice');
        const bob = await signIn(target, 'bob');
        const url = await target.listen({ port: 0, host: '127.0.0.1' });
        const stream = await openSse(`${url}/presence`, bob.headers);
        try {
          const [oldest, middle] = await sessionsOf(target, alice, 2);
          const newest = await createSession(target, alice);
          const removed = await stream.waitFor(
            (e) => e.event === 'session' && (e.data as { type: string }).type === 'session.removed',
          );
          assert.equal(
            (removed.data as { session: { sys_id: string } }).session.sys_id,
            oldest!.session.sys_id,
          );
          const beat = (s: CreatedSession) =>
            target.inject({
              method: 'POST',
              url: `/sessions/${s.session.sys_id}/heartbeat`,
              headers: alice.headers,
            });
          const closed = await beat(oldest!);
          assert.equal(closed.statusCode, 404);
          assert.equal((closed.json() as { error: { code: string } }).error.code, 'UNKNOWN_SESSION');
          assert.equal((await beat(middle!)).statusCode, 204);
          assert.equal((await beat(newest)).statusCode, 204);
          assert.deepEqual(
            (await target.notifyStore.listSessions({ user: alice.user.sys_id })).map((s) => s.sys_id),
            [middle!.session.sys_id, newest.session.sys_id],
          );
          // Alice never left the available list: no availability event about her.
          assert.equal(stream.events.filter((e) => e.event === 'availability').length, 1);
        } finally {
          stream.close();
        }
      });

      it('a signed status callback cannot change a terminal call status', async () => {
        const target = await app();
        const bob = await signIn(target, 'bob');
        const bobSession = await createSession(target, bob);
        const parent = callSid(++n);
        await incoming(target, parent);
        const child = callSid(++n);
        const status = (CallStatus: string, extra: Record<string, string> = {}) =>
          postWebhook(target, account.authToken, '/twilio/status', {
            CallSid: child,
            ParentCallSid: parent,
            CallStatus,
            From: CALLER,
            To: `client:${bobSession.session.identity}`,
            ...extra,
          });
        assert.equal((await status('completed', { CallDuration: '31' })).statusCode, 204);
        const done = await target.notifyStore.getCall(child);
        assert.equal(done?.status, 'completed');
        for (const late of ['canceled', 'no-answer', 'busy', 'failed', 'in-progress']) {
          const res = await status(late, { CallDuration: '2' });
          assert.equal(res.statusCode, 204);
          assert.deepEqual(await target.notifyStore.getCall(child), done, late);
        }
        assert.equal((await status('completed', { CallDuration: '31' })).statusCode, 204);
        assert.deepEqual(await target.notifyStore.getCall(child), done);
      });
    },
  );
}
