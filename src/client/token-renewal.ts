import type { TokenResult } from './backend.js';

// Here, not in backend.ts: only the token renewal (loaded with init()) reads expiries, so the first load does without it.
/** Converts an expiry (epoch ms, epoch s or ISO string) to epoch milliseconds. */
export function expiryToMillis(value: number | string): number {
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value;
  const asNumber = Number(value);
  if (Number.isFinite(asNumber)) return expiryToMillis(asNumber);
  return Date.parse(value);
}

/** Refresh this long before expiry at most (short tokens: 20 % of their remaining lifetime). */
const REFRESH_MARGIN_MS = 60_000;
/** A failed refresh is retried after this long (or half the remaining lifetime, if shorter). */
const REFRESH_RETRY_MS = 5_000;

/** `expiresAt` as epoch ms, else now + `ttl` seconds. */
export function expiryOf(token: Pick<TokenResult, 'ttl' | 'expiresAt'>): number {
  const at = token.expiresAt !== undefined ? expiryToMillis(token.expiresAt) : NaN;
  return Number.isFinite(at) ? at : Date.now() + (token.ttl || 0) * 1000;
}

export interface TokenRenewalOptions {
  /** false: never refresh, only report the expiry (`notifyConfig.forceRefreshToken: false`). */
  refresh: boolean;
  /** Asks the backend for a new token. */
  request: () => Promise<TokenResult>;
  /** A new token arrived (already scheduled): hand it to the vendor. */
  onToken: (token: string) => void;
  /** The token expired. */
  onExpired: () => void;
  /** A refresh failed (it is retried while the token lasts). */
  onError: (error: unknown) => void;
}

/**
 * Keeps one session's vendor token valid: refreshes it ahead of its expiry, retries a failed refresh while
 * the token lasts, and reports the expiry. One per session: `stop()` (the session ends) clears the timers
 * and drops the answer of a refresh still in flight.
 */
export class TokenRenewal {
  readonly #options: TokenRenewalOptions;
  readonly #life = new AbortController();
  #expiresAt = 0;
  /** When the refresh timer fires (epoch ms). */
  #dueAt = Infinity;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  #pending: Promise<void> | null = null;

  constructor(options: TokenRenewalOptions) {
    this.#options = options;
    this.#life.signal.addEventListener('abort', () => this.pause(), { once: true });
  }

  /** The current token has not expired. */
  get valid(): boolean {
    return Date.now() < this.#expiresAt;
  }

  /**
   * Our own refresh is due. A vendor's early warning (Twilio's `tokenWillExpire`, armed at ttl − 10 s on
   * every reconnect) is only acted on from then, so a short token does not cause a refresh storm.
   */
  get due(): boolean {
    return this.#options.refresh && Date.now() >= this.#dueAt;
  }

  /** Watches a newly issued token: the refresh ahead of its expiry and the expiry itself. */
  schedule(token: Pick<TokenResult, 'ttl' | 'expiresAt'>): void {
    if (this.#life.signal.aborted) return;
    this.pause();
    this.#expiresAt = expiryOf(token);
    const remaining = Math.max(0, this.#expiresAt - Date.now());
    if (this.#options.refresh) {
      const wait = Math.max(0, remaining - Math.min(REFRESH_MARGIN_MS, remaining * 0.2));
      this.#dueAt = Date.now() + wait;
      this.#refreshTimer = setTimeout(() => void this.renew(), wait);
    }
    this.#expiryTimer = setTimeout(() => this.#options.onExpired(), remaining);
  }

  /** Refreshes now (one request at a time; a second call joins the first). */
  renew(): Promise<void> {
    if (this.#pending || this.#life.signal.aborted) return this.#pending ?? Promise.resolve();
    const life = this.#life.signal;
    this.#pending = this.#options
      .request()
      .then(
        (result) => {
          if (life.aborted) return;
          this.schedule(result);
          this.#options.onToken(result.token);
        },
        (error: unknown) => {
          if (life.aborted) return;
          this.#options.onError(error);
          const remaining = this.#expiresAt - Date.now();
          if (remaining <= 0) return;
          clearTimeout(this.#refreshTimer);
          this.#refreshTimer = setTimeout(() => void this.renew(), Math.min(REFRESH_RETRY_MS, remaining / 2));
        },
      )
      .finally(() => {
        this.#pending = null;
      });
    return this.#pending;
  }

  /** Clears the timers (the token expired: a refresh comes only from renew() or a new schedule()). */
  pause(): void {
    clearTimeout(this.#refreshTimer);
    clearTimeout(this.#expiryTimer);
    this.#refreshTimer = this.#expiryTimer = undefined;
  }

  /** Final: the session ended. */
  stop(): void {
    this.#life.abort();
  }
}
