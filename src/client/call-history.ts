import type { NotifyBackend } from './backend.js';
import { answer } from './emitter.js';
import { NotifyError, toNotifyError } from './errors.js';

// getCallHistory() (our extension beyond ServiceNow's API): one page of the signed-in user's calls from
// `GET /calls`. Loaded by dynamic import on first use: most pages never show the history.

/** How a call ended for the user (see server/README.md "Call history"). */
export type CallOutcome = 'answered' | 'missed' | 'unanswered' | 'busy' | 'failed' | 'active';

/** One call of the user's history, newest first. */
export interface CallHistoryEntry {
  sys_id: string;
  callSid: string;
  /** The parent leg's CallSid (for a call received, the caller's side), or null for a call placed here. */
  parentCallSid: string | null;
  /** `outbound`: placed by the user; `inbound`: received. */
  direction: 'inbound' | 'outbound';
  /** The vendor's status of the user's own leg. */
  status: string;
  outcome: CallOutcome;
  /** Seconds connected; 0 when it never connected; null while unknown. */
  duration: number | null;
  /** ISO-8601 UTC. */
  startedAt: string;
  /** The other party's phone number, or null for a colleague (or an unknown party). */
  number: string | null;
  /** The other party when it is a Notify user: redial with `call({userId: colleague.sys_id})`. */
  colleague: { sys_id: string; name: string } | null;
}

export interface CallHistoryPage {
  calls: CallHistoryEntry[];
  /** Pass as `cursor` for the next (older) page; null on the last one. */
  next: string | null;
  /** Set when the page could not be read (the same error was emitted as ERROR); `calls` is then empty. */
  error?: NotifyError;
}

export interface CallHistoryOptions {
  /** At most this many calls (1–500; the backend's default, 100, when absent). */
  limit?: number;
  /** The `next` of the previous page; absent: the newest calls. */
  cursor?: string;
}

/** The largest page the reference backend serves. */
export const MAX_HISTORY_PAGE = 500;

/** The options as the backend takes them, or INVALID_ARGUMENT (nothing is requested then). */
export function checkHistoryOptions(options: unknown): CallHistoryOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new NotifyError('INVALID_ARGUMENT', 'getCallHistory: options must be an object {limit?, cursor?}.');
  }
  const { limit, cursor } = options as Record<string, unknown>;
  if (
    limit !== undefined &&
    (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE)
  ) {
    throw new NotifyError(
      'INVALID_ARGUMENT',
      `getCallHistory: limit must be a whole number from 1 to ${MAX_HISTORY_PAGE}.`,
    );
  }
  if (cursor !== undefined && (typeof cursor !== 'string' || !cursor || cursor.length > 1024)) {
    throw new NotifyError(
      'INVALID_ARGUMENT',
      'getCallHistory: cursor must be the `next` of a previous page.',
    );
  }
  return {
    ...(limit !== undefined && { limit }),
    ...(cursor !== undefined && { cursor }),
  };
}

const OUTCOMES = new Set<string>(['answered', 'missed', 'unanswered', 'busy', 'failed', 'active']);

/** One entry as the backend sent it, or undefined when it is not one (skipped rather than trusted). */
function entry(value: unknown): CallHistoryEntry | undefined {
  const v = value as Partial<CallHistoryEntry> | null;
  if (
    !v ||
    typeof v.callSid !== 'string' ||
    (v.direction !== 'inbound' && v.direction !== 'outbound') ||
    typeof v.outcome !== 'string' ||
    !OUTCOMES.has(v.outcome) ||
    typeof v.startedAt !== 'string'
  ) {
    return undefined;
  }
  const colleague =
    v.colleague && typeof v.colleague.sys_id === 'string' && typeof v.colleague.name === 'string'
      ? { sys_id: v.colleague.sys_id, name: v.colleague.name }
      : null;
  return {
    sys_id: typeof v.sys_id === 'string' ? v.sys_id : v.callSid,
    callSid: v.callSid,
    parentCallSid: typeof v.parentCallSid === 'string' ? v.parentCallSid : null,
    direction: v.direction,
    status: typeof v.status === 'string' ? v.status : '',
    outcome: v.outcome,
    duration: typeof v.duration === 'number' && v.duration >= 0 ? v.duration : null,
    startedAt: v.startedAt,
    number: typeof v.number === 'string' && v.number ? v.number : null,
    colleague,
  };
}

/** Reads one page; rejects with the backend's coded error (NOT_FOUND when it has no call history). */
export async function readCallHistory(
  backend: NotifyBackend,
  options: CallHistoryOptions,
  signal: AbortSignal,
): Promise<CallHistoryPage> {
  if (!backend.listCallHistory) {
    throw new NotifyError('NOT_FOUND', 'getCallHistory: this backend has no call history (GET /calls).');
  }
  signal.throwIfAborted();
  const page = await backend.listCallHistory(options);
  signal.throwIfAborted();
  const calls = Array.isArray(page?.calls) ? page.calls.flatMap((c) => entry(c) ?? []) : [];
  return { calls, next: typeof page?.next === 'string' && page.next ? page.next : null };
}

/**
 * NotifyClient.getCallHistory(): `backend` false once the client is destroyed (DESTROYED was reported);
 * `report` emits ERROR, not called once `signal` (the client's life) aborted. Never rejects: a failure resolves an empty page with
 * `error` set.
 */
export function getCallHistory(
  backend: NotifyBackend | false,
  signal: AbortSignal,
  report: (error: NotifyError) => unknown,
  options?: CallHistoryOptions | ((page: CallHistoryPage) => void),
  callback?: (page: CallHistoryPage) => void,
): Promise<CallHistoryPage> {
  if (typeof options === 'function') [options, callback] = [undefined, options];
  const failed = (error: NotifyError): CallHistoryPage => {
    if (!signal.aborted) report(error);
    return { calls: [], next: null, error: signal.aborted ? new NotifyError('DESTROYED') : error };
  };
  const page = backend
    ? Promise.resolve()
        .then(() => readCallHistory(backend, checkHistoryOptions(options), signal))
        .catch((error: unknown) => failed(toNotifyError(error, 'BACKEND_ERROR')))
    : Promise.resolve({ calls: [], next: null, error: new NotifyError('DESTROYED') });
  return answer(page, 'getCallHistory callback', callback);
}
