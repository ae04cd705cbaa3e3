/**
 * The routing decision for one incoming call (`sessionsToRing`: the indexed store query plus the routing
 * rule) at 1k/10k/100k live sessions on SQLite and PostgreSQL. Part of `npm run bench`; alone:
 * `npm run bench:routing` (prints the table and the query plans, writes nothing).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ringKey } from '../server/ids.js';
import { MAX_DIAL_TARGETS, sessionsToRing } from '../server/routing.js';
import { PostgresStore } from '../server/store/postgres.js';
import { PG_RINGABLE_SESSIONS_SQL } from '../server/store/postgres-sessions.js';
import { SqliteStore } from '../server/store/sqlite.js';
import { RINGABLE_SESSIONS_SQL } from '../server/store/sqlite-sessions.js';
import type { NotifyStore } from '../server/store/store.js';
import { PG_URL, timeIt } from './backend.js';
import { fmt, log, summarize, table } from './lib.js';

const NUMBER = '+15005550006';
/** Every agent keeps this many tabs open: the rule rings one of them. */
const SESSIONS_PER_USER = 2;

export interface RoutingResult {
  store: 'SQLite' | 'PostgreSQL';
  sessions: number;
  users: number;
  /** Sessions the decision rang (at most ten, one per user). */
  rung: number;
  /** ms per decision, each for a different CallSid (a different point of the ring). */
  times: number[];
  /** ms per decision of the rule this replaced (`readEverySession`), measured in the same run. */
  before: number[];
  /** EXPLAIN of the store query at this size. */
  plan: string;
}

/**
 * The routing this replaced, for comparison: every live session read and filtered in memory, oldest ten
 * sessions of group members (several of one user).
 */
async function readEverySession(store: NotifyStore, liveSince: string): Promise<unknown[]> {
  const sessions = (await store.listSessions({ liveSince })).filter(
    (s) => s.number === NUMBER && s.available,
  );
  const rung = [];
  const mayUse = new Map<string, boolean>();
  for (const session of sessions) {
    if (rung.length >= MAX_DIAL_TARGETS) break;
    let ok = mayUse.get(session.user);
    if (ok === undefined)
      mayUse.set(session.user, (ok = !!(await store.findNumberForUser(NUMBER, session.user))));
    if (ok) rung.push(session);
  }
  return rung;
}

/** Adds sessions [from, to) (users of SESSIONS_PER_USER sessions each) to the number's group. */
type BulkSeed = (from: number, to: number, group: string) => Promise<void>;

async function measure(
  kind: RoutingResult['store'],
  store: NotifyStore,
  sizes: number[],
  bulk: BulkSeed,
  explain: () => Promise<string>,
): Promise<RoutingResult[]> {
  const results: RoutingResult[] = [];
  const group = await store.findOrCreateGroup('demo');
  await store.upsertNumber({ number: NUMBER, vendor: 'TWILIO_DIRECT', group: group.sys_id });
  let seeded = 0;
  for (const size of sizes) {
    await bulk(seeded, size, group.sys_id);
    seeded = size;
    const liveSince = new Date(Date.now() - 90_000).toISOString();
    let call = 0;
    const decide = () =>
      sessionsToRing(store, NUMBER, `CA${(++call).toString(16).padStart(32, '0')}`, liveSince);
    const rung = (await decide()).length;
    const times = await timeIt(decide, 200, size >= 100_000 ? 4000 : 2000);
    const before = await timeIt(() => readEverySession(store, liveSince), 10, 1000);
    const plan = await explain();
    results.push({ store: kind, sessions: size, users: size / SESSIONS_PER_USER, rung, times, before, plan });
    log(`${kind}: routing at ${size} sessions: p99 ${fmt(summarize(times).p99, 3)} ms`);
  }
  return results;
}

async function sqlite(sizes: number[]): Promise<RoutingResult[]> {
  // A file, so that a second connection can seed in bulk in one transaction.
  const dir = mkdtempSync(join(tmpdir(), 'notify-bench-routing-'));
  const store = new SqliteStore(join(dir, 'bench.db'));
  const db = new Database(join(dir, 'bench.db'));
  try {
    const bulk: BulkSeed = async (from, to, group) => {
      const now = new Date().toISOString();
      const user = db.prepare('INSERT INTO sys_user (sys_id, name) VALUES (?, ?)');
      const member = db.prepare('INSERT INTO notify_group_member ("group", "user") VALUES (?, ?)');
      const session = db.prepare(
        `INSERT INTO notify_client_session
           (sys_id, "user", name, number, vendor, identity, available, connected_at, last_seen, ring_key)
         VALUES (?, ?, ?, ?, 'TWILIO_DIRECT', ?, 1, ?, ?, ?)`,
      );
      db.transaction(() => {
        for (let i = from; i < to; i += SESSIONS_PER_USER) {
          const userId = randomBytes(16).toString('hex');
          const name = `agent-${String(i).padStart(6, '0')}`;
          user.run(userId, name);
          member.run(group, userId);
          for (let k = 0; k < SESSIONS_PER_USER; k++) {
            const sessionId = randomBytes(16).toString('hex');
            session.run(sessionId, userId, name, NUMBER, `s_${sessionId}`, now, now, ringKey(userId));
          }
        }
      })();
      db.exec('ANALYZE');
    };
    const explain = async () =>
      (
        db
          .prepare(`EXPLAIN QUERY PLAN ${RINGABLE_SESSIONS_SQL}`)
          .all({ number: NUMBER, after: ringKey('x'), liveSince: '', limit: MAX_DIAL_TARGETS }) as Array<{
          detail: string;
        }>
      )
        .map((row) => row.detail)
        .join('\n');
    return await measure('SQLite', store, sizes, bulk, explain);
  } finally {
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(sizes: number[]): Promise<RoutingResult[]> {
  const schema = `bench_routing_${process.pid}`;
  const store = await PostgresStore.open({ connectionString: PG_URL, schema, dropSchemaOnClose: true });
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${schema}`);
    const bulk: BulkSeed = async (from, to, group) => {
      const users = `generate_series($1::int, $2::int - 1, ${SESSIONS_PER_USER}) AS i`;
      await client.query(
        `INSERT INTO sys_user (sys_id, name) SELECT md5('u' || i), 'agent-' || lpad(i::text, 6, '0') FROM ${users}`,
        [from, to],
      );
      await client.query(
        `INSERT INTO notify_group_member ("group", "user") SELECT $3, md5('u' || i) FROM ${users}`,
        [from, to, group],
      );
      // ring_key is generated from "user".
      await client.query(
        `INSERT INTO notify_client_session (sys_id, "user", name, number, vendor, identity, available, connected_at, last_seen)
         SELECT md5('s' || i || '-' || k), md5('u' || i), 'agent-' || i, $3, 'TWILIO_DIRECT',
           's_' || md5('s' || i || '-' || k), true, now(), now()
         FROM ${users}, generate_series(1, ${SESSIONS_PER_USER}) AS k`,
        [from, to, NUMBER],
      );
      await client.query('ANALYZE');
    };
    const explain = async () => {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, COSTS OFF, SUMMARY OFF) ${PG_RINGABLE_SESSIONS_SQL}`,
        [NUMBER, ringKey('x'), new Date(Date.now() - 90_000).toISOString(), MAX_DIAL_TARGETS],
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    };
    return await measure('PostgreSQL', store, sizes, bulk, explain);
  } finally {
    await client.end();
    await store.close();
  }
}

/** Both stores; PostgreSQL's absence is reported in `postgres`, not thrown. */
export async function runRouting(sizes: number[]): Promise<{ results: RoutingResult[]; postgres: string }> {
  const results = await sqlite(sizes);
  let status = 'measured';
  try {
    results.push(...(await postgres(sizes)));
  } catch (error) {
    status = `not measured: ${(error as Error).message.split('\n')[0]}`;
    log(`PostgreSQL: ${status}`);
  }
  return { results, postgres: status };
}

/** The BENCHMARKS.md table. */
export function routingTable(results: RoutingResult[]): string {
  return table(
    ['store', 'live sessions', 'users', 'rung', 'p50 ms', 'p99 ms', 'n', 'before: p50 ms (n)', 'p50 ratio'],
    results.map((r) => {
      const s = summarize(r.times);
      const b = summarize(r.before ?? []);
      return [
        r.store,
        r.sessions.toLocaleString('en-US'),
        r.users.toLocaleString('en-US'),
        r.rung,
        fmt(s.median, 3),
        `**${fmt(s.p99, 3)}**`,
        s.n,
        `${fmt(b.median, 1)} (${b.n})`,
        `${fmt(b.median / s.median, 0)}×`,
      ];
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.env.BENCH_QUICK === '1' ? [1000] : [1000, 10_000, 100_000];
  const { results, postgres: status } = await runRouting(sizes);
  console.log(`\n${routingTable(results)}\n\nPostgreSQL: ${status}`);
  for (const r of results.filter(
    (result) => process.env.BENCH_PLANS === 'all' || result.sessions === sizes.at(-1),
  )) {
    console.log(`\n${r.store} plan at ${r.sessions} sessions:\n${r.plan}`);
  }
}
