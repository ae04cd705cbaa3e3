import pg from 'pg';
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
import * as calls from './postgres-calls.js';
import * as directory from './postgres-directory.js';
import * as identity from './postgres-identity.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import * as sessions from './postgres-sessions.js';

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

const now = () => new Date().toISOString();

type Queryable = pg.Pool | pg.PoolClient;

/**
 * `NotifyStore` on PostgreSQL (node-postgres pool). Every multi-statement write is one transaction. The class
 * holds the pool, the transactions, the migrations and the presence plumbing; the queries are by concern in
 * `postgres-directory.ts` (users, groups, numbers), `postgres-sessions.ts`, `postgres-calls.ts` and
 * `postgres-identity.ts`, each run on the client (and so in the transaction) the class gives it.
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
  /** The presence plumbing as the session queries (`postgres-sessions.ts`) use it. */
  readonly #sessionPresence: sessions.SessionPresence = {
    lockUser: (client, userSysId) => this.#lockUser(client, userSysId),
    lockOwner: (client, sysId) => this.#lockOwner(client, sysId),
    notify: (client, type, session, wasAvailable) => this.#notify(client, type, session, wasAvailable),
  };

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
    return this.#transaction((client) => directory.findOrCreateUser(client, name));
  }

  async upsertUser(user: User): Promise<User> {
    return directory.upsertUser(this.#pool, user);
  }

  async getUser(sysId: string): Promise<User | undefined> {
    return directory.getUser(this.#pool, sysId);
  }

  async findOrCreateGroup(name: string): Promise<Group> {
    return directory.findOrCreateGroup(this.#pool, name);
  }

  async addGroupMember(groupSysId: string, userSysId: string): Promise<void> {
    await directory.addGroupMember(this.#pool, groupSysId, userSysId);
  }

  async setUserGroups(userSysId: string, groupNames: string[]): Promise<void> {
    await this.#transaction((client) => directory.setUserGroups(client, userSysId, groupNames));
  }

  async listUserGroups(userSysId: string): Promise<Group[]> {
    return directory.listUserGroups(this.#pool, userSysId);
  }

  async sharesGroup(userSysId: string, otherUserSysId: string): Promise<boolean> {
    return directory.sharesGroup(this.#pool, userSysId, otherUserSysId);
  }

  async upsertNumber(number: NotifyNumber): Promise<void> {
    await directory.upsertNumber(this.#pool, number);
  }

  async getNumber(number: string): Promise<NotifyNumber | undefined> {
    return directory.getNumber(this.#pool, number);
  }

  async findNumberForUser(number: string, userSysId: string): Promise<NotifyNumber | undefined> {
    return directory.findNumberForUser(this.#pool, number, userSysId);
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
      identity.applyHostClaims(client, directory.setUserGroups, issuer, subject, issuedAt, claims),
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

  onSignOut(listener: SignOutListener): Promise<() => Promise<void>> {
    return this.#subscribe(() => this.#signOuts.add(listener));
  }

  async createSession(session: NewClientSession, limits: SessionLimits = {}): Promise<ClientSession> {
    const at = now();
    const created: ClientSession = { ...session, connected_at: at, last_seen: at };
    await this.#transaction((client) =>
      sessions.createSession(client, this.#sessionPresence, created, limits),
    );
    return created;
  }

  async getSession(sysId: string): Promise<ClientSession | undefined> {
    return sessions.getSession(this.#pool, sysId);
  }

  async getSessionByIdentity(identity: string): Promise<ClientSession | undefined> {
    return sessions.getSessionByIdentity(this.#pool, identity);
  }

  async setSessionAvailable(sysId: string, available: boolean): Promise<boolean> {
    return this.#transaction((client) =>
      sessions.setSessionAvailable(client, this.#sessionPresence, sysId, available),
    );
  }

  async listAvailableUsers(excludeUser?: string): Promise<User[]> {
    return sessions.listAvailableUsers(this.#pool, excludeUser);
  }

  async listAvailableColleagues(userSysId: string, page: PageRequest = {}): Promise<User[]> {
    return sessions.listAvailableColleagues(this.#pool, userSysId, page);
  }

  async listSessions(filter: { user?: string; liveSince?: string } = {}): Promise<ClientSession[]> {
    return sessions.listSessions(this.#pool, filter);
  }

  async touchSession(sysId: string, liveSince?: string): Promise<boolean> {
    return sessions.touchSession(this.#pool, sysId, liveSince);
  }

  async deleteStaleSessions(before: string, filter: { user?: string } = {}): Promise<ClientSession[]> {
    return this.#transaction((client) =>
      sessions.deleteStaleSessions(client, this.#sessionPresence, before, filter),
    );
  }

  async deleteSession(sysId: string): Promise<boolean> {
    return this.#transaction((client) => sessions.deleteSession(client, this.#sessionPresence, sysId));
  }

  async listRingableSessions(number: string, query: RingQuery): Promise<ClientSession[]> {
    return sessions.listRingableSessions(this.#pool, number, query);
  }

  async upsertCall(report: CallReport): Promise<CallUpsertResult> {
    return this.#transaction((client) => calls.upsertCall(client, report));
  }

  async getCall(callSid: string): Promise<CallRecord | undefined> {
    return calls.getCall(this.#pool, callSid);
  }

  async listCalls(filter: CallFilter = {}): Promise<CallRecord[]> {
    return calls.listCalls(this.#pool, filter);
  }

  async setCallConference(callSid: string, conference: string): Promise<void> {
    return calls.setCallConference(this.#pool, callSid, conference);
  }

  async listConferenceCalls(conference: string): Promise<CallRecord[]> {
    return calls.listConferenceCalls(this.#pool, conference);
  }

  async setCallWaiting(session: string, ring: boolean): Promise<void> {
    return calls.setCallWaiting(this.#pool, session, ring);
  }

  async busySessions(sessions: string[], since: string): Promise<string[]> {
    return calls.busySessions(this.#pool, sessions, since);
  }

  async listCallHistory(
    userSysId: string,
    page: { limit?: number; before?: CallCursor } = {},
  ): Promise<CallHistoryRow[]> {
    return calls.listCallHistory(this.#pool, userSysId, pageSize(page.limit), page.before);
  }

  async stats(): Promise<StoreStats> {
    const sessionCounts = await this.#pool.query<{ total: number; available: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE available)::int AS available
       FROM notify_client_session`,
    );
    const callCounts = await this.#pool.query<{ status: CallRecord['status']; n: number }>(
      'SELECT status, count(*)::int AS n FROM notify_call GROUP BY status',
    );
    return {
      sessions: sessionCounts.rows[0]?.total ?? 0,
      availableSessions: sessionCounts.rows[0]?.available ?? 0,
      callsByStatus: Object.fromEntries(callCounts.rows.map((c) => [c.status, c.n])),
    };
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  onPresence(listener: PresenceListener): Promise<() => Promise<void>> {
    return this.#subscribe(() => this.#presence.add(listener));
  }

  /** Adds a listener, then makes sure the LISTEN connection is open; a failed open takes the listener back. */
  async #subscribe(add: () => () => void): Promise<() => Promise<void>> {
    const remove = add();
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
