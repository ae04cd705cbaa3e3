import pg from 'pg';
import { newSysId } from '../ids.js';
import { PresenceFanout } from './presence.js';
import {
  DEFAULT_PAGE_SIZE,
  mergeCall,
  reportedDuration,
  type CallRecord,
  type CallReport,
  type CallUpsertResult,
  type ClientSession,
  type Group,
  type NewClientSession,
  type NotifyNumber,
  type NotifyStore,
  type PageRequest,
  type PresenceEvent,
  type PresenceListener,
  type HostClaims,
  type HostUser,
  type SignInState,
  type SignOutListener,
  type RingQuery,
  type SessionLimits,
  type StoreStats,
  type User,
} from './store.js';
import * as identity from './postgres-identity.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';

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

/** The schema version this code expects; exported for tests. */
export const PG_SCHEMA_VERSION = POSTGRES_MIGRATIONS.length;

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db`; a `schema` query parameter is read and removed. */
  connectionString: string;
  /** Schema holding the tables (created if missing). Default: the `schema` URL parameter, else `public`. */
  schema?: string;
  /** Pool size. Default 10. */
  max?: number;
  /** Drops the whole schema on close. For tests that use a schema per run. */
  dropSchemaOnClose?: boolean;
  /** Where listener and LISTEN-connection errors go. Default console.error. */
  onError?: (error: unknown) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** True for `postgres://` and `postgresql://` URLs: what `ServerOptions.database` routes here. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/** Splits the non-standard `schema` parameter off a connection URL. */
export function parsePostgresUrl(url: string): { connectionString: string; schema?: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), ...(schema && { schema }) };
}

interface SessionRow extends Omit<ClientSession, 'connected_at' | 'last_seen'> {
  connected_at: Date;
  last_seen: Date;
}

interface CallRow extends Omit<CallRecord, 'created_at' | 'updated_at'> {
  created_at: Date;
  updated_at: Date;
}

const SESSION_COLUMNS = `sys_id, "user", name, number, vendor, identity, available, connected_at, last_seen`;
const CALL_COLUMNS = `sys_id, call_sid, parent_call_sid, parent_sys_id, session, direction, "from", "to", status,
  duration, created_at, updated_at`;

const toSession = (row: SessionRow): ClientSession => ({
  ...row,
  connected_at: row.connected_at.toISOString(),
  last_seen: row.last_seen.toISOString(),
});

const toCall = (row: CallRow): CallRecord => ({
  ...row,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

const now = () => new Date().toISOString();

type Queryable = pg.Pool | pg.PoolClient;

/**
 * `NotifyStore` on PostgreSQL (node-postgres pool). Every multi-statement write is one transaction.
 * Presence events are sent with `pg_notify` inside the writing transaction, so listeners on every instance
 * hear of a change exactly when it is committed; one dedicated connection per instance LISTENs.
 */
export class PostgresStore implements NotifyStore {
  readonly #pool: pg.Pool;
  readonly #schema: string;
  readonly #channel: string;
  readonly #signOutChannel: string;
  readonly #options: PostgresStoreOptions;
  readonly #presence: PresenceFanout;
  readonly #signOuts: PresenceFanout<string>;
  #listener: pg.Client | undefined;
  #listening: Promise<void> | undefined;
  #closed = false;

  private constructor(options: PostgresStoreOptions, schema: string) {
    const { connectionString } = parsePostgresUrl(options.connectionString);
    this.#options = options;
    this.#schema = schema;
    this.#channel = `notify_presence:${schema}`;
    this.#signOutChannel = `notify_signout:${schema}`;
    this.#presence = new PresenceFanout(options.onError);
    this.#signOuts = new PresenceFanout<string>(options.onError);
    this.#pool = new pg.Pool({
      connectionString,
      max: options.max ?? 10,
      connectionTimeoutMillis: 5000,
      options: `-c search_path=${schema}`,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.#pool.on('error', (error) => this.#reportError(error));
  }

  /** Connects, creates the schema if needed and runs pending migrations. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema ?? parsePostgresUrl(options.connectionString).schema ?? 'public';
    if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid PostgreSQL schema name "${schema}".`);
    const store = new PostgresStore(options, schema);
    try {
      await store.#migrate();
    } catch (error) {
      await store.#pool.end();
      throw error;
    }
    return store;
  }

  #reportError(error: unknown): void {
    (this.#options.onError ?? ((e: unknown) => console.error('postgres store error', e)))(error);
  }

  async #migrate(): Promise<void> {
    await this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`notify-migrate:${this.#schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.#schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS notify_schema_migrations (
        version INTEGER PRIMARY KEY,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number | null }>(
        'SELECT max(version) AS version FROM notify_schema_migrations',
      );
      const current = rows[0]?.version ?? 0;
      if (current > POSTGRES_MIGRATIONS.length) {
        throw new Error(
          `Database schema version ${current} is newer than this server (${POSTGRES_MIGRATIONS.length}).`,
        );
      }
      for (let version = current; version < POSTGRES_MIGRATIONS.length; version++) {
        await client.query(POSTGRES_MIGRATIONS[version]!);
        await client.query('INSERT INTO notify_schema_migrations (version) VALUES ($1)', [version + 1]);
      }
    });
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Serialises the session writes of one user (row lock on sys_user, held to the end of the transaction) and
   * answers whether the user had an available session before this write. Read in a statement after the lock,
   * so that (READ COMMITTED) it sees every write committed by whoever held the lock before.
   */
  async #lockUser(client: Queryable, userSysId: string): Promise<boolean> {
    await client.query('SELECT 1 FROM sys_user WHERE sys_id = $1 FOR NO KEY UPDATE', [userSysId]);
    const { rows } = await client.query<{ available: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM notify_client_session WHERE "user" = $1 AND available) AS available',
      [userSysId],
    );
    return rows[0]?.available ?? false;
  }

  /**
   * Publishes a session write with `pg_notify`, delivered on commit; one query for groups and availability.
   * Returns whether the user has an available session now.
   */
  async #notify(
    client: Queryable,
    type: PresenceEvent['type'],
    session: ClientSession,
    wasAvailable: boolean,
  ): Promise<boolean> {
    const { rows } = await client.query<{ groups: string[]; available: boolean; name: string | null }>(
      `SELECT ARRAY(SELECT "group" FROM notify_group_member WHERE "user" = $1) AS groups,
         EXISTS (SELECT 1 FROM notify_client_session WHERE "user" = $1 AND available) AS available,
         (SELECT name FROM sys_user WHERE sys_id = $1) AS name`,
      [session.user],
    );
    const { groups = [], available: isAvailable = false, name: userName = null } = rows[0] ?? {};
    const { sys_id, user, name, available } = session;
    const event: PresenceEvent = { type, session: { sys_id, user, name, available }, groups };
    if (isAvailable !== wasAvailable && userName !== null) {
      event.availability = { client: { sys_id: user, name: userName }, available: isAvailable };
    }
    await client.query('SELECT pg_notify($1, $2)', [this.#channel, JSON.stringify(event)]);
    return isAvailable;
  }

  /** The owner of session `sysId`, locked as by #lockUser, and whether they had an available session. */
  async #lockOwner(client: Queryable, sysId: string): Promise<boolean | undefined> {
    const { rows } = await client.query<{ user: string }>(
      'SELECT "user" FROM notify_client_session WHERE sys_id = $1',
      [sysId],
    );
    return rows[0] ? this.#lockUser(client, rows[0].user) : undefined;
  }

  async findOrCreateUser(name: string): Promise<User> {
    return this.#transaction(async (client) => {
      // Names are not unique; serialise creators of one name so that two instances do not both create it.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`notify-user:${name}`]);
      const found = await client.query<User>(
        'SELECT sys_id, name FROM sys_user WHERE name = $1 ORDER BY sys_id LIMIT 1',
        [name],
      );
      if (found.rows[0]) return found.rows[0];
      const user = { sys_id: newSysId(), name };
      await client.query('INSERT INTO sys_user (sys_id, name) VALUES ($1, $2)', [user.sys_id, name]);
      return user;
    });
  }

  async upsertUser(user: User): Promise<User> {
    await this.#pool.query(
      `INSERT INTO sys_user (sys_id, name) VALUES ($1, $2)
       ON CONFLICT (sys_id) DO UPDATE SET name = excluded.name WHERE sys_user.name <> excluded.name`,
      [user.sys_id, user.name],
    );
    return { sys_id: user.sys_id, name: user.name };
  }

  async getUser(sysId: string): Promise<User | undefined> {
    const { rows } = await this.#pool.query<User>('SELECT sys_id, name FROM sys_user WHERE sys_id = $1', [
      sysId,
    ]);
    return rows[0];
  }

  async #findOrCreateGroup(client: Queryable, name: string): Promise<Group> {
    await client.query(
      'INSERT INTO notify_group (sys_id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
      [newSysId(), name],
    );
    const { rows } = await client.query<Group>('SELECT sys_id, name FROM notify_group WHERE name = $1', [
      name,
    ]);
    return rows[0]!;
  }

  async findOrCreateGroup(name: string): Promise<Group> {
    return this.#findOrCreateGroup(this.#pool, name);
  }

  async addGroupMember(groupSysId: string, userSysId: string): Promise<void> {
    await this.#pool.query(
      'INSERT INTO notify_group_member ("group", "user") VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [groupSysId, userSysId],
    );
  }

  async setUserGroups(userSysId: string, groupNames: string[]): Promise<void> {
    await this.#transaction((client) => this.#setUserGroups(client, userSysId, groupNames));
  }

  async #setUserGroups(client: pg.PoolClient, userSysId: string, groupNames: string[]): Promise<void> {
    const ids: string[] = [];
    for (const name of [...new Set(groupNames)].sort())
      ids.push((await this.#findOrCreateGroup(client, name)).sys_id);
    await client.query('DELETE FROM notify_group_member WHERE "user" = $1 AND NOT ("group" = ANY($2))', [
      userSysId,
      ids,
    ]);
    await client.query(
      `INSERT INTO notify_group_member ("group", "user") SELECT g, $1 FROM unnest($2::text[]) AS g
         ON CONFLICT DO NOTHING`,
      [userSysId, ids],
    );
  }

  async getSignInState(sysId: string): Promise<SignInState | undefined> {
    return identity.getSignInState(this.#pool, sysId);
  }

  async findHostUser(issuer: string, subject: string): Promise<HostUser | undefined> {
    return identity.findHostUser(this.#pool, issuer, subject);
  }

  async createHostUser(
    issuer: string,
    subject: string,
    name: string,
    legacySysId?: string,
  ): Promise<HostUser> {
    return this.#transaction((client) => identity.createHostUser(client, issuer, subject, name, legacySysId));
  }

  async applyHostClaims(
    issuer: string,
    subject: string,
    issuedAt: number,
    claims: HostClaims,
  ): Promise<boolean> {
    return this.#transaction((client) =>
      identity.applyHostClaims(
        client,
        (c, user, groups) => this.#setUserGroups(c, user, groups),
        issuer,
        subject,
        issuedAt,
        claims,
      ),
    );
  }

  async signOut(userSysId: string, at: number): Promise<ClientSession[]> {
    // Revoked first: once this commits, no instance accepts the user's old tokens, so no new session can
    // appear after the sweep below. The NOTIFY is delivered (to every instance) on commit.
    await this.#transaction(async (client) => {
      await identity.revokeTokens(client, userSysId, at);
      await client.query('SELECT pg_notify($1, $2)', [this.#signOutChannel, userSysId]);
    });
    return this.deleteStaleSessions('infinity', { user: userSysId });
  }

  async onSignOut(listener: SignOutListener): Promise<() => Promise<void>> {
    const remove = this.#signOuts.add(listener);
    try {
      await this.#listen();
    } catch (error) {
      remove();
      throw error;
    }
    return async () => remove();
  }

  async listUserGroups(userSysId: string): Promise<Group[]> {
    const { rows } = await this.#pool.query<Group>(
      `SELECT g.sys_id, g.name FROM notify_group g JOIN notify_group_member m ON m."group" = g.sys_id
       WHERE m."user" = $1 ORDER BY g.name`,
      [userSysId],
    );
    return rows;
  }

  async upsertNumber({ number, vendor, group }: NotifyNumber): Promise<void> {
    await this.#pool.query(
      `INSERT INTO notify_number (number, vendor, "group") VALUES ($1, $2, $3)
       ON CONFLICT (number) DO UPDATE SET vendor = excluded.vendor, "group" = excluded."group"`,
      [number, vendor, group],
    );
  }

  async getNumber(number: string): Promise<NotifyNumber | undefined> {
    const { rows } = await this.#pool.query<NotifyNumber>(
      'SELECT number, vendor, "group" FROM notify_number WHERE number = $1',
      [number],
    );
    return rows[0];
  }

  async findNumberForUser(number: string, userSysId: string): Promise<NotifyNumber | undefined> {
    const { rows } = await this.#pool.query<NotifyNumber>(
      `SELECT n.number, n.vendor, n."group" FROM notify_number n
       JOIN notify_group_member m ON m."group" = n."group"
       WHERE n.number = $1 AND m."user" = $2`,
      [number, userSysId],
    );
    return rows[0];
  }

  async createSession(session: NewClientSession, limits: SessionLimits = {}): Promise<ClientSession> {
    const at = now();
    const created: ClientSession = { ...session, connected_at: at, last_seen: at };
    await this.#transaction(async (client) => {
      const wasAvailable = await this.#lockUser(client, session.user);
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
          at,
        ],
      );
      let available = await this.#notify(client, 'session.created', created, wasAvailable);
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
        available = await this.#notify(client, 'session.removed', toSession(row), available);
      }
    });
    return created;
  }

  async getSession(sysId: string): Promise<ClientSession | undefined> {
    const { rows } = await this.#pool.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM notify_client_session WHERE sys_id = $1`,
      [sysId],
    );
    return rows[0] && toSession(rows[0]);
  }

  async getSessionByIdentity(identity: string): Promise<ClientSession | undefined> {
    const { rows } = await this.#pool.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM notify_client_session WHERE identity = $1`,
      [identity],
    );
    return rows[0] && toSession(rows[0]);
  }

  async setSessionAvailable(sysId: string, available: boolean): Promise<boolean> {
    return this.#transaction(async (client) => {
      const wasAvailable = await this.#lockOwner(client, sysId);
      if (wasAvailable === undefined) return false;
      const { rows } = await client.query<SessionRow>(
        `UPDATE notify_client_session SET available = $1, last_seen = $2 WHERE sys_id = $3
         RETURNING ${SESSION_COLUMNS}`,
        [available, now(), sysId],
      );
      if (!rows[0]) return false;
      await this.#notify(client, 'session.updated', toSession(rows[0]), wasAvailable);
      return true;
    });
  }

  async listAvailableUsers(excludeUser?: string): Promise<User[]> {
    const { rows } = await this.#pool.query<User>(
      `SELECT DISTINCT u.sys_id, u.name FROM sys_user u
       JOIN notify_client_session s ON s."user" = u.sys_id
       WHERE s.available AND u.sys_id IS DISTINCT FROM $1
       ORDER BY u.name, u.sys_id`,
      [excludeUser ?? null],
    );
    return rows;
  }

  async listAvailableColleagues(userSysId: string, page: PageRequest = {}): Promise<User[]> {
    const { rows } = await this.#pool.query<User>(PG_AVAILABLE_COLLEAGUES_SQL, [
      userSysId,
      page.after?.name ?? '',
      page.after?.sys_id ?? '',
      page.limit ?? DEFAULT_PAGE_SIZE,
      page.liveSince ?? '-infinity',
    ]);
    return rows;
  }

  async sharesGroup(userSysId: string, otherUserSysId: string): Promise<boolean> {
    const { rows } = await this.#pool.query<{ shares: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM notify_group_member mine
         JOIN notify_group_member theirs ON theirs."group" = mine."group" AND theirs."user" = $2
         WHERE mine."user" = $1) AS shares`,
      [userSysId, otherUserSysId],
    );
    return rows[0]?.shares ?? false;
  }

  async listSessions(filter: { user?: string; liveSince?: string } = {}): Promise<ClientSession[]> {
    const live = filter.liveSince ?? '-infinity';
    const { rows } = filter.user
      ? await this.#pool.query<SessionRow>(
          `SELECT ${SESSION_COLUMNS} FROM notify_client_session WHERE "user" = $1 AND last_seen >= $2
           ORDER BY connected_at, seq`,
          [filter.user, live],
        )
      : await this.#pool.query<SessionRow>(
          `SELECT ${SESSION_COLUMNS} FROM notify_client_session WHERE last_seen >= $1
           ORDER BY connected_at, seq`,
          [live],
        );
    return rows.map(toSession);
  }

  async touchSession(sysId: string, liveSince?: string): Promise<boolean> {
    // A sweep deleting this row concurrently re-checks last_seen after waiting for this update (READ
    // COMMITTED), so a touched row is never swept and a swept row is never touched.
    const { rowCount } = await this.#pool.query(
      'UPDATE notify_client_session SET last_seen = $1 WHERE sys_id = $2 AND last_seen >= $3',
      [now(), sysId, liveSince ?? '-infinity'],
    );
    return (rowCount ?? 0) > 0;
  }

  async deleteStaleSessions(before: string, filter: { user?: string } = {}): Promise<ClientSession[]> {
    return this.#transaction(async (client) => {
      const owners = await client.query<{ user: string }>(
        `SELECT DISTINCT "user" FROM notify_client_session WHERE last_seen < $1 AND ($2::text IS NULL OR "user" = $2)
         ORDER BY "user"`,
        [before, filter.user ?? null],
      );
      if (!owners.rows.length) return [];
      // Lock the owners in one order (concurrent sweeps never deadlock), as every session write does, so
      // that the availability flips published below are right whoever else writes or sweeps meanwhile.
      const wasAvailable = new Map<string, boolean>();
      for (const { user } of owners.rows) wasAvailable.set(user, await this.#lockUser(client, user));
      // One statement: a row another sweep removed first is simply not returned here (never published twice).
      const { rows } = await client.query<SessionRow>(
        `DELETE FROM notify_client_session WHERE last_seen < $1 AND "user" = ANY($2)
         RETURNING ${SESSION_COLUMNS}`,
        [before, [...wasAvailable.keys()]],
      );
      const removed = rows.map(toSession);
      for (const session of removed) {
        const isAvailable = await this.#notify(
          client,
          'session.removed',
          session,
          wasAvailable.get(session.user) ?? false,
        );
        wasAvailable.set(session.user, isAvailable);
      }
      return removed;
    });
  }

  async deleteSession(sysId: string): Promise<boolean> {
    return this.#transaction(async (client) => {
      const wasAvailable = await this.#lockOwner(client, sysId);
      if (wasAvailable === undefined) return false;
      const { rows } = await client.query<SessionRow>(
        `DELETE FROM notify_client_session WHERE sys_id = $1 RETURNING ${SESSION_COLUMNS}`,
        [sysId],
      );
      if (!rows[0]) return false;
      await this.#notify(client, 'session.removed', toSession(rows[0]), wasAvailable);
      return true;
    });
  }

  async listRingableSessions(number: string, query: RingQuery): Promise<ClientSession[]> {
    const { rows } = await this.#pool.query<SessionRow>(PG_RINGABLE_SESSIONS_SQL, [
      number,
      query.after ?? '',
      query.liveSince,
      query.limit,
    ]);
    return rows.map(toSession);
  }

  async upsertCall(report: CallReport): Promise<CallUpsertResult> {
    return this.#transaction(async (client) => {
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
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
         ON CONFLICT (call_sid) DO NOTHING
         RETURNING ${CALL_COLUMNS}`,
        [
          newSysId(),
          report.call_sid,
          report.parent_call_sid ?? null,
          parentSysId,
          report.session ?? null,
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
      const patch = mergeCall(existing, report, parentSysId);
      if (!patch) return { call: existing, changed: false };
      const call: CallRecord = { ...existing, ...patch, updated_at: at };
      await client.query(
        `UPDATE notify_call SET parent_call_sid = $1, parent_sys_id = $2, session = $3, "to" = $4, status = $5,
           duration = $6, updated_at = $7
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
        ],
      );
      return { call, changed: true };
    });
  }

  async getCall(callSid: string): Promise<CallRecord | undefined> {
    const { rows } = await this.#pool.query<CallRow>(
      `SELECT ${CALL_COLUMNS} FROM notify_call WHERE call_sid = $1`,
      [callSid],
    );
    return rows[0] && toCall(rows[0]);
  }

  async listCalls(filter: { session?: string } = {}): Promise<CallRecord[]> {
    const { rows } = filter.session
      ? await this.#pool.query<CallRow>(
          `SELECT ${CALL_COLUMNS} FROM notify_call WHERE session = $1 ORDER BY created_at, seq`,
          [filter.session],
        )
      : await this.#pool.query<CallRow>(`SELECT ${CALL_COLUMNS} FROM notify_call ORDER BY created_at, seq`);
    return rows.map(toCall);
  }

  async stats(): Promise<StoreStats> {
    const sessions = await this.#pool.query<{ total: number; available: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE available)::int AS available
       FROM notify_client_session`,
    );
    const calls = await this.#pool.query<{ status: CallRecord['status']; n: number }>(
      'SELECT status, count(*)::int AS n FROM notify_call GROUP BY status',
    );
    return {
      sessions: sessions.rows[0]?.total ?? 0,
      availableSessions: sessions.rows[0]?.available ?? 0,
      callsByStatus: Object.fromEntries(calls.rows.map((c) => [c.status, c.n])),
    };
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  async onPresence(listener: PresenceListener): Promise<() => Promise<void>> {
    const remove = this.#presence.add(listener);
    try {
      await this.#listen();
    } catch (error) {
      remove();
      throw error;
    }
    return async () => remove();
  }

  /** Opens the LISTEN connection once; if it drops, the next subscriber (or a retry timer) reopens it. */
  #listen(): Promise<void> {
    this.#listening ??= (async () => {
      const { connectionString } = parsePostgresUrl(this.#options.connectionString);
      const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
      client.on('notification', (message) => {
        if (!message.payload) return;
        if (message.channel === this.#signOutChannel) {
          this.#signOuts.emit(message.payload);
          return;
        }
        if (message.channel !== this.#channel) return;
        try {
          this.#presence.emit(JSON.parse(message.payload) as PresenceEvent);
        } catch (error) {
          this.#reportError(error);
        }
      });
      client.on('error', (error) => {
        this.#reportError(error);
        if (this.#listener === client) {
          this.#listener = undefined;
          this.#listening = undefined;
          client.end().catch(() => undefined);
          if (!this.#closed && (this.#presence.size || this.#signOuts.size))
            setTimeout(() => void this.#listen().catch(() => undefined), 1000);
        }
      });
      try {
        await client.connect();
        await client.query(`LISTEN "${this.#channel}"`);
        await client.query(`LISTEN "${this.#signOutChannel}"`);
      } catch (error) {
        this.#listening = undefined;
        await client.end().catch(() => undefined);
        throw error;
      }
      this.#listener = client;
    })();
    return this.#listening;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#presence.clear();
    this.#signOuts.clear();
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => undefined);
    try {
      if (this.#options.dropSchemaOnClose && this.#schema !== 'public') {
        await this.#pool.query(`DROP SCHEMA IF EXISTS ${this.#schema} CASCADE`);
      }
    } finally {
      await this.#pool.end();
    }
  }
}
