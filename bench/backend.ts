/**
 * Backend benchmarks in this Node process: getAvailableClients (GET /sessions/available through
 * app.inject, and the store query alone) at 1k/10k/100k sessions on SQLite and PostgreSQL, and the
 * token minting rate against plain HS256 signing with jose.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { buildServer } from '../server/app.js';
import { SqliteStore } from '../server/store/sqlite.js';
import type { NotifyStore } from '../server/store/store.js';
import { mintVoiceToken } from '../server/twilio.js';
import { createDevAccount } from '../scripts/dev-account.js';
import { log } from './lib.js';

const DEMO_NUMBER = '+15005550006';
export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ScaleResult {
  store: 'SQLite' | 'PostgreSQL';
  sessions: number;
  seedSeconds: number;
  /** GET /sessions/available through app.inject (routing, auth, query, JSON serialisation). */
  http: number[] | null;
  httpError?: string;
  /** The store query alone. */
  query: number[];
  returned: number;
}

type StoreWithColleagues = NotifyStore & {
  listAvailableColleagues?: (user: string) => Promise<unknown[]>;
};

async function seed(store: NotifyStore, from: number, to: number, groupSysId: string, concurrency: number) {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const i = next++;
      const user = await store.findOrCreateUser(`agent-${String(i).padStart(6, '0')}`);
      await store.addGroupMember(groupSysId, user.sys_id);
      const sysId = randomBytes(16).toString('hex');
      await store.createSession({
        sys_id: sysId,
        user: user.sys_id,
        name: user.name,
        number: DEMO_NUMBER,
        vendor: 'TWILIO_DIRECT',
        identity: `s_${sysId}`,
        available: true,
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export async function timeIt(
  fn: () => Promise<unknown>,
  minRuns: number,
  budgetMs: number,
): Promise<number[]> {
  await fn(); // warm-up
  const times: number[] = [];
  const started = performance.now();
  while (times.length < minRuns || (performance.now() - started < budgetMs && times.length < 2000)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    if (times.length >= minRuns && performance.now() - started > budgetMs * 3) break;
  }
  return times;
}

/** Bulk seeding in one statement per table (PostgreSQL): generate_series, md5 ids. */
type BulkSeed = (from: number, to: number, groupSysId: string) => Promise<void>;

async function scale(
  kind: ScaleResult['store'],
  open: () => Promise<NotifyStore>,
  sizes: number[],
  seedBudgetSeconds: number,
  bulk?: BulkSeed,
): Promise<ScaleResult[]> {
  const results: ScaleResult[] = [];
  const store = (await open()) as StoreWithColleagues;
  const account = createDevAccount();
  const app = await buildServer({
    database: ':memory:',
    store,
    account,
    publicUrl: 'http://127.0.0.1/api',
    sessionSecret: randomBytes(32).toString('hex'),
    devSignIn: true,
    // The bench is one client hammering one route; the production limiter would answer 429.
    ...({ rateLimit: false } as object),
    seed: { numbers: [{ number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT', group: 'demo' }] },
  });
  try {
    const signIn = await app.inject({
      method: 'POST',
      url: '/auth/dev-sign-in',
      payload: { name: 'bench-viewer' },
    });
    const bearer = signIn.statusCode < 300 ? (signIn.json() as { token: string }).token : undefined;
    const viewer = signIn.statusCode < 300 ? (signIn.json() as { user: { sys_id: string } }).user.sys_id : '';
    const group = await store.findOrCreateGroup('demo');
    const query = () =>
      store.listAvailableColleagues
        ? store.listAvailableColleagues(viewer)
        : store.listAvailableUsers(viewer);
    let seeded = 0;
    let seedSeconds = 0;
    for (const size of sizes) {
      const t0 = performance.now();
      const concurrency = 16;
      // Seed in slices, stopping when the projected time exceeds the budget.
      while (seeded < size) {
        const slice = Math.min(size, seeded + (bulk ? 50_000 : 5000));
        if (bulk) await bulk(seeded, slice, group.sys_id);
        else await seed(store, seeded, slice, group.sys_id, concurrency);
        seeded = slice;
        const elapsed = (performance.now() - t0) / 1000 + seedSeconds;
        if ((elapsed / seeded) * size > seedBudgetSeconds && seeded < size) break;
      }
      seedSeconds += (performance.now() - t0) / 1000;
      if (seeded < size) {
        log(`${kind}: seeding ${size} sessions would exceed ${seedBudgetSeconds} s; stopping at ${seeded}`);
        break;
      }
      log(`${kind}: ${size} sessions seeded (${seedSeconds.toFixed(1)} s); measuring`);
      const returned = ((await query()) as unknown[]).length;
      const budget = size >= 100_000 ? 4000 : 2000;
      const q = await timeIt(query, 20, budget);
      let http: number[] | null = null;
      let httpError: string | undefined;
      if (bearer) {
        const probe = await app.inject({
          method: 'GET',
          url: '/sessions/available',
          headers: { authorization: `Bearer ${bearer}` },
        });
        if (probe.statusCode === 200) {
          http = await timeIt(
            () =>
              app.inject({
                method: 'GET',
                url: '/sessions/available',
                headers: { authorization: `Bearer ${bearer}` },
              }),
            20,
            budget,
          );
        } else httpError = `GET /sessions/available answered ${probe.statusCode}`;
      } else httpError = `dev sign-in answered ${signIn.statusCode}`;
      results.push({
        store: kind,
        sessions: size,
        seedSeconds,
        http,
        query: q,
        returned,
        ...(httpError ? { httpError } : {}),
      });
    }
  } finally {
    await app.close();
    await store.close();
  }
  return results;
}

export async function runScale(sizes: number[]): Promise<{ results: ScaleResult[]; postgres: string }> {
  // A file (not ':memory:') so that a second connection can seed rows in bulk, in one transaction.
  const dir = mkdtempSync(join(tmpdir(), 'notify-bench-'));
  const file = join(dir, 'bench.db');
  const Database = (await import('better-sqlite3')).default;
  let db: InstanceType<typeof Database> | undefined;
  const sqliteBulk: BulkSeed = async (from, to, group) => {
    db ??= new Database(file);
    const now = new Date().toISOString();
    const user = db.prepare('INSERT INTO sys_user (sys_id, name) VALUES (?, ?)');
    const member = db.prepare('INSERT INTO notify_group_member ("group", "user") VALUES (?, ?)');
    const session = db.prepare(
      `INSERT INTO notify_client_session (sys_id, "user", name, number, vendor, identity, available, connected_at, last_seen)
       VALUES (?, ?, ?, ?, 'TWILIO_DIRECT', ?, 1, ?, ?)`,
    );
    db.transaction(() => {
      for (let i = from; i < to; i++) {
        const userId = randomBytes(16).toString('hex');
        const sessionId = randomBytes(16).toString('hex');
        const name = `agent-${String(i).padStart(6, '0')}`;
        user.run(userId, name);
        member.run(group, userId);
        session.run(sessionId, userId, name, DEMO_NUMBER, `s_${sessionId}`, now, now);
      }
    })();
    db.exec('ANALYZE');
  };
  let results: ScaleResult[];
  try {
    results = await scale('SQLite', async () => new SqliteStore(file), sizes, 120, sqliteBulk);
  } finally {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  let postgres = 'measured';
  try {
    const mod = (await import('../server/store/postgres.js')) as {
      PostgresStore?: {
        open(o: {
          connectionString: string;
          schema?: string;
          dropSchemaOnClose?: boolean;
          max?: number;
        }): Promise<NotifyStore>;
      };
    };
    if (!mod.PostgresStore) throw new Error('server/store/postgres.ts exports no PostgresStore');
    const schema = `bench_${process.pid}`;
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    const bulk: BulkSeed = async (from, to, group) => {
      await client.query(`SET search_path TO ${schema}`);
      const series = 'generate_series($1::int, $2::int - 1) AS i';
      const name = `'agent-' || lpad(i::text, 6, '0')`;
      await client.query(`INSERT INTO sys_user (sys_id, name) SELECT md5('u' || i), ${name} FROM ${series}`, [
        from,
        to,
      ]);
      await client.query(
        `INSERT INTO notify_group_member ("group", "user") SELECT $3, md5('u' || i) FROM ${series}`,
        [from, to, group],
      );
      await client.query(
        `INSERT INTO notify_client_session (sys_id, "user", name, number, vendor, identity, available, connected_at, last_seen)
         SELECT md5('s' || i), md5('u' || i), ${name}, $3, 'TWILIO_DIRECT', 's_' || md5('s' || i), true, now(), now()
         FROM ${series}`,
        [from, to, DEMO_NUMBER],
      );
      await client.query('ANALYZE');
    };
    try {
      results.push(
        ...(await scale(
          'PostgreSQL',
          () =>
            mod.PostgresStore!.open({ connectionString: PG_URL, schema, dropSchemaOnClose: true, max: 16 }),
          sizes,
          150,
          bulk,
        )),
      );
    } finally {
      await client.end();
    }
  } catch (error) {
    postgres = `pending: ${(error as Error).message.split('\n')[0]}`;
    log(`PostgreSQL: ${postgres}`);
  }
  return { results, postgres };
}

export interface MintResult {
  /** Tokens per second per run. */
  twilio: number[];
  jose: number[];
}

/** Token minting: the backend's mintVoiceToken (twilio AccessToken) vs jose HS256 of the same claims. */
export async function runMinting(runs: number, perRun: number): Promise<MintResult> {
  const account = createDevAccount();
  const key = new TextEncoder().encode(account.apiKeySecret);
  const jose = async (identity: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      grants: {
        identity,
        voice: { incoming: { allow: true }, outgoing: { application_sid: account.twimlAppSid } },
      },
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' })
      .setJti(`${account.apiKeySid}-${now}`)
      .setIssuer(account.apiKeySid)
      .setSubject(account.accountSid)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key);
  };
  const result: MintResult = { twilio: [], jose: [] };
  for (let i = 0; i < 200; i++) {
    mintVoiceToken(account, `s_warm${i}`, 3600);
    await jose(`s_warm${i}`);
  }
  for (let r = 0; r < runs; r++) {
    // Interleave the two so drift (GC, frequency) hits both alike.
    let t0 = performance.now();
    for (let i = 0; i < perRun; i++) mintVoiceToken(account, `s_${r}_${i}`, 3600);
    result.twilio.push(perRun / ((performance.now() - t0) / 1000));
    t0 = performance.now();
    for (let i = 0; i < perRun; i++) await jose(`s_${r}_${i}`);
    result.jose.push(perRun / ((performance.now() - t0) / 1000));
  }
  return result;
}
