// The postgres store's schema, one entry a version (kept apart from the store's queries).

/**
 * Versioned schema. Each entry runs once, in order, in one transaction, under an advisory lock so that
 * instances starting together migrate once; `notify_schema_migrations` records what ran. Append new
 * migrations; never edit one that has shipped. Version 1 already has the shape of SQLite's version 2.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sys_user (
    sys_id TEXT PRIMARY KEY,
    name TEXT NOT NULL
  );
  CREATE INDEX sys_user_name ON sys_user (name);
  CREATE TABLE notify_group (
    sys_id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );
  CREATE TABLE notify_group_member (
    "group" TEXT NOT NULL REFERENCES notify_group (sys_id) ON DELETE CASCADE,
    "user" TEXT NOT NULL REFERENCES sys_user (sys_id) ON DELETE CASCADE,
    PRIMARY KEY ("group", "user")
  );
  CREATE INDEX notify_group_member_user ON notify_group_member ("user");
  CREATE TABLE notify_number (
    number TEXT PRIMARY KEY,
    vendor TEXT,
    "group" TEXT NOT NULL REFERENCES notify_group (sys_id)
  );
  CREATE TABLE notify_client_session (
    seq BIGSERIAL NOT NULL,
    sys_id TEXT PRIMARY KEY,
    "user" TEXT NOT NULL REFERENCES sys_user (sys_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    number TEXT NOT NULL,
    vendor TEXT,
    identity TEXT NOT NULL UNIQUE,
    available BOOLEAN NOT NULL DEFAULT TRUE,
    connected_at TIMESTAMPTZ NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX notify_client_session_user ON notify_client_session ("user");
  CREATE TABLE notify_call (
    seq BIGSERIAL NOT NULL,
    sys_id TEXT PRIMARY KEY,
    call_sid TEXT NOT NULL UNIQUE,
    parent_call_sid TEXT,
    parent_sys_id TEXT,
    session TEXT,
    direction TEXT NOT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX notify_call_parent ON notify_call (parent_call_sid);
  CREATE INDEX notify_call_session ON notify_call (session);
  `,
  // 2: bounded, (name, sys_id)-ordered pages of available colleagues (server/README.md, "Paging"). Each
  // membership row carries its user's name, kept in step by triggers, so that one group's members are an
  // ordered index range: (group, user_name, user).
  `
  ALTER TABLE notify_group_member ADD COLUMN user_name TEXT;
  UPDATE notify_group_member m SET user_name = u.name FROM sys_user u WHERE u.sys_id = m."user";
  ALTER TABLE notify_group_member ALTER COLUMN user_name SET NOT NULL;
  CREATE FUNCTION notify_group_member_user_name() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
  BEGIN
    NEW.user_name := coalesce((SELECT name FROM sys_user WHERE sys_id = NEW."user"), '');
    RETURN NEW;
  END $$;
  CREATE TRIGGER notify_group_member_user_name BEFORE INSERT OR UPDATE OF "user" ON notify_group_member
    FOR EACH ROW EXECUTE FUNCTION notify_group_member_user_name();
  CREATE FUNCTION sys_user_name_to_members() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
  BEGIN
    UPDATE notify_group_member SET user_name = NEW.name WHERE "user" = NEW.sys_id;
    RETURN NULL;
  END $$;
  CREATE TRIGGER sys_user_name_to_members AFTER UPDATE OF name ON sys_user
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION sys_user_name_to_members();
  CREATE INDEX notify_group_member_name ON notify_group_member ("group", user_name, "user");
  CREATE INDEX notify_group_member_user_group ON notify_group_member ("user", "group");
  DROP INDEX notify_group_member_user;
  CREATE INDEX notify_client_session_user_available ON notify_client_session ("user", available);
  DROP INDEX notify_client_session_user;
  `,
  // 3: session liveness. Rows of clients that stopped sending heartbeats expire: the colleagues' probe
  // reads last_seen from the (still index-only) index, the sweep finds expired rows by last_seen.
  `
  DROP INDEX notify_client_session_user_available;
  CREATE INDEX notify_client_session_user_available ON notify_client_session ("user", available, last_seen);
  CREATE INDEX notify_client_session_last_seen ON notify_client_session (last_seen);
  `,
  // 4: how long a call leg lasted (Twilio's CallDuration, seconds), from its terminal status callback.
  `
  ALTER TABLE notify_call ADD COLUMN duration INTEGER;
  `,
  // 5: host identities in their own namespace, and sign-out. (issuer, subject) maps to a sys_id generated
  // here (a subject is never taken as a sys_id); last_issued_at orders the tokens whose claims were applied.
  // Users created before keep their rows: the hash-derived ones are adopted on their next sign-in, the
  // ones whose sys_id was the subject itself get a new user (server/README.md, "Host identity").
  `
  ALTER TABLE sys_user ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sys_user ADD COLUMN signed_out_at BIGINT;
  CREATE TABLE notify_host_identity (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    "user" TEXT NOT NULL UNIQUE REFERENCES sys_user (sys_id) ON DELETE CASCADE,
    last_issued_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (issuer, subject)
  );
  `,
  // 6: incoming-call routing through an index (server/README.md, "Who rings"): a number's available sessions
  // in ring order, one user after another, each user's newest first. ring_key = md5(user), the same value
  // as ringKey() in ids.ts; generated, so that no writer can get it wrong.
  `
  ALTER TABLE notify_client_session ADD COLUMN ring_key TEXT GENERATED ALWAYS AS (md5("user")) STORED;
  CREATE INDEX notify_client_session_ring
    ON notify_client_session (number, available, ring_key, "user", connected_at DESC);
  `,
  // 7: calls as objects (docs/decisions.md, "Hold, transfer and three-way through conferences"): the conference a
  // leg belongs to, and the sessions that take a second call while on one (notifyConfig.callWaiting 'ring').
  `
  ALTER TABLE notify_call ADD COLUMN conference TEXT;
  CREATE INDEX notify_call_conference ON notify_call (conference) WHERE conference IS NOT NULL;
  CREATE TABLE notify_call_waiting (
    session TEXT PRIMARY KEY REFERENCES notify_client_session (sys_id) ON DELETE CASCADE
  );
  `,
  // 8: call history (GET /calls). A leg records the user of its session: sessions are deleted when their
  // client goes away, the user's history must outlive them. Legs of sessions already gone stay nobody's.
  `
  ALTER TABLE notify_call ADD COLUMN "user" TEXT;
  UPDATE notify_call c SET "user" = s."user" FROM notify_client_session s WHERE s.sys_id = c.session;
  CREATE INDEX notify_call_user ON notify_call ("user", created_at DESC, sys_id DESC);
  `,
];
