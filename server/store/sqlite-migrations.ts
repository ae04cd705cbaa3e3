// The sqlite store's schema, one entry a version (kept apart from the store's queries).

/**
 * Versioned schema. Each entry runs once, in order, inside a transaction; `PRAGMA user_version` records how
 * far a database got. Append new migrations; never edit one that has shipped.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
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
  // 2: user names are no longer unique (the host application's users are keyed by sys_id). SQLite cannot
  // drop a constraint, so the table is rebuilt (foreign keys are off while migrating).
  `
  CREATE TABLE sys_user_v2 (
    sys_id TEXT PRIMARY KEY,
    name TEXT NOT NULL
  );
  INSERT INTO sys_user_v2 (sys_id, name) SELECT sys_id, name FROM sys_user;
  DROP TABLE sys_user;
  ALTER TABLE sys_user_v2 RENAME TO sys_user;
  CREATE INDEX sys_user_name ON sys_user(name);
  `,
  // 3: bounded, (name, sys_id)-ordered pages of available colleagues (server/README.md, "Paging"). Each
  // membership row carries its user's name, kept in step by triggers, so that one group's members are an
  // ordered index range: (group, user_name, user).
  `
  ALTER TABLE notify_group_member ADD COLUMN user_name TEXT NOT NULL DEFAULT '';
  UPDATE notify_group_member
    SET user_name = coalesce((SELECT name FROM sys_user WHERE sys_id = notify_group_member."user"), '');
  CREATE TRIGGER notify_group_member_user_name AFTER INSERT ON notify_group_member BEGIN
    UPDATE notify_group_member
      SET user_name = coalesce((SELECT name FROM sys_user WHERE sys_id = NEW."user"), '')
      WHERE "group" = NEW."group" AND "user" = NEW."user";
  END;
  CREATE TRIGGER sys_user_name_to_members AFTER UPDATE OF name ON sys_user
  WHEN OLD.name IS NOT NEW.name BEGIN
    UPDATE notify_group_member SET user_name = NEW.name WHERE "user" = NEW.sys_id;
  END;
  CREATE INDEX notify_group_member_name ON notify_group_member("group", user_name, "user");
  CREATE INDEX notify_group_member_user ON notify_group_member("user", "group");
  CREATE INDEX notify_client_session_user_available ON notify_client_session("user", available);
  DROP INDEX notify_client_session_user;
  `,
  // 4: session liveness. Rows of clients that stopped sending heartbeats expire: the colleagues' probe
  // reads last_seen from the (still covering) index, the sweep finds expired rows by last_seen.
  `
  DROP INDEX notify_client_session_user_available;
  CREATE INDEX notify_client_session_user_available ON notify_client_session("user", available, last_seen);
  CREATE INDEX notify_client_session_last_seen ON notify_client_session(last_seen);
  `,
  // 5: how long a call leg lasted (Twilio's CallDuration, seconds), from its terminal status callback.
  `
  ALTER TABLE notify_call ADD COLUMN duration INTEGER;
  `,
  // 6: host identities in their own namespace, and sign-out. (issuer, subject) maps to a sys_id generated
  // here (a subject is never taken as a sys_id); last_issued_at orders the tokens whose claims were applied.
  // Users created before keep their rows: the hash-derived ones are adopted on their next sign-in, the
  // ones whose sys_id was the subject itself get a new user (server/README.md, "Host identity").
  `
  ALTER TABLE sys_user ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sys_user ADD COLUMN signed_out_at INTEGER;
  CREATE TABLE notify_host_identity (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    "user" TEXT NOT NULL UNIQUE REFERENCES sys_user(sys_id) ON DELETE CASCADE,
    last_issued_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (issuer, subject)
  );
  `,
  // 7: incoming-call routing through an index (server/README.md, "Who rings"): a number's available sessions
  // in ring order, one user after another. ring_key = ringKey(user) (md5 hex), written by createSession;
  // notify_ring_key() is the same function, registered by SqliteStore for this backfill.
  `
  ALTER TABLE notify_client_session ADD COLUMN ring_key TEXT NOT NULL DEFAULT '';
  UPDATE notify_client_session SET ring_key = notify_ring_key("user");
  CREATE INDEX notify_client_session_ring
    ON notify_client_session (number, available, ring_key, "user", connected_at);
  `,
  // 8: calls as objects (docs/decisions.md, "Hold, transfer and three-way through conferences"): the conference a
  // leg belongs to, and the sessions that take a second call while on one (notifyConfig.callWaiting 'ring').
  `
  ALTER TABLE notify_call ADD COLUMN conference TEXT;
  CREATE INDEX notify_call_conference ON notify_call(conference) WHERE conference IS NOT NULL;
  CREATE TABLE notify_call_waiting (
    session TEXT PRIMARY KEY REFERENCES notify_client_session(sys_id) ON DELETE CASCADE
  );
  `,
  // 9: call history (GET /calls). A leg records the user of its session: sessions are deleted when their
  // client goes away, the user's history must outlive them. Legs of sessions already gone stay nobody's.
  `
  ALTER TABLE notify_call ADD COLUMN "user" TEXT;
  UPDATE notify_call
    SET "user" = (SELECT "user" FROM notify_client_session WHERE sys_id = notify_call.session)
    WHERE session IS NOT NULL;
  CREATE INDEX notify_call_user ON notify_call ("user", created_at, sys_id);
  `,
];
