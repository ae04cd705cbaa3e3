import type { PresenceEvent } from './store.js';

/**
 * In-process fan-out of store events (presence changes, sign-outs), for a single-instance store (SQLite)
 * and, inside each instance, behind the PostgreSQL LISTEN connection. A throwing listener is reported and
 * never stops the others.
 */
export class PresenceFanout<E = PresenceEvent> {
  readonly #listeners = new Set<(event: E) => void>();
  readonly #onError: (error: unknown) => void;

  constructor(
    onError: (error: unknown) => void = (error) => console.error('presence listener failed', error),
  ) {
    this.#onError = onError;
  }

  get size(): number {
    return this.#listeners.size;
  }

  add(listener: (event: E) => void): () => void {
    // Wrapped so that the same function subscribed twice gets two independent subscriptions.
    const entry = (event: E) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(event: E): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
