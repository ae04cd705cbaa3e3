import type pg from 'pg';
import { newSysId } from '../ids.js';
import {
  LIVE_CALL_STATUSES,
  mergeCall,
  reportedDuration,
  type CallFilter,
  type CallRecord,
  type CallReport,
  type CallCursor,
  type CallHistoryRow,
  type CallUpsertResult,
} from './store.js';

// The call queries of the postgres store: notify_call rows, merged report by report (`mergeCall`).
// Each function runs on the client it is given; the store decides the transaction.

type Queryable = pg.Pool | pg.PoolClient;

interface CallRow extends Omit<CallRecord, 'created_at' | 'updated_at'> {
  created_at: Date;
  updated_at: Date;
}

const CALL_COLUMNS = `sys_id, call_sid, parent_call_sid, parent_sys_id, session, "user", direction, "from", "to",
  status, duration, conference, created_at, updated_at`;

const toCall = (row: CallRow): CallRecord => ({
  ...row,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

const now = () => new Date().toISOString();

/**
 * Whose leg one of `session`'s is: the session's user or, the session already deleted (its client went
 * away before the last status callback), the user an earlier leg of the same session recorded.
 */
async function sessionUser(db: Queryable, session: string | null | undefined): Promise<string | null> {
  if (!session) return null;
  const { rows } = await db.query<{ user: string | null }>(
    `SELECT coalesce(
       (SELECT "user" FROM notify_client_session WHERE sys_id = $1),
       (SELECT "user" FROM notify_call WHERE session = $1 AND "user" IS NOT NULL LIMIT 1)) AS "user"`,
    [session],
  );
  return rows[0]?.user ?? null;
}

/** Inside a transaction. */
export async function upsertCall(client: pg.PoolClient, report: CallReport): Promise<CallUpsertResult> {
  // A parent and its children serialise on the parent's CallSid, so a child inserted while its parent is
  // being inserted elsewhere is still linked by one of the two transactions.
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
    `notify-call:${report.parent_call_sid ?? report.call_sid}`,
  ]);
  if (report.parent_call_sid) {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`notify-call:${report.call_sid}`]);
  }
  const parent = report.parent_call_sid
    ? await client.query<{ sys_id: string }>('SELECT sys_id FROM notify_call WHERE call_sid = $1', [
        report.parent_call_sid,
      ])
    : undefined;
  const parentSysId = parent?.rows[0]?.sys_id ?? null;
  const at = now();
  const inserted = await client.query<CallRow>(
    `INSERT INTO notify_call (${CALL_COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, $12)
     ON CONFLICT (call_sid) DO NOTHING
     RETURNING ${CALL_COLUMNS}`,
    [
      newSysId(),
      report.call_sid,
      report.parent_call_sid ?? null,
      parentSysId,
      report.session ?? null,
      await sessionUser(client, report.session),
      report.direction,
      report.from,
      report.to,
      report.status,
      reportedDuration(report),
      at,
    ],
  );
  if (inserted.rows[0]) {
    const call = toCall(inserted.rows[0]);
    // Children whose callbacks arrived before this parent learn its sys_id now.
    await client.query(
      'UPDATE notify_call SET parent_sys_id = $1 WHERE parent_call_sid = $2 AND parent_sys_id IS NULL',
      [call.sys_id, call.call_sid],
    );
    return { call, changed: true };
  }
  const { rows } = await client.query<CallRow>(
    `SELECT ${CALL_COLUMNS} FROM notify_call WHERE call_sid = $1 FOR UPDATE`,
    [report.call_sid],
  );
  const existing = toCall(rows[0]!);
  const user = existing.user ? null : await sessionUser(client, existing.session ?? report.session);
  const patch = mergeCall(existing, report, parentSysId, user);
  if (!patch) return { call: existing, changed: false };
  const call: CallRecord = { ...existing, ...patch, updated_at: at };
  await client.query(
    `UPDATE notify_call SET parent_call_sid = $1, parent_sys_id = $2, session = $3, "to" = $4, status = $5,
       duration = $6, updated_at = $7, "user" = $9
     WHERE sys_id = $8`,
    [
      call.parent_call_sid,
      call.parent_sys_id,
      call.session,
      call.to,
      call.status,
      call.duration ?? null,
      at,
      call.sys_id,
      call.user ?? null,
    ],
  );
  return { call, changed: true };
}

export async function getCall(db: Queryable, callSid: string): Promise<CallRecord | undefined> {
  const { rows } = await db.query<CallRow>(`SELECT ${CALL_COLUMNS} FROM notify_call WHERE call_sid = $1`, [
    callSid,
  ]);
  return rows[0] && toCall(rows[0]);
}

export async function listCalls(db: Queryable, filter: CallFilter): Promise<CallRecord[]> {
  // Only the filters given; each is an indexed column (notify_call_session, notify_call_parent).
  const where: string[] = [];
  const values: string[] = [];
  if (filter.session) where.push(`session = $${values.push(filter.session)}`);
  if (filter.parent) where.push(`parent_call_sid = $${values.push(filter.parent)}`);
  const { rows } = await db.query<CallRow>(
    `SELECT ${CALL_COLUMNS} FROM notify_call ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, seq`,
    values,
  );
  return rows.map(toCall);
}

export async function setCallConference(db: Queryable, callSid: string, conference: string): Promise<void> {
  await db.query('UPDATE notify_call SET conference = $1 WHERE call_sid = $2', [conference, callSid]);
}

export async function listConferenceCalls(db: Queryable, conference: string): Promise<CallRecord[]> {
  const { rows } = await db.query<CallRow>(
    `SELECT ${CALL_COLUMNS} FROM notify_call WHERE conference = $1 ORDER BY created_at, sys_id`,
    [conference],
  );
  return rows.map(toCall);
}

export async function setCallWaiting(db: Queryable, session: string, ring: boolean): Promise<void> {
  await db.query(
    ring
      ? 'INSERT INTO notify_call_waiting (session) VALUES ($1) ON CONFLICT DO NOTHING'
      : 'DELETE FROM notify_call_waiting WHERE session = $1',
    [session],
  );
}

/** See NotifyStore.busySessions; notify_call_session and notify_call_conference serve the probes. */
export async function busySessions(db: Queryable, sessions: string[], since: string): Promise<string[]> {
  if (!sessions.length) return [];
  const { rows } = await db.query<{ session: string }>(
    `SELECT s.session FROM unnest($1::text[]) AS s(session)
     WHERE NOT EXISTS (SELECT 1 FROM notify_call_waiting w WHERE w.session = s.session)
       AND (EXISTS (SELECT 1 FROM notify_call c
              WHERE c.session = s.session AND c.status = ANY($2) AND c.updated_at >= $3)
         OR EXISTS (SELECT 1 FROM notify_call own JOIN notify_call other ON other.conference = own.conference
              WHERE own.session = s.session AND own.conference IS NOT NULL AND own.updated_at >= $3
                AND other.status = ANY($2) AND other.updated_at >= $3))`,
    [sessions, LIVE_CALL_STATUSES, since],
  );
  return rows.map((row) => row.session);
}

/** See `NotifyStore.listCallHistory`; three indexed reads (legs, their parents, their children). */
export async function listCallHistory(
  db: Queryable,
  user: string,
  limit: number,
  before?: CallCursor,
): Promise<CallHistoryRow[]> {
  const { rows } = await db.query<CallRow>(
    `SELECT ${CALL_COLUMNS} FROM notify_call c
     WHERE c."user" = $1
       AND ($2::timestamptz IS NULL OR (c.created_at, c.sys_id) < ($2::timestamptz, $3::text))
       AND NOT EXISTS (
         SELECT 1 FROM notify_call p WHERE p.call_sid = c.parent_call_sid AND p."user" = c."user")
     ORDER BY c.created_at DESC, c.sys_id DESC
     LIMIT $4`,
    [user, before?.created_at ?? null, before?.sys_id ?? null, limit],
  );
  const legs = rows.map(toCall);
  if (!legs.length) return [];
  const parentSids = [...new Set(legs.flatMap((l) => (l.parent_call_sid ? [l.parent_call_sid] : [])))];
  const parents = parentSids.length
    ? (
        await db.query<CallRow>(`SELECT ${CALL_COLUMNS} FROM notify_call WHERE call_sid = ANY($1)`, [
          parentSids,
        ])
      ).rows.map(toCall)
    : [];
  const children = (
    await db.query<CallRow>(
      `SELECT ${CALL_COLUMNS} FROM notify_call WHERE parent_call_sid = ANY($1) ORDER BY created_at, seq`,
      [legs.map((l) => l.call_sid)],
    )
  ).rows.map(toCall);
  const parentBySid = new Map(parents.map((p) => [p.call_sid, p]));
  return legs.map((leg) => ({
    leg,
    parent: (leg.parent_call_sid && parentBySid.get(leg.parent_call_sid)) || null,
    children: children.filter((c) => c.parent_call_sid === leg.call_sid),
  }));
}
