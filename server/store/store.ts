/**
 * The storage seam of the backend. Everything is async so that a PostgreSQL implementation can sit behind
 * the same interface; `sqlite.ts` is the reference implementation. Tables and column names follow
 * ServiceNow's Notify tables (`sys_user`, `notify_group`, `notify_number`, `notify_client_session`,
 * `notify_call`); ids are 32-hex `sys_id`s and times are ISO-8601 UTC strings.
 */

/** Telephony vendors, as `SNC.Notify.Vendor` names them. */
export const Vendor = {
  TWILIO_DIRECT: 'TWILIO_DIRECT',
  /** Standard SIP over WebSocket to a PBX (our extension, issue 15; not a ServiceNow vendor name). */
  SIP: 'SIP',
} as const;
export type Vendor = (typeof Vendor)[keyof typeof Vendor];

/** Direction of a call seen from the Notify side: `outbound` = placed by a client, `inbound` = to a number. */
export const CallDirection = { INBOUND: 'inbound', OUTBOUND: 'outbound' } as const;
export type CallDirection = (typeof CallDirection)[keyof typeof CallDirection];

/** Twilio's CallStatus values; the last five are terminal. */
export const CALL_STATUSES = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'failed',
  'no-answer',
  'canceled',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export function isCallStatus(value: string): value is CallStatus {
  return (CALL_STATUSES as readonly string[]).includes(value);
}

/** The statuses of a leg that is still up. */
export const LIVE_CALL_STATUSES: readonly CallStatus[] = CALL_STATUSES.slice(0, 4);

export function isTerminalStatus(status: CallStatus): boolean {
  return CALL_STATUSES.indexOf(status) >= CALL_STATUSES.indexOf('completed');
}

export interface User {
  sys_id: string;
  name: string;
}

export interface Group {
  sys_id: string;
  name: string;
}

export interface NotifyNumber {
  number: string;
  vendor: Vendor | null;
  /** sys_id of the notify_group the number is assigned to. */
  group: string;
}

export interface ClientSession {
  sys_id: string;
  /** sys_id of the owning sys_user. */
  user: string;
  name: string;
  /** The caller ID (a notify_number) this session calls from and is reached on. */
  number: string;
  vendor: Vendor | null;
  /** The vendor identity (`s_<sys_id>`), unique. */
  identity: string;
  available: boolean;
  connected_at: string;
  last_seen: string;
}

export interface NewClientSession {
  sys_id: string;
  user: string;
  name: string;
  number: string;
  vendor: Vendor | null;
  identity: string;
  available: boolean;
}

export interface CallRecord {
  sys_id: string;
  call_sid: string;
  parent_call_sid: string | null;
  /** sys_id of the parent call's notify_call row, once both are known. */
  parent_sys_id: string | null;
  /** sys_id of the notify_client_session involved, if any. */
  session: string | null;
  direction: CallDirection;
  from: string;
  to: string;
  status: CallStatus;
  /**
   * Seconds the leg lasted (Twilio's `CallDuration`), known once a terminal status reported it; null until
   * then. Optional in the type so that records built elsewhere need not carry it; stores always set it.
   */
  duration?: number | null;
  /**
   * The friendly name of the conference the leg belongs to, once a hold, transfer or added party moved its
   * call into one (server/routes/call-control.ts); null for a plain bridged call. Optional like duration.
   */
  conference?: string | null;
  /**
   * sys_id of the sys_user whose session the leg belongs to, recorded with `session` (and filled in once,
   * like it): sessions are deleted when their client goes away, a user's call history must not be. Optional
   * in the type like `duration`; stores always set it (null when no session is involved).
   */
  user?: string | null;
  created_at: string;
  updated_at: string;
}

/** Where a page of `listCallHistory` starts: strictly older than this leg in (created_at, sys_id) order. */
export interface CallCursor {
  created_at: string;
  sys_id: string;
}

/** One entry of a user's call history, as the store reads it: the user's leg and the legs joined to it. */
export interface CallHistoryRow {
  leg: CallRecord;
  /** The leg's parent (`parent_call_sid`), if recorded: for an incoming leg, the caller's side. */
  parent: CallRecord | null;
  /** Legs whose parent is this leg (what a call the user placed dialled), oldest first. */
  children: CallRecord[];
}

/** Which legs `listCalls` reads. */
export interface CallFilter {
  session?: string;
  parent?: string;
}

/** What a webhook or status callback knows about one call leg. */
export interface CallReport {
  call_sid: string;
  parent_call_sid?: string | null;
  session?: string | null;
  direction: CallDirection;
  from: string;
  to: string;
  status: CallStatus;
  /**
   * Seconds the leg lasted (`CallDuration`). Recorded only with a terminal `status` (ignored otherwise, and
   * when it is not a non-negative integer within `MAX_CALL_DURATION`); absent or null never clears it.
   */
  duration?: number | null;
}

/** The largest duration stored (PostgreSQL INTEGER); larger values are ignored as garbage. */
export const MAX_CALL_DURATION = 2_147_483_647;

/** The duration a report may record: a sane integer reported with a terminal status, else null. */
export function reportedDuration(report: Pick<CallReport, 'status' | 'duration'>): number | null {
  const { duration } = report;
  if (typeof duration !== 'number' || !isTerminalStatus(report.status)) return null;
  return Number.isInteger(duration) && duration >= 0 && duration <= MAX_CALL_DURATION ? duration : null;
}

/** Twilio's `CallDuration` parameter (whole seconds as a string): its number, or undefined if malformed. */
export function parseCallDuration(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value.trim())) return undefined;
  const seconds = Number(value.trim());
  return seconds <= MAX_CALL_DURATION ? seconds : undefined;
}

export interface CallUpsertResult {
  call: CallRecord;
  /** False when the report told nothing new (same status, same links): the row was left as it was. */
  changed: boolean;
}

/** What changed about a client session; stores publish one after each committed session write. */
export interface PresenceEvent {
  type: 'session.created' | 'session.updated' | 'session.removed';
  session: Pick<ClientSession, 'sys_id' | 'user' | 'name' | 'available'>;
  /** sys_ids of the groups the session's user is a member of (who may see the change). */
  groups: string[];
  /**
   * Present only when this write flipped whether the session's user has an available session, i.e. whether
   * colleagues' `listAvailableColleagues` include the user: `client` as listed there (the user's own name,
   * not the session's) and whether they are now listed. Stores compute it in the writing transaction with
   * the user's session writes serialised, so consecutive events of one user never contradict each other.
   */
  availability?: { client: User; available: boolean };
}

/** Where a page of `listAvailableColleagues` starts: after this user in (name, sys_id) order. */
export interface UserCursor {
  name: string;
  sys_id: string;
}

/** One bounded page of a (name, sys_id)-ordered list. */
export interface PageRequest {
  /** At most this many rows (default `DEFAULT_PAGE_SIZE`). */
  limit?: number;
  /** Rows strictly after this one; absent = from the start. */
  after?: UserCursor;
  /**
   * Liveness cutoff (ISO time): only sessions whose `last_seen` is at or after it count (sessions of
   * clients that vanished are expired). Absent = every session counts.
   */
  liveSince?: string;
}

/** What `createSession` enforces besides the row itself. */
export interface SessionLimits {
  /** At most this many sessions per user; the oldest beyond it are closed (deleted). Absent: no cap. */
  maxPerUser?: number;
}

/** One page of `listRingableSessions`. */
export interface RingQuery {
  /** Liveness cutoff (ISO time), as in `PageRequest.liveSince`. */
  liveSince: string;
  /** Users whose ring key is strictly greater than this; absent or '' = from the start of the ring. */
  after?: string;
  /** At most this many users (sessions). */
  limit: number;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

/** A requested page size made sane: `DEFAULT_PAGE_SIZE` when absent, within 1..`MAX_PAGE_SIZE`. */
export function pageSize(limit: number | undefined): number {
  const n = Number.isFinite(limit) ? Math.trunc(limit!) : DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(1, n), MAX_PAGE_SIZE);
}

export type PresenceListener = (event: PresenceEvent) => void;

/** Called with the sys_id of a user who signed out (on any instance sharing the database). */
export type SignOutListener = (userSysId: string) => void;

/** Who a token names, and which of their tokens sign-out has revoked. */
export interface SignInState {
  user: User;
  /** Session JWTs carry the generation they were signed under; sign-out increments it (0 at first). */
  tokenGeneration: number;
  /** Epoch seconds of the user's last sign-out (host tokens issued at or before it are refused); null: never. */
  signedOutAt: number | null;
}

/** A host identity (issuer, subject) and the user it maps to. */
export interface HostUser extends SignInState {
  /** `iat` (epoch seconds) of the newest host token whose claims were applied; 0 before the first. */
  lastIssuedAt: number;
}

/** What a host token says about its user, applied only if the token is the newest seen. */
export interface HostClaims {
  name: string;
  /** Group names; undefined leaves memberships alone. */
  groups?: string[];
}

export interface NotifyStore {
  /** Finds the (oldest) user with this exact name, or creates one. Names are not unique; dev sign-in only. */
  findOrCreateUser(name: string): Promise<User>;
  /** Creates the user with this sys_id or renames it (users signed in by the host application). */
  upsertUser(user: User): Promise<User>;
  getUser(sysId: string): Promise<User | undefined>;
  /** The user with their token generation and last sign-out, for checking a token; undefined if unknown. */
  getSignInState(sysId: string): Promise<SignInState | undefined>;

  /**
   * The user a host identity maps to, or undefined if it never signed in. Host identities live in their own
   * namespace (`notify_host_identity`): a subject is never a sys_id.
   */
  findHostUser(issuer: string, subject: string): Promise<HostUser | undefined>;
  /**
   * Maps a host identity to a new user with a sys_id generated here (named `name`, no groups), or returns
   * the existing mapping: concurrent callers for one identity all get the same user. `legacySysId` names a
   * user created before the namespace existed: it is adopted instead if it exists and no identity maps to it.
   */
  createHostUser(issuer: string, subject: string, name: string, legacySysId?: string): Promise<HostUser>;
  /**
   * Applies a host token's name and groups if it was issued (`issuedAt`, epoch seconds) after the newest
   * token applied so far for this identity, and records it as the newest. Atomic: of concurrent calls the
   * newest token's claims are the ones left. False (nothing written) for an older or equally old token.
   */
  applyHostClaims(issuer: string, subject: string, issuedAt: number, claims: HostClaims): Promise<boolean>;
  /**
   * Signs the user out everywhere: increments their token generation, records `at` (epoch seconds) as their
   * last sign-out, deletes all their client sessions (publishing `session.removed`) and tells every
   * `onSignOut` listener (PostgreSQL: on every instance). Returns the removed sessions.
   */
  signOut(userSysId: string, at: number): Promise<ClientSession[]>;
  /** Calls `listener` with each user who signs out, through any instance. Resolves once listening. */
  onSignOut(listener: SignOutListener): Promise<() => Promise<void>>;

  findOrCreateGroup(name: string): Promise<Group>;
  /** Idempotent. */
  addGroupMember(groupSysId: string, userSysId: string): Promise<void>;
  /** Makes the user a member of exactly these groups (by name, created as needed). */
  setUserGroups(userSysId: string, groupNames: string[]): Promise<void>;
  /** The user's groups, by name. */
  listUserGroups(userSysId: string): Promise<Group[]>;

  /** Creates the number or moves it to another vendor/group. */
  upsertNumber(number: NotifyNumber): Promise<void>;
  getNumber(number: string): Promise<NotifyNumber | undefined>;
  /** The number, if it is assigned to a group the user is a member of. */
  findNumberForUser(number: string, userSysId: string): Promise<NotifyNumber | undefined>;

  /**
   * Creates the session. With `limits.maxPerUser`, the user's oldest sessions (by `connected_at`) beyond
   * that many, the new one included, are deleted in the same write and published as `session.removed`
   * (after `session.created`, so that colleagues' lists never lose a user who stays available).
   */
  createSession(session: NewClientSession, limits?: SessionLimits): Promise<ClientSession>;
  getSession(sysId: string): Promise<ClientSession | undefined>;
  getSessionByIdentity(identity: string): Promise<ClientSession | undefined>;
  /** Sets the Available flag (and last_seen); false if there is no such session. */
  setSessionAvailable(sysId: string, available: boolean): Promise<boolean>;
  /** Users with at least one available session, by name, except `excludeUser`. */
  listAvailableUsers(excludeUser?: string): Promise<User[]>;
  /**
   * Users other than `userSysId` with an available session who share a group with `userSysId`, ordered by
   * (name, sys_id), one bounded page (`DEFAULT_PAGE_SIZE` unless `page.limit` says otherwise). Index-driven:
   * the cost grows with the page, not with the number of users or sessions.
   */
  listAvailableColleagues(userSysId: string, page?: PageRequest): Promise<User[]>;
  /** True when the two users share at least one group. */
  sharesGroup(userSysId: string, otherUserSysId: string): Promise<boolean>;
  /**
   * Client sessions, oldest first, optionally of one user, optionally only the live ones (`last_seen` at
   * or after `liveSince`).
   */
  listSessions(filter?: { user?: string; liveSince?: string }): Promise<ClientSession[]>;
  /**
   * Sets last_seen to now (a heartbeat); false if there is no such session, or (with `liveSince`) if it had
   * already expired (`last_seen` before `liveSince`): an expired row is never revived.
   */
  touchSession(sysId: string, liveSince?: string): Promise<boolean>;
  /**
   * Deletes every session whose `last_seen` is before `before` (optionally only `filter.user`'s) and
   * publishes `session.removed` for each, with `availability` when its user thereby left the available list.
   * Returns the removed rows. Safe to run concurrently (several instances sweeping one database): each row
   * is removed, returned and published by exactly one caller.
   */
  deleteStaleSessions(before: string, filter?: { user?: string }): Promise<ClientSession[]>;
  /** False if there was no such session. */
  deleteSession(sysId: string): Promise<boolean>;
  /**
   * The sessions an incoming call to `number` may ring: available, live (`last_seen` at or after
   * `query.liveSince`), of users who are members of the number's group, ONE per user (that user's most
   * recently connected matching session), ordered by the user's ring key (`ringKey(user sys_id)`, then
   * sys_id), only users whose ring key is after `query.after` (default: from the start), at most
   * `query.limit` users. Index-driven (`notify_client_session_ring`): the cost grows with the limit (times
   * sessions per user), not with the number of sessions. Who rings among these is `routing.ts`'s rule.
   */
  listRingableSessions(number: string, query: RingQuery): Promise<ClientSession[]>;

  /**
   * Records what is known about a call leg, atomically. Rules (see `mergeCall`): a terminal status is final,
   * never overwritten (callbacks may arrive out of order, and one terminal status never turns into another); links (`parent_call_sid`,
   * `session`) are filled in once and then kept; `duration` is set only by a terminal report carrying one
   * (`reportedDuration`) and never cleared; a report that changes nothing leaves `updated_at` alone.
   */
  upsertCall(report: CallReport): Promise<CallUpsertResult>;
  getCall(callSid: string): Promise<CallRecord | undefined>;
  /**
   * Legs oldest first: all of them, one session's, or the children of one leg (`parent`: its call_sid, e.g. the
   * branches a SIP call forked to, server/sip-call-records.ts). Both filters given: legs matching both.
   */
  listCalls(filter?: CallFilter): Promise<CallRecord[]>;
  /** Records the conference a leg belongs to (`notify_call.conference`); no row, nothing happens. */
  setCallConference(callSid: string, conference: string): Promise<void>;
  /** The legs recorded in a conference, oldest first. */
  listConferenceCalls(conference: string): Promise<CallRecord[]>;
  /** Whether a session takes a second call while on one (`notifyConfig.callWaiting` 'ring'); default no. */
  setCallWaiting(session: string, ring: boolean): Promise<void>;
  /**
   * Of `sessions`, the ones on a call that take no second call (call waiting off): one of their legs is live,
   * or a conference one of their legs belongs to (a held call) still has a live leg. Only legs updated since
   * `since` count, so that a lost final status callback never keeps an agent busy for good.
   */
  busySessions(sessions: string[], since: string): Promise<string[]>;
  /**
   * The user's call history, newest first ((created_at, sys_id) descending), one bounded page
   * (`DEFAULT_PAGE_SIZE` unless `page.limit` says otherwise), strictly before `page.before`: every leg whose
   * `user` is this user, except a child leg whose parent is the user's too (a call the user placed to a
   * number has two legs, both theirs: it is one entry, the child among the parent's `children`). Each with
   * its parent and children. Index-driven (`notify_call_user`): the cost grows with the page.
   */
  listCallHistory(
    userSysId: string,
    page?: { limit?: number; before?: CallCursor },
  ): Promise<CallHistoryRow[]>;

  /** For metrics: session counts and call counts by status (of every instance sharing the database). */
  stats(): Promise<StoreStats>;
  /** Resolves when the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  /**
   * Calls `listener` with every committed session change, made through this store or (PostgreSQL) any
   * other instance on the same database. Resolves once listening; the result unsubscribes.
   */
  onPresence(listener: PresenceListener): Promise<() => Promise<void>>;

  close(): Promise<void>;
}

export interface StoreStats {
  sessions: number;
  availableSessions: number;
  callsByStatus: Partial<Record<CallStatus, number>>;
}

/**
 * The pure merge rule behind `upsertCall`, shared by every store implementation. Returns the fields to
 * write, or undefined when the existing row already says everything the report says.
 */
export function mergeCall(
  existing: CallRecord,
  report: CallReport,
  parentSysId: string | null,
  sessionUser: string | null = null,
): Partial<CallRecord> | undefined {
  const patch: Partial<CallRecord> = {};
  // A terminal status is final: a late or forged callback naming another one (canceled after completed)
  // changes neither the status nor the duration; links may still be filled in.
  const final = isTerminalStatus(existing.status);
  const contradicts = final && report.status !== existing.status;
  // Before that a leg's status only moves on (queued, initiated, ringing, in-progress): Twilio sends its
  // callbacks without waiting for the last one's answer, so `ringing` may arrive after `in-progress`, and
  // must not put an answered leg back to ringing.
  if (!final && CALL_STATUSES.indexOf(report.status) > CALL_STATUSES.indexOf(existing.status))
    patch.status = report.status;
  if (!existing.parent_call_sid && report.parent_call_sid) patch.parent_call_sid = report.parent_call_sid;
  if (!existing.parent_sys_id && parentSysId) patch.parent_sys_id = parentSysId;
  if (!existing.session && report.session) patch.session = report.session;
  // The user of the leg's session (looked up by the store), kept once known even after the session is gone.
  if (!existing.user && sessionUser) patch.user = sessionUser;
  if (!existing.to && report.to) patch.to = report.to;
  const duration = contradicts ? null : reportedDuration(report);
  if (duration !== null && duration !== (existing.duration ?? null)) patch.duration = duration;
  return Object.keys(patch).length > 0 ? patch : undefined;
}
