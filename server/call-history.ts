import { NotifyError } from './errors.js';
import { isSysId } from './ids.js';
import {
  isTerminalStatus,
  pageSize,
  type CallCursor,
  type CallDirection,
  type CallHistoryRow,
  type CallRecord,
  type CallStatus,
  type NotifyStore,
  type User,
} from './store/store.js';

// `GET /calls`: the signed-in user's call history, one entry per call they took part in, built from the
// legs `listCallHistory` reads (the user's leg, its parent, its children).

/**
 * How a call ended for the user. `answered`: someone picked up (the user, or the party they called);
 * `missed`: a call to the user nobody (of them) answered; `unanswered`, `busy`, `failed`: a call the user
 * placed that did not connect; `active`: not over yet.
 */
export type CallOutcome = 'answered' | 'missed' | 'unanswered' | 'busy' | 'failed' | 'active';

export interface CallHistoryEntry {
  sys_id: string;
  callSid: string;
  /** The CallSid of the parent leg (for an incoming call, the caller's), or null for a call placed here. */
  parentCallSid: string | null;
  direction: CallDirection;
  /** Twilio's status of the user's own leg. */
  status: CallStatus;
  outcome: CallOutcome;
  /** Seconds connected (0 for a call that never connected), null while unknown (active, or not reported). */
  duration: number | null;
  /** When the leg was first recorded (ISO-8601 UTC). */
  startedAt: string;
  /** The other party's phone number, or null when it is a colleague (or unknown). */
  number: string | null;
  /** The other party when it is a Notify user. */
  colleague: User | null;
}

export interface CallHistoryPage {
  calls: CallHistoryEntry[];
  /** Cursor of the next (older) page, or null on the last one. */
  next: string | null;
}

const CLIENT_PREFIX = 'client:';

/** Opaque cursors: base64url of `[created_at, sys_id]` of the last entry of a page. */
export function encodeCallCursor(call: Pick<CallRecord, 'created_at' | 'sys_id'>): string {
  return Buffer.from(JSON.stringify([call.created_at, call.sys_id]), 'utf8').toString('base64url');
}

/** The position a cursor names, or 400 VALIDATION_FAILED when it is not one of ours. */
export function decodeCallCursor(cursor: string): CallCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/.test(parsed[0]) ||
    Number.isNaN(Date.parse(parsed[0])) ||
    typeof parsed[1] !== 'string' ||
    !isSysId(parsed[1])
  ) {
    throw new NotifyError('VALIDATION_FAILED', 'querystring/cursor is not a cursor this server issued.');
  }
  return { created_at: parsed[0], sys_id: parsed[1] };
}

/** The user sys_id a `client:` address names: `client:<user sys_id>` (a colleague dialled by id). */
function userOfAddress(address: string): string | null {
  if (!address.startsWith(CLIENT_PREFIX)) return null;
  const id = address.slice(CLIENT_PREFIX.length);
  return isSysId(id) ? id : null;
}

/** Who the other party of the entry is: a number, a colleague's sys_id, or nobody known. */
function otherParty(row: CallHistoryRow): { number: string | null; user: string | null } {
  const { leg, parent } = row;
  if (leg.direction === 'outbound') {
    // A call the user placed: what they dialled (`client:<user sys_id>` for a colleague).
    const user = userOfAddress(leg.to);
    return user ? { number: null, user } : { number: leg.to.startsWith(CLIENT_PREFIX) ? null : leg.to, user };
  }
  // A call to the user: the caller is the parent leg's `from` (a number, or a colleague's client whose
  // session may be gone: the parent leg recorded its user).
  const from = parent?.from ?? leg.from;
  if (from.startsWith(CLIENT_PREFIX)) return { number: null, user: parent?.user ?? null };
  return { number: from || null, user: null };
}

/** Outcome and talk time of one entry, from its own leg and (for a call placed) the legs it dialled. */
function outcomeOf(row: CallHistoryRow): { outcome: CallOutcome; duration: number | null } {
  const { leg, children } = row;
  if (leg.direction === 'inbound') {
    if (!isTerminalStatus(leg.status)) return { outcome: 'active', duration: null };
    return leg.status === 'completed'
      ? { outcome: 'answered', duration: leg.duration ?? null }
      : { outcome: 'missed', duration: 0 };
  }
  // A call the user placed: the legs it dialled tell how it went (its own leg may never get a terminal
  // status: the TwiML App need not have a status callback).
  if (!children.length) {
    if (!isTerminalStatus(leg.status)) return { outcome: 'active', duration: null };
    return { outcome: leg.status === 'failed' ? 'failed' : 'unanswered', duration: 0 };
  }
  if (children.some((c) => !isTerminalStatus(c.status))) return { outcome: 'active', duration: null };
  // The dialled leg's duration is the talk time; the placed leg's own also counts its ringing.
  const answered = children.find((c) => c.status === 'completed');
  if (answered) return { outcome: 'answered', duration: answered.duration ?? leg.duration ?? null };
  if (children.some((c) => c.status === 'busy')) return { outcome: 'busy', duration: 0 };
  if (children.some((c) => c.status === 'failed')) return { outcome: 'failed', duration: 0 };
  return { outcome: 'unanswered', duration: 0 };
}

/** One page of `userSysId`'s call history (one row more is read to know whether another page follows). */
export async function callHistoryPage(
  store: NotifyStore,
  userSysId: string,
  limit?: number,
  cursor?: string,
): Promise<CallHistoryPage> {
  const size = pageSize(limit);
  const before = cursor === undefined ? undefined : decodeCallCursor(cursor);
  const rows = await store.listCallHistory(userSysId, { limit: size + 1, ...(before && { before }) });
  const page = rows.length > size ? rows.slice(0, size) : rows;
  const parties = page.map(otherParty);
  // At most one read per distinct colleague of the page (bounded by the page size).
  const ids = [...new Set(parties.flatMap((p) => (p.user ? [p.user] : [])))];
  const users = new Map(
    (await Promise.all(ids.map((id) => store.getUser(id)))).flatMap((u) => (u ? [[u.sys_id, u]] : [])),
  );
  const calls = page.map((row, i): CallHistoryEntry => {
    const party = parties[i]!;
    const user = party.user ? users.get(party.user) : undefined;
    return {
      sys_id: row.leg.sys_id,
      callSid: row.leg.call_sid,
      parentCallSid: row.leg.parent_call_sid,
      direction: row.leg.direction,
      status: row.leg.status,
      ...outcomeOf(row),
      startedAt: row.leg.created_at,
      number: party.number,
      colleague: user ? { sys_id: user.sys_id, name: user.name } : null,
    };
  });
  return { calls, next: rows.length > size ? encodeCallCursor(page[page.length - 1]!.leg) : null };
}
