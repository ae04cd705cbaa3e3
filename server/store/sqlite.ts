import Database from 'better-sqlite3';
import { newSysId, ringKey } from '../ids.js';
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
import * as identity from './sqlite-identity.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';

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

/** The schema version this code expects; exported for tests. */
export const SCHEMA_VERSION = SQLITE_MIGRATIONS.length;

interface SessionRow extends Omit<ClientSession, 'available'> {
  available: number;
  /** Columns that are not part of ClientSession (dropped by toSession). */
  ring_key?: string;
  newest?: string;
}

const now = () => new Date().toISOString();

/** Later than any last_seen: `deleteStaleSessions(END_OF_TIME)` removes every session. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

const toSession = (row: SessionRow | undefined): ClientSession | undefined => {
  if (!row) return undefined;
  const { ring_key: _ringKey, newest: _newest, ...session } = row;
  return { ...session, available: row.available === 1 };
};

/** `NotifyStore` on better-sqlite3 (a file path, or `':memory:'`). */
export class SqliteStore implements NotifyStore {
  readonly #db: Database.Database;
  readonly #presence = new PresenceFanout();
  readonly #signOuts = new PresenceFanout<string>();
  readonly #statements = new Map<string, Database.Statement>();

  constructor(filename: string) {
    this.#db = new Database(filename);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    // For migration 7's backfill of ring_key (new rows get it from createSession).
    this.#db.function('notify_ring_key', { deterministic: true }, (user) => ringKey(String(user)));
    try {
      this.#migrate();
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  #migrate(): void {
    const current = this.#db.pragma('user_version', { simple: true }) as number;
    if (current > SQLITE_MIGRATIONS.length) {
      throw new Error(
        `Database schema version ${current} is newer than this server (${SQLITE_MIGRATIONS.length}).`,
      );
    }
    if (current === SQLITE_MIGRATIONS.length) return;
    // Table rebuilds need foreign keys off; the pragma is a no-op inside a transaction.
    this.#db.pragma('foreign_keys = OFF');
    try {
      for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
        this.#db.transaction(() => {
          this.#db.exec(SQLITE_MIGRATIONS[version]!);
          const broken = this.#db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new Error(`Migration ${version + 1} broke ${broken.length} foreign keys.`);
          this.#db.pragma(`user_version = ${version + 1}`);
        })();
      }
    } finally {
      this.#db.pragma('foreign_keys = ON');
    }
  }

  /** A prepared statement, prepared once (for the hot paths). */
  #stmt(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) this.#statements.set(sql, (statement = this.#db.prepare(sql)));
    return statement;
  }

  #userAvailable(userSysId: string): boolean {
    return (
      this.#stmt('SELECT EXISTS (SELECT 1 FROM notify_client_session WHERE "user" = ? AND available = 1)')
        .pluck()
        .get(userSysId) === 1
    );
  }

  async findOrCreateUser(name: string): Promise<User> {
    return this.#db.transaction((): User => {
      const select = this.#db.prepare(
        'SELECT sys_id, name FROM sys_user WHERE name = ? ORDER BY rowid LIMIT 1',
      );
      const found = select.get(name) as User | undefined;
      if (found) return found;
      const user = { sys_id: newSysId(), name };
      this.#db.prepare('INSERT INTO sys_user (sys_id, name) VALUES (@sys_id, @name)').run(user);
      return user;
    })();
  }

  async upsertUser(user: User): Promise<User> {
    this.#db
      .prepare(
        `INSERT INTO sys_user (sys_id, name) VALUES (@sys_id, @name)
         ON CONFLICT (sys_id) DO UPDATE SET name = excluded.name`,
      )
      .run(user);
    return { sys_id: user.sys_id, name: user.name };
  }

  async setUserGroups(userSysId: string, groupNames: string[]): Promise<void> {
    this.#setUserGroups(userSysId, groupNames);
  }

  #setUserGroups(userSysId: string, groupNames: string[]): void {
    this.#db.transaction(() => {
      const ids = [...new Set(groupNames)].map((name) => {
        this.#db
          .prepare('INSERT OR IGNORE INTO notify_group (sys_id, name) VALUES (?, ?)')
          .run(newSysId(), name);
        return (this.#db.prepare('SELECT sys_id FROM notify_group WHERE name = ?').get(name) as Group).sys_id;
      });
      this.#db.prepare('DELETE FROM notify_group_member WHERE "user" = ?').run(userSysId);
      const insert = this.#db.prepare('INSERT INTO notify_group_member ("group", "user") VALUES (?, ?)');
      for (const id of ids) insert.run(id, userSysId);
    })();
  }

  async listUserGroups(userSysId: string): Promise<Group[]> {
    return this.#db
      .prepare(
        `SELECT g.sys_id, g.name FROM notify_group g JOIN notify_group_member m ON m."group" = g.sys_id
         WHERE m."user" = ? ORDER BY g.name`,
      )
      .all(userSysId) as Group[];
  }

  async getUser(sysId: string): Promise<User | undefined> {
    return this.#db.prepare('SELECT sys_id, name FROM sys_user WHERE sys_id = ?').get(sysId) as
      User | undefined;
  }

  async getSignInState(sysId: string): Promise<SignInState | undefined> {
    return identity.getSignInState(this.#db, sysId);
  }

  async findHostUser(issuer: string, subject: string): Promise<HostUser | undefined> {
    return identity.findHostUser(this.#db, issuer, subject);
  }

  async createHostUser(
    issuer: string,
    subject: string,
    name: string,
    legacySysId?: string,
  ): Promise<HostUser> {
    return identity.createHostUser(this.#db, issuer, subject, name, legacySysId);
  }

  async applyHostClaims(
    issuer: string,
    subject: string,
    issuedAt: number,
    claims: HostClaims,
  ): Promise<boolean> {
    return identity.applyHostClaims(
      this.#db,
      (user, groups) => this.#setUserGroups(user, groups),
      issuer,
      subject,
      issuedAt,
      claims,
    );
  }

  async signOut(userSysId: string, at: number): Promise<ClientSession[]> {
    identity.revokeTokens(this.#db, userSysId, at);
    const removed = await this.deleteStaleSessions(END_OF_TIME, { user: userSysId });
    this.#signOuts.emit(userSysId);
    return removed;
  }

  async onSignOut(listener: SignOutListener): Promise<() => Promise<void>> {
    const remove = this.#signOuts.add(listener);
    return async () => remove();
  }

  async findOrCreateGroup(name: string): Promise<Group> {
    this.#db.prepare('INSERT OR IGNORE INTO notify_group (sys_id, name) VALUES (?, ?)').run(newSysId(), name);
    return this.#db.prepare('SELECT sys_id, name FROM notify_group WHERE name = ?').get(name) as Group;
  }

  async addGroupMember(groupSysId: string, userSysId: string): Promise<void> {
    this.#db
      .prepare('INSERT OR IGNORE INTO notify_group_member ("group", "user") VALUES (?, ?)')
      .run(groupSysId, userSysId);
  }

  async upsertNumber({ number, vendor, group }: NotifyNumber): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO notify_number (number, vendor, "group") VALUES (?, ?, ?)
         ON CONFLICT (number) DO UPDATE SET vendor = excluded.vendor, "group" = excluded."group"`,
      )
      .run(number, vendor, group);
  }

  async getNumber(number: string): Promise<NotifyNumber | undefined> {
    return this.#db
      .prepare('SELECT number, vendor, "group" FROM notify_number WHERE number = ?')
      .get(number) as NotifyNumber | undefined;
  }

  async findNumberForUser(number: string, userSysId: string): Promise<NotifyNumber | undefined> {
    return this.#db
      .prepare(
        `SELECT n.number, n.vendor, n."group" FROM notify_number n
         JOIN notify_group_member m ON m."group" = n."group"
         WHERE n.number = ? AND m."user" = ?`,
      )
      .get(number, userSysId) as NotifyNumber | undefined;
  }

  async createSession(session: NewClientSession, limits: SessionLimits = {}): Promise<ClientSession> {
    const at = now();
    // better-sqlite3 is synchronous: nothing else runs between this read and the publishes below.
    const wasAvailable = this.#presence.size > 0 && this.#userAvailable(session.user);
    this.#db
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
    this.#publish('session.created', created, wasAvailable);
    if (limits.maxPerUser !== undefined) {
      const beyond = this.#stmt(
        `SELECT sys_id FROM notify_client_session WHERE "user" = ? AND sys_id <> ?
         ORDER BY connected_at DESC, rowid DESC LIMIT -1 OFFSET ?`,
      )
        .pluck()
        .all(session.user, session.sys_id, Math.max(0, limits.maxPerUser - 1)) as string[];
      for (const sysId of beyond) this.#deleteSession(sysId);
    }
    return created;
  }

  /** Publishes a committed session write; `wasAvailable`: whether its user had an available session before. */
  #publish(type: PresenceEvent['type'], session: ClientSession, wasAvailable: boolean): void {
    if (!this.#presence.size) return;
    const groups = this.#stmt('SELECT "group" FROM notify_group_member WHERE "user" = ?')
      .pluck()
      .all(session.user) as string[];
    const { sys_id, user, name, available } = session;
    const event: PresenceEvent = { type, session: { sys_id, user, name, available }, groups };
    const isAvailable = this.#userAvailable(user);
    if (isAvailable !== wasAvailable) {
      const client = this.#stmt('SELECT sys_id, name FROM sys_user WHERE sys_id = ?').get(user) as
        User | undefined;
      if (client) event.availability = { client, available: isAvailable };
    }
    this.#presence.emit(event);
  }

  /** Whether the user owning session `sysId` has an available session (false if no listener cares). */
  #ownerAvailable(sysId: string): boolean {
    if (!this.#presence.size) return false;
    const user = this.#stmt('SELECT "user" FROM notify_client_session WHERE sys_id = ?')
      .pluck()
      .get(sysId) as string | undefined;
    return user !== undefined && this.#userAvailable(user);
  }

  async getSession(sysId: string): Promise<ClientSession | undefined> {
    return toSession(
      this.#db.prepare('SELECT * FROM notify_client_session WHERE sys_id = ?').get(sysId) as
        SessionRow | undefined,
    );
  }

  async getSessionByIdentity(identity: string): Promise<ClientSession | undefined> {
    return toSession(
      this.#db.prepare('SELECT * FROM notify_client_session WHERE identity = ?').get(identity) as
        SessionRow | undefined,
    );
  }

  async setSessionAvailable(sysId: string, available: boolean): Promise<boolean> {
    const wasAvailable = this.#ownerAvailable(sysId);
    const row = this.#db
      .prepare('UPDATE notify_client_session SET available = ?, last_seen = ? WHERE sys_id = ? RETURNING *')
      .get(available ? 1 : 0, now(), sysId) as SessionRow | undefined;
    if (row) this.#publish('session.updated', toSession(row)!, wasAvailable);
    return row !== undefined;
  }

  async listAvailableColleagues(userSysId: string, page: PageRequest = {}): Promise<User[]> {
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    const groups = this.#stmt('SELECT "group" FROM notify_group_member WHERE "user" = ?')
      .pluck()
      .all(userSysId) as string[];
    const params = {
      viewer: userSysId,
      afterName: page.after?.name ?? '',
      afterId: page.after?.sys_id ?? '',
      liveSince: page.liveSince ?? '',
      limit,
    };
    const pages = groups.map((group) => this.#stmt(GROUP_AVAILABLE_SQL).all({ ...params, group }) as User[]);
    if (pages.length <= 1) return pages[0] ?? [];
    // Several groups: merge their pages, each user once, and keep the first `limit`.
    const seen = new Set<string>();
    return pages
      .flat()
      .sort(binaryOrder)
      .filter((user) => !seen.has(user.sys_id) && seen.add(user.sys_id))
      .slice(0, limit);
  }

  async sharesGroup(userSysId: string, otherUserSysId: string): Promise<boolean> {
    return (
      this.#stmt(
        `SELECT EXISTS (SELECT 1 FROM notify_group_member mine
           JOIN notify_group_member theirs ON theirs."group" = mine."group" AND theirs."user" = ?
           WHERE mine."user" = ?)`,
      )
        .pluck()
        .get(otherUserSysId, userSysId) === 1
    );
  }

  async listSessions(filter: { user?: string; liveSince?: string } = {}): Promise<ClientSession[]> {
    const live = filter.liveSince ?? '';
    const rows = filter.user
      ? this.#db
          .prepare(
            `SELECT * FROM notify_client_session WHERE "user" = ? AND last_seen >= ?
             ORDER BY connected_at, rowid`,
          )
          .all(filter.user, live)
      : this.#db
          .prepare('SELECT * FROM notify_client_session WHERE last_seen >= ? ORDER BY connected_at, rowid')
          .all(live);
    return (rows as SessionRow[]).map((row) => toSession(row)!);
  }

  async listAvailableUsers(excludeUser?: string): Promise<User[]> {
    return this.#db
      .prepare(
        `SELECT DISTINCT u.sys_id, u.name FROM sys_user u
         JOIN notify_client_session s ON s."user" = u.sys_id
         WHERE s.available = 1 AND u.sys_id IS NOT ?
         ORDER BY u.name, u.sys_id`,
      )
      .all(excludeUser ?? null) as User[];
  }

  async touchSession(sysId: string, liveSince?: string): Promise<boolean> {
    const result = this.#stmt(
      'UPDATE notify_client_session SET last_seen = ? WHERE sys_id = ? AND last_seen >= ?',
    ).run(now(), sysId, liveSince ?? '');
    return result.changes > 0;
  }

  async deleteStaleSessions(before: string, filter: { user?: string } = {}): Promise<ClientSession[]> {
    // better-sqlite3 is synchronous: nothing else runs between these statements and the publishes below.
    const users = filter.user ? 'AND "user" = @user' : '';
    const params = { before, user: filter.user ?? null };
    const wasAvailable = new Map<string, boolean>();
    if (this.#presence.size) {
      const owners = this.#db
        .prepare(`SELECT DISTINCT "user" FROM notify_client_session WHERE last_seen < @before ${users}`)
        .pluck()
        .all(params) as string[];
      for (const user of owners) wasAvailable.set(user, this.#userAvailable(user));
    }
    const rows = this.#db
      .prepare(`DELETE FROM notify_client_session WHERE last_seen < @before ${users} RETURNING *`)
      .all(params) as SessionRow[];
    const removed = rows.map((row) => toSession(row)!);
    for (const session of removed) {
      const was = wasAvailable.get(session.user) ?? false;
      this.#publish('session.removed', session, was);
      // Later rows of the same user: the flip (if any) was published with the first one.
      wasAvailable.set(session.user, this.#presence.size > 0 && this.#userAvailable(session.user));
    }
    return removed;
  }

  async deleteSession(sysId: string): Promise<boolean> {
    return this.#deleteSession(sysId);
  }

  #deleteSession(sysId: string): boolean {
    const wasAvailable = this.#ownerAvailable(sysId);
    const row = this.#stmt('DELETE FROM notify_client_session WHERE sys_id = ? RETURNING *').get(sysId) as
      SessionRow | undefined;
    if (row) this.#publish('session.removed', toSession(row)!, wasAvailable);
    return row !== undefined;
  }

  async listRingableSessions(number: string, query: RingQuery): Promise<ClientSession[]> {
    const rows = this.#stmt(RINGABLE_SESSIONS_SQL).all({
      number,
      after: query.after ?? '',
      liveSince: query.liveSince,
      limit: query.limit,
    }) as SessionRow[];
    return rows.map((row) => toSession(row)!);
  }

  async upsertCall(report: CallReport): Promise<CallUpsertResult> {
    return this.#db.transaction((): CallUpsertResult => {
      const parentSysId = report.parent_call_sid ? (this.#callSysId(report.parent_call_sid) ?? null) : null;
      const existing = this.#getCall(report.call_sid);
      const at = now();
      if (!existing) {
        const call: CallRecord = {
          sys_id: newSysId(),
          call_sid: report.call_sid,
          parent_call_sid: report.parent_call_sid ?? null,
          parent_sys_id: parentSysId,
          session: report.session ?? null,
          direction: report.direction,
          from: report.from,
          to: report.to,
          status: report.status,
          duration: reportedDuration(report),
          created_at: at,
          updated_at: at,
        };
        this.#db
          .prepare(
            `INSERT INTO notify_call (sys_id, call_sid, parent_call_sid, parent_sys_id, session, direction,
               "from", "to", status, duration, created_at, updated_at)
             VALUES (@sys_id, @call_sid, @parent_call_sid, @parent_sys_id, @session, @direction,
               @from, @to, @status, @duration, @created_at, @updated_at)`,
          )
          .run(call);
        // Children whose callbacks arrived before this parent learn its sys_id now.
        this.#db
          .prepare(
            'UPDATE notify_call SET parent_sys_id = ? WHERE parent_call_sid = ? AND parent_sys_id IS NULL',
          )
          .run(call.sys_id, call.call_sid);
        return { call, changed: true };
      }
      const patch = mergeCall(existing, report, parentSysId);
      if (!patch) return { call: existing, changed: false };
      const call: CallRecord = { ...existing, ...patch, updated_at: at };
      this.#db
        .prepare(
          `UPDATE notify_call SET parent_call_sid = @parent_call_sid, parent_sys_id = @parent_sys_id,
             session = @session, "to" = @to, status = @status, duration = @duration, updated_at = @updated_at
           WHERE sys_id = @sys_id`,
        )
        .run({ ...call, duration: call.duration ?? null });
      return { call, changed: true };
    })();
  }

  #getCall(callSid: string): CallRecord | undefined {
    return this.#db.prepare('SELECT * FROM notify_call WHERE call_sid = ?').get(callSid) as
      CallRecord | undefined;
  }

  #callSysId(callSid: string): string | undefined {
    return this.#getCall(callSid)?.sys_id;
  }

  async getCall(callSid: string): Promise<CallRecord | undefined> {
    return this.#getCall(callSid);
  }

  async listCalls(filter: { session?: string } = {}): Promise<CallRecord[]> {
    if (filter.session) {
      return this.#db
        .prepare('SELECT * FROM notify_call WHERE session = ? ORDER BY created_at, rowid')
        .all(filter.session) as CallRecord[];
    }
    return this.#db.prepare('SELECT * FROM notify_call ORDER BY created_at, rowid').all() as CallRecord[];
  }

  async stats(): Promise<StoreStats> {
    const sessions = this.#db
      .prepare(
        'SELECT count(*) AS total, coalesce(sum(available), 0) AS available FROM notify_client_session',
      )
      .get() as { total: number; available: number };
    const calls = this.#db
      .prepare('SELECT status, count(*) AS n FROM notify_call GROUP BY status')
      .all() as Array<{
      status: CallRecord['status'];
      n: number;
    }>;
    return {
      sessions: sessions.total,
      availableSessions: sessions.available,
      callsByStatus: Object.fromEntries(calls.map((c) => [c.status, c.n])),
    };
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get();
  }

  async onPresence(listener: PresenceListener): Promise<() => Promise<void>> {
    const remove = this.#presence.add(listener);
    return async () => remove();
  }

  async close(): Promise<void> {
    this.#presence.clear();
    this.#signOuts.clear();
    if (this.#db.open) this.#db.close();
  }
}
