import { toNotifyError, type NotifyError } from './errors.js';

export interface ParentIdResult {
  parentId: string | null;
  error?: string;
}

/**
 * The backend may learn a call's parent a little after the call rings: ask up to ATTEMPTS times, waiting
 * 250, 500, 1000, then 2000 ms between attempts (doubling, capped). A parent that becomes known within
 * about 3.75 s is found; after that the result is `{parentId: null, error}`.
 */
const ATTEMPTS = 5;
const FIRST_WAIT_MS = 250;
const MAX_WAIT_MS = 2000;

/** Resolves after `ms`, or as soon as `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

/**
 * Resolves the parent call of `callSid` with `lookup`, with bounded backoff; never rejects. A failing
 * lookup (FORBIDDEN: another user's call…) ends it at once and is handed to `onFailure`. When `signal`
 * aborts (the call ended, the client was destroyed), it stops waiting and resolves without a parent.
 */
export async function resolveParentId(
  lookup: (callSid: string) => Promise<{ parentId: string | null }>,
  callSid: string,
  signal: AbortSignal,
  onFailure?: (error: NotifyError) => void,
): Promise<ParentIdResult> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      const { parentId } = await lookup(callSid);
      if (parentId) return { parentId };
    } catch (error) {
      const failure = toNotifyError(error, 'BACKEND_ERROR');
      if (!signal.aborted) onFailure?.(failure);
      return { parentId: null, error: failure.message };
    }
    if (attempt >= ATTEMPTS) return { parentId: null, error: 'The parent call is not known.' };
    await sleep(Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (attempt - 1)), signal);
  }
  return { parentId: null, error: 'Canceled.' };
}
