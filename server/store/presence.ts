import type { PresenceEvent, PresenceListener } from './store.js';

/**
 * In-process fan-out of presence events, for a single-instance store (SQLite) and, inside each instance,
 * behind the PostgreSQL LISTEN connection. A throwing listener is reported and never stops the others.
 */
export class PresenceFanout {
  readonly #listeners = new Set<PresenceListener>();
  readonly #onError: (error: unknown) => void;

  constructor(
    onError: (error: unknown) => void = (error) => console.error('presence listener failed', error),
  ) {
    this.#onError = onError;
  }

  get size(): number {
    return this.#listeners.size;
  }

  add(listener: PresenceListener): () => void {
    // Wrapped so that the same function subscribed twice gets two independent subscriptions.
    const entry: PresenceListener = (event) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(event: PresenceEvent): void {
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
