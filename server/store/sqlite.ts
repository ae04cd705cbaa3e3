import Database from 'better-sqlite3';
import { newSysId } from '../ids.js';
import {
  mergeCall,
  type CallRecord,
  type CallReport,
  type CallUpsertResult,
  type ClientSession,
  type Group,
  type NewClientSession,
  type NotifyNumber,
  type NotifyStore,
  type User,
} from './store.js';

/**
 * Versioned schema. Each entry runs once, in order, inside a transaction; `PRAGMA user_version` records how
 * far a database got. Append new migrations; never edit one that has shipped.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sys_user (
    sys_id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );
  CREATE TABLE notify_group (
    sys_id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );
  CREATE TABLE notify_group_member (
    "group" TEXT NOT NULL REFERENCES notify_group(sys_id) ON DELETE CASCADE,
    "user" TEXT NOT NULL REFERENCES sys_user(sys_id) ON DELETE CASCADE,
    PRIMARY KEY ("group", "user")
  );
  CREATE TABLE notify_number (
    number TEXT PRIMARY KEY,
    vendor TEXT,
    "group" TEXT NOT NULL REFERENCES notify_group(sys_id)
  );
  CREATE TABLE notify_client_session (
    sys_id TEXT PRIMARY KEY,
    "user" TEXT NOT NULL REFERENCES sys_user(sys_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    number TEXT NOT NULL,
    vendor TEXT,
    identity TEXT NOT NULL UNIQUE,
    available INTEGER NOT NULL DEFAULT 1,
    connected_at TEXT NOT NULL,
    last_seen TEXT NOT NULL
  );
  CREATE INDEX notify_client_session_user ON notify_client_session("user");
  CREATE TABLE notify_call (
    sys_id TEXT PRIMARY KEY,
    call_sid TEXT NOT NULL UNIQUE,
    parent_call_sid TEXT,
    parent_sys_id TEXT,
    session TEXT,
    direction TEXT NOT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX notify_call_parent ON notify_call(parent_call_sid);
  CREATE INDEX notify_call_session ON notify_call(session);
  `,
];

/** The schema version this code expects; exported for tests. */
export const SCHEMA_VERSION = MIGRATIONS.length;

interface SessionRow extends Omit<ClientSession, 'available'> {
  available: number;
}

const now = () => new Date().toISOString();

const toSession = (row: SessionRow | undefined): ClientSession | undefined =>
  row && { ...row, available: row.available === 1 };

/** `NotifyStore` on better-sqlite3 (a file path, or `':memory:'`). */
export class SqliteStore implements NotifyStore {
  readonly #db: Database.Database;

  constructor(filename: string) {
    this.#db = new Database(filename);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    try {
      this.#migrate();
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  #migrate(): void {
    const current = this.#db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(`Database schema version ${current} is newer than this server (${MIGRATIONS.length}).`);
    }
    for (let version = current; version < MIGRATIONS.length; version++) {
      this.#db.transaction(() => {
        this.#db.exec(MIGRATIONS[version]!);
        this.#db.pragma(`user_version = ${version + 1}`);
      })();
    }
  }

  async findOrCreateUser(name: string): Promise<User> {
    this.#db.prepare('INSERT OR IGNORE INTO sys_user (sys_id, name) VALUES (?, ?)').run(newSysId(), name);
    return this.#db.prepare('SELECT sys_id, name FROM sys_user WHERE name = ?').get(name) as User;
  }

  async getUser(sysId: string): Promise<User | undefined> {
    return this.#db.prepare('SELECT sys_id, name FROM sys_user WHERE sys_id = ?').get(sysId) as
      User | undefined;
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

  async createSession(session: NewClientSession): Promise<ClientSession> {
    const at = now();
    this.#db
      .prepare(
        `INSERT INTO notify_client_session
           (sys_id, "user", name, number, vendor, identity, available, connected_at, last_seen)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      );
    return { ...session, connected_at: at, last_seen: at };
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
    const result = this.#db
      .prepare('UPDATE notify_client_session SET available = ?, last_seen = ? WHERE sys_id = ?')
      .run(available ? 1 : 0, now(), sysId);
    return result.changes > 0;
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

  async touchSession(sysId: string): Promise<boolean> {
    const result = this.#db
      .prepare('UPDATE notify_client_session SET last_seen = ? WHERE sys_id = ?')
      .run(now(), sysId);
    return result.changes > 0;
  }

  async deleteSession(sysId: string): Promise<boolean> {
    return this.#db.prepare('DELETE FROM notify_client_session WHERE sys_id = ?').run(sysId).changes > 0;
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
          created_at: at,
          updated_at: at,
        };
        this.#db
          .prepare(
            `INSERT INTO notify_call (sys_id, call_sid, parent_call_sid, parent_sys_id, session, direction,
               "from", "to", status, created_at, updated_at)
             VALUES (@sys_id, @call_sid, @parent_call_sid, @parent_sys_id, @session, @direction,
               @from, @to, @status, @created_at, @updated_at)`,
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
             session = @session, "to" = @to, status = @status, updated_at = @updated_at
           WHERE sys_id = @sys_id`,
        )
        .run(call);
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

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
