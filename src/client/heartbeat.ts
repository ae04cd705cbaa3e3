import { toNotifyError } from './errors.js';

/** Shortest heartbeat interval accepted from a backend. */
const MIN_INTERVAL_MS = 250;

/** Answers that mean the backend no longer has the session (expired, deleted, or its user signed out). */
const GONE: ReadonlySet<string> = new Set(['NOT_FOUND', 'UNAUTHENTICATED', 'SESSION_EXPIRED']);

/**
 * A failed beat is tried again after 1 s, then 2 s, 4 s, … (never later than the next beat would be): a backend
 * down briefly (a restart, a deploy) must not cost a whole interval of the session's TTL budget, and one
 * down for long is not hammered.
 */
export const RETRY_FIRST_MS = 1_000;

/**
 * Heartbeats of one session (`POST /sessions/:sysId/heartbeat` every `heartbeatSeconds` of the backend)
 * for as long as the session lives, so the backend can tell a live client from a tab that vanished without
 * destroy(). Plain HTTP, independent of the vendor's signaling: a signaling outage longer than the session
 * TTL must not expire the session (issue 10). A heartbeat answered NOT_FOUND (or 401) means the backend no
 * longer has the session (e.g. a suspended tab): `onGone` runs once and the heartbeat stops for good; the
 * registration then makes a new session. Other failures are retried sooner than the next beat, with a
 * backoff (RETRY_FIRST_MS) capped at the interval; an answer puts the beats back on the interval.
 * `dispose()` (the session ends) stops it and drops the answers still in flight.
 *
 * Hidden tabs (docs/decisions.md §21): Chrome runs chained timers (a setInterval, or timeouts set from
 * timeouts) once a minute after 5 minutes hidden, which would stretch a 30 s rhythm towards the 90 s TTL and
 * expire short-TTL sessions. The next beat is therefore set from the previous beat's answer (a network task,
 * where no timer chain grows), so only the ordinary 1 s alignment applies; a whole interval without an
 * answer (a request that hangs) beats anyway.
 */
export class Heartbeat {
  readonly #intervalMs: number;
  readonly #send: () => Promise<unknown>;
  readonly #onGone: () => void;
  readonly #life = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Beats ran before, so a return to ONLINE beats at once. */
  #started = false;
  /** Beats failed in a row (not GONE): the next try comes after a backoff, not an interval. */
  #failed = 0;

  /** @param seconds the backend's interval; absent or 0: the backend wants none. */
  constructor(seconds: number | undefined, send: () => Promise<unknown>, onGone: () => void) {
    this.#intervalMs =
      typeof seconds === 'number' && seconds > 0 ? Math.max(MIN_INTERVAL_MS, seconds * 1000) : 0;
    this.#send = send;
    this.#onGone = onGone;
  }

  /** The session exists: beats from now on (at once when it ran before). */
  start(): void {
    this.stop();
    if (!this.#intervalMs || this.#life.signal.aborted) return;
    if (this.#started) this.#beat();
    else this.#next();
    this.#started = true;
  }

  /** The next beat in an interval (or `ms`) from now. */
  #next(ms = this.#intervalMs): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#beat(), ms);
  }

  /** Stops beating; an answer in flight still counts. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Final: the session ended. */
  dispose(): void {
    this.stop();
    this.#life.abort();
  }

  #beat(): void {
    const life = this.#life.signal;
    this.#next(); // in case the answer never comes
    this.#send().then(
      () => {
        this.#failed = 0;
        this.#answered();
      },
      (error: unknown) => {
        if (life.aborted) return;
        const failure = toNotifyError(error, 'BACKEND_ERROR');
        if (GONE.has(failure.code)) {
          this.dispose();
          return this.#onGone();
        }
        this.#answered(Math.min(this.#intervalMs, RETRY_FIRST_MS * 2 ** this.#failed++));
      },
    );
  }

  /**
   * The next beat an interval (or `retryMs`, after a failure) after the answer (class comment: hidden tabs);
   * none after stop() or dispose().
   */
  #answered(retryMs = this.#intervalMs): void {
    if (!this.#life.signal.aborted && this.#timer !== undefined) this.#next(retryMs);
  }
}
