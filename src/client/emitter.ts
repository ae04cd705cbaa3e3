/** An event map: event name → listener argument tuple. */
export type EventMap<T> = { [K in keyof T]: unknown[] };

export type Listener<A extends unknown[]> = (...args: A) => void;

/**
 * A small emitter typed by an event map. A throwing listener is reported with console.error and
 * never reaches the emitting code or the other listeners, so it cannot corrupt the client's state.
 */
export class TypedEmitter<M extends EventMap<M>> {
  readonly #listeners = new Map<keyof M, Set<Listener<never[]>>>();

  /** Adds a listener and returns the function that removes it. */
  on<K extends keyof M>(event: K, listener: Listener<M[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    // Wrap so the same function can be added twice and removed independently.
    const entry: Listener<never[]> = (...args) => (listener as Listener<unknown[]>)(...args);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit<K extends keyof M>(event: K, ...args: M[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<unknown[]>)(...args);
      } catch (error) {
        console.error(`[notify] a listener of "${String(event)}" threw:`, error);
      }
    }
  }

  listenerCount(event: keyof M): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}

/** Calls an optional user callback, reporting (never rethrowing) its exception. */
export function safeCall<A extends unknown[]>(
  name: string,
  fn: ((...args: A) => unknown) | undefined,
  ...args: A
) {
  if (typeof fn !== 'function') return;
  try {
    fn(...args);
  } catch (error) {
    console.error(`[notify] ${name} threw:`, error);
  }
}

/** ServiceNow's result style: `callback(value)` (through safeCall), and a Promise of the value. */
export const answer = <T>(value: Promise<T>, name: string, callback?: (value: T) => void) =>
  value.then((result) => {
    safeCall(name, callback, result);
    return result;
  });
