import type pg from 'pg';
import {
  DEFAULT_PAGE_SIZE,
  type ClientSession,
  type PageRequest,
  type PresenceEvent,
  type RingQuery,
  type SessionLimits,
  type User,
} from './store.js';

// The session queries of the postgres store: create (with the per-user cap), heartbeat, availability,
// removal, and the reads behind colleagues' lists and call routing. Each function runs on the client it is
// given; the store decides the transaction. Writes lock the user and publish through the store's presence
// plumbing (`SessionPresence`), so that the availability flips they publish are right.

type Queryable = pg.Pool | pg.PoolClient;

/** The store's presence plumbing, as the session writes use it (see `PostgresStore`). */
export interface SessionPresence {
  /** Locks the user's session writes; whether the user had an available session before this write. */
  lockUser(client: Queryable, userSysId: string): Promise<boolean>;
  /** The owner of session `sysId`, locked as by lockUser; undefined if there is no such session. */
  lockOwner(client: Queryable, sysId: string): Promise<boolean | undefined>;
  /** Publishes a session write (on commit); whether the user has an available session now. */
  notify(
    client: Queryable,
    type: PresenceEvent['type'],
    session: ClientSession,
    wasAvailable: boolean,
  ): Promise<boolean>;
}

/**
 * One page of available colleagues: for each of the viewer's groups (LATERAL), an ordered range of
 * notify_group_member_name from the cursor, each row kept if the user has an available session
 * (notify_client_session_user_available), at most one page per group; the pages are merged, each user
 * once. The work grows with the page and the viewer's number of groups, not with group or table sizes.
 */
export const PG_AVAILABLE_COLLEAGUES_SQL = `
  SELECT DISTINCT p.sys_id, p.name FROM notify_group_member mine
  CROSS JOIN LATERAL (
    SELECT m."user" AS sys_id, m.user_name AS name FROM notify_group_member m
    WHERE m."group" = mine."group" AND (m.user_name, m."user") > ($2, $3) AND m."user" <> $1
      AND EXISTS (SELECT 1 FROM notify_client_session s
        WHERE s."user" = m."user" AND s.available AND s.last_seen >= $5)
    ORDER BY m.user_name, m."user"
    LIMIT $4) p
  WHERE mine."user" = $1
  ORDER BY p.name, p.sys_id
  LIMIT $4`;

/**
 * One page of the ring of a number (`listRingableSessions`): a range of notify_client_session_ring from
 * `after` in index order, DISTINCT ON keeping each user's newest matching row (the index holds
 * connected_at descending, so no sort); membership of the number's group is one primary-key probe.
 */
export const PG_RINGABLE_SESSIONS_SQL = `
  SELECT DISTINCT ON (s.ring_key, s."user") s.sys_id, s."user", s.name, s.number, s.vendor, s.identity,
    s.available, s.connected_at, s.last_seen
  FROM notify_client_session s
  WHERE s.number = $1 AND s.available AND s.ring_key > $2 AND s.last_seen >= $3
    AND EXISTS (SELECT 1 FROM notify_group_member m
      WHERE m."group" = (SELECT n."group" FROM notify_number n WHERE n.number = $1) AND m."user" = s."user")
  ORDER BY s.ring_key, s."user", s.connected_at DESC
  LIMIT $4`;

interface SessionRow extends Omit<ClientSession, 'connected_at' | 'last_seen'> {
  connected_at: Date;
  last_seen: Date;
}

const SESSION_COLUMNS = `sys_id, "user", name, number, vendor, identity, available, connected_at, last_seen`;

const toSession = (row: SessionRow): ClientSession => ({
  ...row,
  connected_at: row.connected_at.toISOString(),
  last_seen: row.last_seen.toISOString(),
});

const now = () => new Date().toISOString();

/** Inside a transaction: inserts `session` (connected_at = last_seen) and closes the sessions beyond the cap. */
export async function createSession(
  client: pg.PoolClient,
  presence: SessionPresence,
  session: ClientSession,
  limits: SessionLimits,
): Promise<void> {
  const wasAvailable = await presence.lockUser(client, session.user);
  await client.query(
    `INSERT INTO notify_client_session (${SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
    [
      session.sys_id,
      session.user,
      session.name,
      session.number,
      session.vendor,
      session.identity,
      session.available,
      session.connected_at,
    ],
  );
  let available = await presence.notify(client, 'session.created', session, wasAvailable);
  if (limits.maxPerUser === undefined) return;
  // Under the user's lock: concurrent creations of one user each see the others' committed rows.
  const { rows } = await client.query<SessionRow>(
    `DELETE FROM notify_client_session WHERE sys_id IN (
       SELECT sys_id FROM notify_client_session WHERE "user" = $1 AND sys_id <> $2
       ORDER BY connected_at DESC, seq DESC OFFSET $3)
     RETURNING ${SESSION_COLUMNS}`,
    [session.user, session.sys_id, Math.max(0, limits.maxPerUser - 1)],
  );
  for (const row of rows) {
    available = await presence.notify(client, 'session.removed', toSession(row), available);
  }
}

export async function getSession(db: Queryable, sysId: string): Promise<ClientSession | undefined> {
  const { rows } = await db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM notify_client_session WHERE sys_id = $1`,
    [sysId],
  );
  return rows[0] && toSession(rows[0]);
}

export async function getSessionByIdentity(
  db: Queryable,
  identity: string,
): Promise<ClientSession | undefined> {
  const { rows } = await db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM notify_client_session WHERE identity = $1`,
    [identity],
  );
  return rows[0] && toSession(rows[0]);
}

/** Inside a transaction. */
export async function setSessionAvailable(
  client: pg.PoolClient,
  presence: SessionPresence,
  sysId: string,
  available: boolean,
): Promise<boolean> {
  const wasAvailable = await presence.lockOwner(client, sysId);
  if (wasAvailable === undefined) return false;
  const { rows } = await client.query<SessionRow>(
    `UPDATE notify_client_session SET available = $1, last_seen = $2 WHERE sys_id = $3
     RETURNING ${SESSION_COLUMNS}`,
    [available, now(), sysId],
  );
  if (!rows[0]) return false;
  await presence.notify(client, 'session.updated', toSession(rows[0]), wasAvailable);
  return true;
}

export async function listAvailableUsers(db: Queryable, excludeUser?: string): Promise<User[]> {
  const { rows } = await db.query<User>(
    `SELECT DISTINCT u.sys_id, u.name FROM sys_user u
     JOIN notify_client_session s ON s."user" = u.sys_id
     WHERE s.available AND u.sys_id IS DISTINCT FROM $1
     ORDER BY u.name, u.sys_id`,
    [excludeUser ?? null],
  );
  return rows;
}

export async function listAvailableColleagues(
  db: Queryable,
  userSysId: string,
  page: PageRequest,
): Promise<User[]> {
  const { rows } = await db.query<User>(PG_AVAILABLE_COLLEAGUES_SQL, [
    userSysId,
    page.after?.name ?? '',
    page.after?.sys_id ?? '',
    page.limit ?? DEFAULT_PAGE_SIZE,
    page.liveSince ?? '-infinity',
  ]);
  return rows;
}

export async function listSessions(
  db: Queryable,
  filter: { user?: string; liveSince?: string },
): Promise<ClientSession[]> {
  const live = filter.liveSince ?? '-infinity';
  const { rows } = filter.user
    ? await db.query<SessionRow>(
        `SELECT ${SESSION_COLUMNS} FROM notify_client_session WHERE "user" = $1 AND last_seen >= $2
         ORDER BY connected_at, seq`,
        [filter.user, live],
      )
    : await db.query<SessionRow>(
        `SELECT ${SESSION_COLUMNS} FROM notify_client_session WHERE last_seen >= $1
         ORDER BY connected_at, seq`,
        [live],
      );
  return rows.map(toSession);
}

export async function touchSession(db: Queryable, sysId: string, liveSince?: string): Promise<boolean> {
  // A sweep deleting this row concurrently re-checks last_seen after waiting for this update (READ
  // COMMITTED), so a touched row is never swept and a swept row is never touched.
  const { rowCount } = await db.query(
    'UPDATE notify_client_session SET last_seen = $1 WHERE sys_id = $2 AND last_seen >= $3',
    [now(), sysId, liveSince ?? '-infinity'],
  );
  return (rowCount ?? 0) > 0;
}

/** Inside a transaction. */
export async function deleteStaleSessions(
  client: pg.PoolClient,
  presence: SessionPresence,
  before: string,
  filter: { user?: string },
): Promise<ClientSession[]> {
  const owners = await client.query<{ user: string }>(
    `SELECT DISTINCT "user" FROM notify_client_session WHERE last_seen < $1 AND ($2::text IS NULL OR "user" = $2)
     ORDER BY "user"`,
    [before, filter.user ?? null],
  );
  if (!owners.rows.length) return [];
  // Lock the owners in one order (concurrent sweeps never deadlock), as every session write does, so
  // that the availability flips published below are right whoever else writes or sweeps meanwhile.
  const wasAvailable = new Map<string, boolean>();
  for (const { user } of owners.rows) wasAvailable.set(user, await presence.lockUser(client, user));
  // One statement: a row another sweep removed first is simply not returned here (never published twice).
  const { rows } = await client.query<SessionRow>(
    `DELETE FROM notify_client_session WHERE last_seen < $1 AND "user" = ANY($2)
     RETURNING ${SESSION_COLUMNS}`,
    [before, [...wasAvailable.keys()]],
  );
  const removed = rows.map(toSession);
  for (const session of removed) {
    const isAvailable = await presence.notify(
      client,
      'session.removed',
      session,
      wasAvailable.get(session.user) ?? false,
    );
    wasAvailable.set(session.user, isAvailable);
  }
  return removed;
}

/** Inside a transaction. */
export async function deleteSession(
  client: pg.PoolClient,
  presence: SessionPresence,
  sysId: string,
): Promise<boolean> {
  const wasAvailable = await presence.lockOwner(client, sysId);
  if (wasAvailable === undefined) return false;
  const { rows } = await client.query<SessionRow>(
    `DELETE FROM notify_client_session WHERE sys_id = $1 RETURNING ${SESSION_COLUMNS}`,
    [sysId],
  );
  if (!rows[0]) return false;
  await presence.notify(client, 'session.removed', toSession(rows[0]), wasAvailable);
  return true;
}

export async function listRingableSessions(
  db: Queryable,
  number: string,
  query: RingQuery,
): Promise<ClientSession[]> {
  const { rows } = await db.query<SessionRow>(PG_RINGABLE_SESSIONS_SQL, [
    number,
    query.after ?? '',
    query.liveSince,
    query.limit,
  ]);
  return rows.map(toSession);
}
