import type Database from 'better-sqlite3';
import { ringKey } from '../ids.js';
import {
  DEFAULT_PAGE_SIZE,
  type ClientSession,
  type NewClientSession,
  type PageRequest,
  type PresenceEvent,
  type RingQuery,
  type SessionLimits,
  type User,
} from './store.js';

// The session queries of the sqlite store: create (with the per-user cap), heartbeat, availability, removal,
// and the reads behind colleagues' lists and call routing. Writes publish through the store's presence
// plumbing (`SessionPresence`); better-sqlite3 is synchronous, so nothing else runs between a write's
// statements and its publishes.

/** What the session writes need from the store: its connection and its presence plumbing. */
export interface SessionPresence {
  readonly db: Database.Database;
  /** A prepared statement, prepared once (for the hot paths). */
  stmt(sql: string): Database.Statement;
  /** Whether anyone listens to presence (availability is not worked out otherwise). */
  watched(): boolean;
  userAvailable(userSysId: string): boolean;
  /** Whether the user owning session `sysId` has an available session (false if no listener cares). */
  ownerAvailable(sysId: string): boolean;
  /** Publishes a committed session write; `wasAvailable`: whether its user had an available session before. */
  publish(type: PresenceEvent['type'], session: ClientSession, wasAvailable: boolean): void;
}

/**
 * One page of one group's available members other than the viewer: an ordered range of
 * notify_group_member_name from the cursor, each row kept if the user has an available session
 * (notify_client_session_user_available). No sort; the work grows with the page, not with the group.
 */
export const GROUP_AVAILABLE_SQL = `
  SELECT m."user" AS sys_id, m.user_name AS name FROM notify_group_member m
  WHERE m."group" = @group AND (m.user_name, m."user") > (@afterName, @afterId) AND m."user" <> @viewer
    AND EXISTS (SELECT 1 FROM notify_client_session s
      WHERE s."user" = m."user" AND s.available = 1 AND s.last_seen >= @liveSince)
  ORDER BY m.user_name, m."user"
  LIMIT @limit`;

/**
 * One page of the ring of a number (`listRingableSessions`): a range of notify_client_session_ring from
 * `after`, grouped per user in index order (no sort); max(connected_at) makes SQLite take the other
 * columns from each user's newest matching row. Membership of the number's group is one primary-key probe.
 */
export const RINGABLE_SESSIONS_SQL = `
  SELECT s.sys_id, s."user", s.name, s.number, s.vendor, s.identity, s.available, s.connected_at,
    s.last_seen, max(s.connected_at) AS newest
  FROM notify_client_session s
  WHERE s.number = @number AND s.available = 1 AND s.ring_key > @after AND s.last_seen >= @liveSince
    AND EXISTS (SELECT 1 FROM notify_group_member m
      WHERE m."group" = (SELECT n."group" FROM notify_number n WHERE n.number = @number) AND m."user" = s."user")
  GROUP BY s.ring_key, s."user"
  ORDER BY s.ring_key, s."user"
  LIMIT @limit`;

/** SQLite's BINARY collation (UTF-8 bytes), which orders the index, for merging pages in JavaScript. */
const binaryOrder = (a: User, b: User): number =>
  Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)) ||
  Buffer.compare(Buffer.from(a.sys_id), Buffer.from(b.sys_id));

interface SessionRow extends Omit<ClientSession, 'available'> {
  available: number;
  /** Columns that are not part of ClientSession (dropped by toSession). */
  ring_key?: string;
  newest?: string;
}

const now = () => new Date().toISOString();

const toSession = (row: SessionRow | undefined): ClientSession | undefined => {
  if (!row) return undefined;
  const { ring_key: _ringKey, newest: _newest, ...session } = row;
  return { ...session, available: row.available === 1 };
};

export function createSession(
  store: SessionPresence,
  session: NewClientSession,
  limits: SessionLimits,
): ClientSession {
  const at = now();
  const wasAvailable = store.watched() && store.userAvailable(session.user);
  store.db
    .prepare(
      `INSERT INTO notify_client_session
         (sys_id, "user", name, number, vendor, identity, available, connected_at, last_seen, ring_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      session.sys_id,
      session.user,
      session.name,
      session.number,
      session.vendor,
      session.identity,
      session.available ? 1 : 0,
      at,
      at,
      ringKey(session.user),
    );
  const created = { ...session, connected_at: at, last_seen: at };
  store.publish('session.created', created, wasAvailable);
  if (limits.maxPerUser !== undefined) {
    const beyond = store
      .stmt(
        `SELECT sys_id FROM notify_client_session WHERE "user" = ? AND sys_id <> ?
         ORDER BY connected_at DESC, rowid DESC LIMIT -1 OFFSET ?`,
      )
      .pluck()
      .all(session.user, session.sys_id, Math.max(0, limits.maxPerUser - 1)) as string[];
    for (const sysId of beyond) deleteSession(store, sysId);
  }
  return created;
}

export function getSession(db: Database.Database, sysId: string): ClientSession | undefined {
  return toSession(
    db.prepare('SELECT * FROM notify_client_session WHERE sys_id = ?').get(sysId) as SessionRow | undefined,
  );
}

export function getSessionByIdentity(db: Database.Database, identity: string): ClientSession | undefined {
  return toSession(
    db.prepare('SELECT * FROM notify_client_session WHERE identity = ?').get(identity) as
      SessionRow | undefined,
  );
}

export function setSessionAvailable(store: SessionPresence, sysId: string, available: boolean): boolean {
  const wasAvailable = store.ownerAvailable(sysId);
  const row = store.db
    .prepare('UPDATE notify_client_session SET available = ?, last_seen = ? WHERE sys_id = ? RETURNING *')
    .get(available ? 1 : 0, now(), sysId) as SessionRow | undefined;
  if (row) store.publish('session.updated', toSession(row)!, wasAvailable);
  return row !== undefined;
}

export function listAvailableColleagues(
  stmt: (sql: string) => Database.Statement,
  userSysId: string,
  page: PageRequest,
): User[] {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  const groups = stmt('SELECT "group" FROM notify_group_member WHERE "user" = ?')
    .pluck()
    .all(userSysId) as string[];
  const params = {
    viewer: userSysId,
    afterName: page.after?.name ?? '',
    afterId: page.after?.sys_id ?? '',
    liveSince: page.liveSince ?? '',
    limit,
  };
  const pages = groups.map((group) => stmt(GROUP_AVAILABLE_SQL).all({ ...params, group }) as User[]);
  if (pages.length <= 1) return pages[0] ?? [];
  // Several groups: merge their pages, each user once, and keep the first `limit`.
  const seen = new Set<string>();
  return pages
    .flat()
    .sort(binaryOrder)
    .filter((user) => !seen.has(user.sys_id) && seen.add(user.sys_id))
    .slice(0, limit);
}

export function listSessions(
  db: Database.Database,
  filter: { user?: string; liveSince?: string },
): ClientSession[] {
  const live = filter.liveSince ?? '';
  const rows = filter.user
    ? db
        .prepare(
          `SELECT * FROM notify_client_session WHERE "user" = ? AND last_seen >= ?
           ORDER BY connected_at, rowid`,
        )
        .all(filter.user, live)
    : db
        .prepare('SELECT * FROM notify_client_session WHERE last_seen >= ? ORDER BY connected_at, rowid')
        .all(live);
  return (rows as SessionRow[]).map((row) => toSession(row)!);
}

export function listAvailableUsers(db: Database.Database, excludeUser?: string): User[] {
  return db
    .prepare(
      `SELECT DISTINCT u.sys_id, u.name FROM sys_user u
       JOIN notify_client_session s ON s."user" = u.sys_id
       WHERE s.available = 1 AND u.sys_id IS NOT ?
       ORDER BY u.name, u.sys_id`,
    )
    .all(excludeUser ?? null) as User[];
}

export function touchSession(
  stmt: (sql: string) => Database.Statement,
  sysId: string,
  liveSince?: string,
): boolean {
  const result = stmt(
    'UPDATE notify_client_session SET last_seen = ? WHERE sys_id = ? AND last_seen >= ?',
  ).run(now(), sysId, liveSince ?? '');
  return result.changes > 0;
}

export function deleteStaleSessions(
  store: SessionPresence,
  before: string,
  filter: { user?: string },
): ClientSession[] {
  const users = filter.user ? 'AND "user" = @user' : '';
  const params = { before, user: filter.user ?? null };
  const wasAvailable = new Map<string, boolean>();
  if (store.watched()) {
    const owners = store.db
      .prepare(`SELECT DISTINCT "user" FROM notify_client_session WHERE last_seen < @before ${users}`)
      .pluck()
      .all(params) as string[];
    for (const user of owners) wasAvailable.set(user, store.userAvailable(user));
  }
  const rows = store.db
    .prepare(`DELETE FROM notify_client_session WHERE last_seen < @before ${users} RETURNING *`)
    .all(params) as SessionRow[];
  const removed = rows.map((row) => toSession(row)!);
  for (const session of removed) {
    const was = wasAvailable.get(session.user) ?? false;
    store.publish('session.removed', session, was);
    // Later rows of the same user: the flip (if any) was published with the first one.
    wasAvailable.set(session.user, store.watched() && store.userAvailable(session.user));
  }
  return removed;
}

export function deleteSession(store: SessionPresence, sysId: string): boolean {
  const wasAvailable = store.ownerAvailable(sysId);
  const row = store.stmt('DELETE FROM notify_client_session WHERE sys_id = ? RETURNING *').get(sysId) as
    SessionRow | undefined;
  if (row) store.publish('session.removed', toSession(row)!, wasAvailable);
  return row !== undefined;
}

export function listRingableSessions(
  stmt: (sql: string) => Database.Statement,
  number: string,
  query: RingQuery,
): ClientSession[] {
  const rows = stmt(RINGABLE_SESSIONS_SQL).all({
    number,
    after: query.after ?? '',
    liveSince: query.liveSince,
    limit: query.limit,
  }) as SessionRow[];
  return rows.map((row) => toSession(row)!);
}
