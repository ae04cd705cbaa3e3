import Database from 'better-sqlite3';
import { ringKey } from '../ids.js';
import { PresenceFanout } from './presence.js';
import {
  pageSize,
  type CallCursor,
  type CallHistoryRow,
  type CallFilter,
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
import * as calls from './sqlite-calls.js';
import * as directory from './sqlite-directory.js';
import * as identity from './sqlite-identity.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import * as sessions from './sqlite-sessions.js';

/** The schema version this code expects; exported for tests. */
export const SCHEMA_VERSION = SQLITE_MIGRATIONS.length;

/** Later than any last_seen: `deleteStaleSessions(END_OF_TIME)` removes every session. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/**
 * `NotifyStore` on better-sqlite3 (a file path, or `':memory:'`). The class holds the connection, the
 * migrations and the presence plumbing; the queries are by concern in `sqlite-directory.ts` (users, groups,
 * numbers), `sqlite-sessions.ts`, `sqlite-calls.ts` and `sqlite-identity.ts`.
 */
export class SqliteStore implements NotifyStore {
  readonly #db: Database.Database;
  readonly #presence = new PresenceFanout();
  readonly #signOuts = new PresenceFanout<string>();
  readonly #statements = new Map<string, Database.Statement>();
  readonly #sessions: sessions.SessionPresence;

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
    this.#sessions = {
      db: this.#db,
      stmt: this.#stmt,
      watched: () => this.#presence.size > 0,
      userAvailable: (user) => this.#userAvailable(user),
      ownerAvailable: (sysId) => this.#ownerAvailable(sysId),
      publish: (type, session, wasAvailable) => this.#publish(type, session, wasAvailable),
    };
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
  readonly #stmt = (sql: string): Database.Statement => {
    let statement = this.#statements.get(sql);
    if (!statement) this.#statements.set(sql, (statement = this.#db.prepare(sql)));
    return statement;
  };

  #userAvailable(userSysId: string): boolean {
    return (
      this.#stmt('SELECT EXISTS (SELECT 1 FROM notify_client_session WHERE "user" = ? AND available = 1)')
        .pluck()
        .get(userSysId) === 1
    );
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

  async findOrCreateUser(name: string): Promise<User> {
    return directory.findOrCreateUser(this.#db, name);
  }

  async upsertUser(user: User): Promise<User> {
    return directory.upsertUser(this.#db, user);
  }

  async setUserGroups(userSysId: string, groupNames: string[]): Promise<void> {
    directory.setUserGroups(this.#db, userSysId, groupNames);
  }

  async listUserGroups(userSysId: string): Promise<Group[]> {
    return directory.listUserGroups(this.#db, userSysId);
  }

  async getUser(sysId: string): Promise<User | undefined> {
    return directory.getUser(this.#db, sysId);
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
      (user, groups) => directory.setUserGroups(this.#db, user, groups),
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
    return directory.findOrCreateGroup(this.#db, name);
  }

  async addGroupMember(groupSysId: string, userSysId: string): Promise<void> {
    directory.addGroupMember(this.#db, groupSysId, userSysId);
  }

  async upsertNumber(number: NotifyNumber): Promise<void> {
    directory.upsertNumber(this.#db, number);
  }

  async getNumber(number: string): Promise<NotifyNumber | undefined> {
    return directory.getNumber(this.#db, number);
  }

  async findNumberForUser(number: string, userSysId: string): Promise<NotifyNumber | undefined> {
    return directory.findNumberForUser(this.#db, number, userSysId);
  }

  async createSession(session: NewClientSession, limits: SessionLimits = {}): Promise<ClientSession> {
    return sessions.createSession(this.#sessions, session, limits);
  }

  async getSession(sysId: string): Promise<ClientSession | undefined> {
    return sessions.getSession(this.#db, sysId);
  }

  async getSessionByIdentity(identity: string): Promise<ClientSession | undefined> {
    return sessions.getSessionByIdentity(this.#db, identity);
  }

  async setSessionAvailable(sysId: string, available: boolean): Promise<boolean> {
    return sessions.setSessionAvailable(this.#sessions, sysId, available);
  }

  async listAvailableColleagues(userSysId: string, page: PageRequest = {}): Promise<User[]> {
    return sessions.listAvailableColleagues(this.#stmt, userSysId, page);
  }

  async sharesGroup(userSysId: string, otherUserSysId: string): Promise<boolean> {
    return directory.sharesGroup(this.#stmt, userSysId, otherUserSysId);
  }

  async listSessions(filter: { user?: string; liveSince?: string } = {}): Promise<ClientSession[]> {
    return sessions.listSessions(this.#db, filter);
  }

  async listAvailableUsers(excludeUser?: string): Promise<User[]> {
    return sessions.listAvailableUsers(this.#db, excludeUser);
  }

  async touchSession(sysId: string, liveSince?: string): Promise<boolean> {
    return sessions.touchSession(this.#stmt, sysId, liveSince);
  }

  async deleteStaleSessions(before: string, filter: { user?: string } = {}): Promise<ClientSession[]> {
    return sessions.deleteStaleSessions(this.#sessions, before, filter);
  }

  async deleteSession(sysId: string): Promise<boolean> {
    return sessions.deleteSession(this.#sessions, sysId);
  }

  async listRingableSessions(number: string, query: RingQuery): Promise<ClientSession[]> {
    return sessions.listRingableSessions(this.#stmt, number, query);
  }

  async upsertCall(report: CallReport): Promise<CallUpsertResult> {
    return calls.upsertCall(this.#db, report);
  }

  async getCall(callSid: string): Promise<CallRecord | undefined> {
    return calls.getCall(this.#db, callSid);
  }

  async listCalls(filter: CallFilter = {}): Promise<CallRecord[]> {
    return calls.listCalls(this.#db, filter);
  }

  async setCallConference(callSid: string, conference: string): Promise<void> {
    return calls.setCallConference(this.#db, callSid, conference);
  }

  async listConferenceCalls(conference: string): Promise<CallRecord[]> {
    return calls.listConferenceCalls(this.#db, conference);
  }

  async setCallWaiting(session: string, ring: boolean): Promise<void> {
    return calls.setCallWaiting(this.#db, session, ring);
  }

  async busySessions(sessions: string[], since: string): Promise<string[]> {
    return calls.busySessions(this.#db, sessions, since);
  }

  async listCallHistory(
    userSysId: string,
    page: { limit?: number; before?: CallCursor } = {},
  ): Promise<CallHistoryRow[]> {
    return calls.listCallHistory(this.#db, userSysId, pageSize(page.limit), page.before);
  }

  async stats(): Promise<StoreStats> {
    const sessionCounts = this.#db
      .prepare(
        'SELECT count(*) AS total, coalesce(sum(available), 0) AS available FROM notify_client_session',
      )
      .get() as { total: number; available: number };
    const callCounts = this.#db
      .prepare('SELECT status, count(*) AS n FROM notify_call GROUP BY status')
      .all() as Array<{
      status: CallRecord['status'];
      n: number;
    }>;
    return {
      sessions: sessionCounts.total,
      availableSessions: sessionCounts.available,
      callsByStatus: Object.fromEntries(callCounts.map((c) => [c.status, c.n])),
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
