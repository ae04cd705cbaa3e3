/**
 * The storage seam of the backend. Everything is async so that a PostgreSQL implementation can sit behind
 * the same interface; `sqlite.ts` is the reference implementation. Tables and column names follow
 * ServiceNow's Notify tables (`sys_user`, `notify_group`, `notify_number`, `notify_client_session`,
 * `notify_call`); ids are 32-hex `sys_id`s and times are ISO-8601 UTC strings.
 */

/** Telephony vendors, as `SNC.Notify.Vendor` names them. */
export const Vendor = { TWILIO_DIRECT: 'TWILIO_DIRECT' } as const;
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
  created_at: string;
  updated_at: string;
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
}

export interface CallUpsertResult {
  call: CallRecord;
  /** False when the report told nothing new (same status, same links): the row was left as it was. */
  changed: boolean;
}

export interface NotifyStore {
  /** Finds the user with this exact name, or creates one. */
  findOrCreateUser(name: string): Promise<User>;
  getUser(sysId: string): Promise<User | undefined>;

  findOrCreateGroup(name: string): Promise<Group>;
  /** Idempotent. */
  addGroupMember(groupSysId: string, userSysId: string): Promise<void>;

  /** Creates the number or moves it to another vendor/group. */
  upsertNumber(number: NotifyNumber): Promise<void>;
  getNumber(number: string): Promise<NotifyNumber | undefined>;
  /** The number, if it is assigned to a group the user is a member of. */
  findNumberForUser(number: string, userSysId: string): Promise<NotifyNumber | undefined>;

  createSession(session: NewClientSession): Promise<ClientSession>;
  getSession(sysId: string): Promise<ClientSession | undefined>;
  getSessionByIdentity(identity: string): Promise<ClientSession | undefined>;
  /** Sets the Available flag (and last_seen); false if there is no such session. */
  setSessionAvailable(sysId: string, available: boolean): Promise<boolean>;
  /** Users with at least one available session, by name, except `excludeUser`. */
  listAvailableUsers(excludeUser?: string): Promise<User[]>;
  /** Sets last_seen to now; false if there is no such session. */
  touchSession(sysId: string): Promise<boolean>;
  /** False if there was no such session. */
  deleteSession(sysId: string): Promise<boolean>;

  /**
   * Records what is known about a call leg, atomically. Rules (see `mergeCall`): a terminal status is never
   * overwritten by a non-terminal one (callbacks may arrive out of order); links (`parent_call_sid`,
   * `session`) are filled in once and then kept; a report that changes nothing leaves `updated_at` alone.
   */
  upsertCall(report: CallReport): Promise<CallUpsertResult>;
  getCall(callSid: string): Promise<CallRecord | undefined>;
  listCalls(filter?: { session?: string }): Promise<CallRecord[]>;

  close(): Promise<void>;
}

/**
 * The pure merge rule behind `upsertCall`, shared by every store implementation. Returns the fields to
 * write, or undefined when the existing row already says everything the report says.
 */
export function mergeCall(
  existing: CallRecord,
  report: CallReport,
  parentSysId: string | null,
): Partial<CallRecord> | undefined {
  const patch: Partial<CallRecord> = {};
  const keepStatus = isTerminalStatus(existing.status) && !isTerminalStatus(report.status);
  if (!keepStatus && report.status !== existing.status) patch.status = report.status;
  if (!existing.parent_call_sid && report.parent_call_sid) patch.parent_call_sid = report.parent_call_sid;
  if (!existing.parent_sys_id && parentSysId) patch.parent_sys_id = parentSysId;
  if (!existing.session && report.session) patch.session = report.session;
  if (!existing.to && report.to) patch.to = report.to;
  return Object.keys(patch).length > 0 ? patch : undefined;
}
