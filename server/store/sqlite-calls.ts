import type Database from 'better-sqlite3';
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

// The call queries of the sqlite store: notify_call rows, merged report by report (`mergeCall`).

const now = () => new Date().toISOString();

export function getCall(db: Database.Database, callSid: string): CallRecord | undefined {
  return db.prepare('SELECT * FROM notify_call WHERE call_sid = ?').get(callSid) as CallRecord | undefined;
}

/**
 * Whose leg one of `session`'s is: the session's user or, the session already deleted (its client went
 * away before the last status callback), the user an earlier leg of the same session recorded.
 */
function sessionUser(db: Database.Database, session: string | null | undefined): string | null {
  if (!session) return null;
  const row = db
    .prepare(
      `SELECT coalesce(
         (SELECT "user" FROM notify_client_session WHERE sys_id = @session),
         (SELECT "user" FROM notify_call WHERE session = @session AND "user" IS NOT NULL LIMIT 1)) AS "user"`,
    )
    .get({ session }) as { user: string | null };
  return row.user;
}

/** One transaction: better-sqlite3 is synchronous, so nothing else writes between the read and the write. */
export function upsertCall(db: Database.Database, report: CallReport): CallUpsertResult {
  return db.transaction((): CallUpsertResult => {
    const parentSysId = report.parent_call_sid ? (getCall(db, report.parent_call_sid)?.sys_id ?? null) : null;
    const existing = getCall(db, report.call_sid);
    const at = now();
    if (!existing) {
      const call: CallRecord = {
        sys_id: newSysId(),
        call_sid: report.call_sid,
        parent_call_sid: report.parent_call_sid ?? null,
        parent_sys_id: parentSysId,
        session: report.session ?? null,
        user: sessionUser(db, report.session),
        direction: report.direction,
        from: report.from,
        to: report.to,
        status: report.status,
        duration: reportedDuration(report),
        conference: null,
        created_at: at,
        updated_at: at,
      };
      db.prepare(
        `INSERT INTO notify_call (sys_id, call_sid, parent_call_sid, parent_sys_id, session, "user", direction,
           "from", "to", status, duration, created_at, updated_at)
         VALUES (@sys_id, @call_sid, @parent_call_sid, @parent_sys_id, @session, @user, @direction,
           @from, @to, @status, @duration, @created_at, @updated_at)`,
      ).run(call);
      // Children whose callbacks arrived before this parent learn its sys_id now.
      db.prepare(
        'UPDATE notify_call SET parent_sys_id = ? WHERE parent_call_sid = ? AND parent_sys_id IS NULL',
      ).run(call.sys_id, call.call_sid);
      return { call, changed: true };
    }
    const user = existing.user ? null : sessionUser(db, existing.session ?? report.session);
    const patch = mergeCall(existing, report, parentSysId, user);
    if (!patch) return { call: existing, changed: false };
    const call: CallRecord = { ...existing, ...patch, updated_at: at };
    db.prepare(
      `UPDATE notify_call SET parent_call_sid = @parent_call_sid, parent_sys_id = @parent_sys_id,
         session = @session, "user" = @user, "to" = @to, status = @status, duration = @duration, updated_at = @updated_at
       WHERE sys_id = @sys_id`,
    ).run({ ...call, duration: call.duration ?? null, user: call.user ?? null });
    return { call, changed: true };
  })();
}

export function listCalls(db: Database.Database, filter: CallFilter = {}): CallRecord[] {
  // Only the filters given; each is an indexed column (notify_call_session, notify_call_parent).
  const where = [
    ...(filter.session ? ['session = @session'] : []),
    ...(filter.parent ? ['parent_call_sid = @parent'] : []),
  ];
  return db
    .prepare(
      `SELECT * FROM notify_call ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, rowid`,
    )
    .all({ session: filter.session, parent: filter.parent }) as CallRecord[];
}

export function setCallConference(db: Database.Database, callSid: string, conference: string): void {
  db.prepare('UPDATE notify_call SET conference = ? WHERE call_sid = ?').run(conference, callSid);
}

export function listConferenceCalls(db: Database.Database, conference: string): CallRecord[] {
  return db
    .prepare('SELECT * FROM notify_call WHERE conference = ? ORDER BY created_at, rowid')
    .all(conference) as CallRecord[];
}

export function setCallWaiting(db: Database.Database, session: string, ring: boolean): void {
  if (ring) db.prepare('INSERT OR IGNORE INTO notify_call_waiting (session) VALUES (?)').run(session);
  else db.prepare('DELETE FROM notify_call_waiting WHERE session = ?').run(session);
}

const LIVE = LIVE_CALL_STATUSES.map((status) => `'${status}'`).join(', ');

/** See NotifyStore.busySessions; notify_call_session and notify_call_conference serve the probes. */
export function busySessions(db: Database.Database, sessions: string[], since: string): string[] {
  if (!sessions.length) return [];
  return db
    .prepare(
      `SELECT s.value FROM json_each(@ids) s
       WHERE NOT EXISTS (SELECT 1 FROM notify_call_waiting w WHERE w.session = s.value)
         AND (EXISTS (SELECT 1 FROM notify_call c
                WHERE c.session = s.value AND c.status IN (${LIVE}) AND c.updated_at >= @since)
           OR EXISTS (SELECT 1 FROM notify_call own JOIN notify_call other ON other.conference = own.conference
                WHERE own.session = s.value AND own.conference IS NOT NULL AND own.updated_at >= @since
                  AND other.status IN (${LIVE}) AND other.updated_at >= @since))`,
    )
    .pluck()
    .all({ ids: JSON.stringify(sessions), since }) as string[];
}

/** See `NotifyStore.listCallHistory`; three indexed reads (legs, their parents, their children). */
export function listCallHistory(
  db: Database.Database,
  user: string,
  limit: number,
  before?: CallCursor,
): CallHistoryRow[] {
  const legs = db
    .prepare(
      `SELECT c.* FROM notify_call c
       WHERE c."user" = @user
         AND (@at IS NULL OR (c.created_at, c.sys_id) < (@at, @id))
         AND NOT EXISTS (
           SELECT 1 FROM notify_call p WHERE p.call_sid = c.parent_call_sid AND p."user" = c."user")
       ORDER BY c.created_at DESC, c.sys_id DESC
       LIMIT @limit`,
    )
    .all({ user, at: before?.created_at ?? null, id: before?.sys_id ?? null, limit }) as CallRecord[];
  if (!legs.length) return [];
  const parentSids = [...new Set(legs.flatMap((l) => (l.parent_call_sid ? [l.parent_call_sid] : [])))];
  const parents = parentSids.length
    ? (db
        .prepare(`SELECT * FROM notify_call WHERE call_sid IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify(parentSids)) as CallRecord[])
    : [];
  const children = db
    .prepare(
      `SELECT * FROM notify_call WHERE parent_call_sid IN (SELECT value FROM json_each(?))
       ORDER BY created_at, rowid`,
    )
    .all(JSON.stringify(legs.map((l) => l.call_sid))) as CallRecord[];
  const parentBySid = new Map(parents.map((p) => [p.call_sid, p]));
  return legs.map((leg) => ({
    leg,
    parent: (leg.parent_call_sid && parentBySid.get(leg.parent_call_sid)) || null,
    children: children.filter((c) => c.parent_call_sid === leg.call_sid),
  }));
}
