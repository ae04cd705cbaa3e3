import type { ServerResponse } from 'node:http';
import type { NotifyStore, PresenceEvent } from './store/store.js';

/** One open `GET /presence` stream: the response, its user and groups, nothing else. */
export interface PresenceSubscriber {
  readonly raw: ServerResponse;
  readonly user: string;
  groups: readonly string[];
  /** Sequence number of the last event written to this stream (de-duplicates users in several groups). */
  mark: number;
  /** Chunks held back while the connect snapshot is being read; undefined once it has been sent. */
  pending: Buffer[] | undefined;
  /**
   * Set when the user signed out before the snapshot was sent: the route still owns the response then, so
   * it is detached here and the route refuses or ends it (see `ready`).
   */
  signedOut?: boolean;
}

export interface PresenceHubOptions {
  /** Keep-alive comment interval, in ms. */
  heartbeatMs: number;
  /** Aborted when the app closes: every stream ends then. */
  closing: AbortSignal;
  /** Open streams (a gauge). */
  gauge?: { inc(): void; dec(): void };
  onError?: (error: unknown) => void;
  /**
   * Bytes a slow client may leave unsent before its stream is ended (it reconnects and reads a fresh
   * snapshot). Default 1 MiB.
   */
  maxBufferedBytes?: number;
}

/** Encodes one Server-Sent Event once; the same bytes go to every subscriber. */
export function sseEvent(event: string, data: unknown): Buffer {
  return Buffer.from(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`, 'utf8');
}

const KEEP_ALIVE = Buffer.from(': keep-alive\n\n', 'utf8');

/**
 * The presence fan-out of one backend instance. It subscribes to the store once (PostgreSQL LISTEN/NOTIFY,
 * or in-process for SQLite), indexes open streams by group and by user, and turns each committed session
 * change into bytes once: `event: session` for every stream of a group the changed user is in (and the
 * user's own streams), plus `event: availability` when the change flipped whether the user is listed as
 * available (not to the user's own streams: nobody lists themself). A user's sign-out ends their streams.
 * The store is never read per stream.
 * One timer sends keep-alives to every stream; one abort listener ends them all on close.
 */
export class PresenceHub {
  readonly #store: NotifyStore;
  readonly #options: PresenceHubOptions;
  readonly #byGroup = new Map<string, Set<PresenceSubscriber>>();
  readonly #byUser = new Map<string, Set<PresenceSubscriber>>();
  readonly #maxBuffered: number;
  #size = 0;
  #seq = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  #subscribed: Promise<() => Promise<void>> | undefined;
  #closed = false;

  constructor(store: NotifyStore, options: PresenceHubOptions) {
    this.#store = store;
    this.#options = options;
    this.#maxBuffered = options.maxBufferedBytes ?? 1 << 20;
    if (options.closing.aborted) this.#closed = true;
    else options.closing.addEventListener('abort', () => void this.close(), { once: true });
  }

  /** Open streams. */
  get size(): number {
    return this.#size;
  }

  /** Open streams of one user (several tabs, or a client that leaks streams). */
  streamsOf(user: string): number {
    return this.#byUser.get(user)?.size ?? 0;
  }

  /**
   * Registers a stream (its events are held back until `ready`). Resolves once the store delivers changes,
   * so that nothing committed after the snapshot query starts can be missed.
   */
  async add(raw: ServerResponse, user: string, groups: readonly string[]): Promise<PresenceSubscriber> {
    if (this.#closed) throw new Error('The presence hub is closed.');
    this.#subscribed ??= this.#subscribe();
    try {
      await this.#subscribed;
    } catch (error) {
      this.#subscribed = undefined;
      throw error;
    }
    const subscriber: PresenceSubscriber = { raw, user, groups: [], mark: 0, pending: [] };
    this.#index(subscriber, groups);
    index(this.#byUser, user, subscriber);
    this.#size++;
    this.#options.gauge?.inc();
    this.#heartbeat ??= setInterval(() => this.#broadcast(KEEP_ALIVE), this.#options.heartbeatMs).unref();
    return subscriber;
  }

  /** Ends every stream of a user (they signed out, here or on another instance). */
  endUser(user: string): void {
    for (const subscriber of [...(this.#byUser.get(user) ?? [])]) {
      if (subscriber.pending) {
        subscriber.signedOut = true;
        this.remove(subscriber);
      } else this.#end(subscriber);
    }
  }

  /** Listens to presence changes and sign-outs; the result stops both. */
  async #subscribe(): Promise<() => Promise<void>> {
    const stopPresence = await this.#store.onPresence((event) => this.publish(event));
    try {
      const stopSignOuts = await this.#store.onSignOut((user) => this.endUser(user));
      return async () => {
        await stopPresence();
        await stopSignOuts();
      };
    } catch (error) {
      await stopPresence();
      throw error;
    }
  }

  /** Writes the connect snapshot, then whatever arrived meanwhile, and from now on events as they come. */
  ready(subscriber: PresenceSubscriber, snapshot: Buffer): void {
    if (subscriber.signedOut) {
      subscriber.raw.end();
      return;
    }
    const pending = subscriber.pending ?? [];
    subscriber.pending = undefined;
    this.#write(subscriber, pending.length ? Buffer.concat([snapshot, ...pending]) : snapshot);
  }

  /** Unregisters a stream (idempotent); does not end the response. */
  remove(subscriber: PresenceSubscriber): void {
    const own = this.#byUser.get(subscriber.user);
    if (!own?.delete(subscriber)) return;
    if (!own.size) this.#byUser.delete(subscriber.user);
    this.#index(subscriber, []);
    this.#size--;
    this.#options.gauge?.dec();
    if (!this.#size && this.#heartbeat) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    }
  }

  /** Fans one committed change out: encoded once, written once to each stream that may see it. */
  publish(event: PresenceEvent): void {
    const session = sseEvent('session', { type: event.type, session: event.session });
    const both = event.availability
      ? Buffer.concat([session, sseEvent('availability', event.availability)])
      : session;
    const mark = ++this.#seq;
    const own = this.#byUser.get(event.session.user);
    if (own) {
      for (const subscriber of own) {
        subscriber.mark = mark;
        // The event carries the user's current groups: a membership change applies from here on.
        if (!sameGroups(subscriber.groups, event.groups)) this.#index(subscriber, event.groups);
        this.#write(subscriber, session);
      }
    }
    for (const group of event.groups) {
      const subscribers = this.#byGroup.get(group);
      if (!subscribers) continue;
      for (const subscriber of subscribers) {
        if (subscriber.mark === mark) continue;
        subscriber.mark = mark;
        this.#write(subscriber, both);
      }
    }
  }

  /** Ends every stream and stops listening. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const subscribers of [...this.#byUser.values()]) {
      for (const subscriber of [...subscribers]) this.#end(subscriber);
    }
    const subscribed = this.#subscribed;
    this.#subscribed = undefined;
    if (subscribed) await (await subscribed.catch(() => async () => undefined))();
  }

  #index(subscriber: PresenceSubscriber, groups: readonly string[]): void {
    for (const group of subscriber.groups) {
      const set = this.#byGroup.get(group);
      set?.delete(subscriber);
      if (set && !set.size) this.#byGroup.delete(group);
    }
    subscriber.groups = groups;
    for (const group of groups) index(this.#byGroup, group, subscriber);
  }

  #write(subscriber: PresenceSubscriber, chunk: Buffer): void {
    if (subscriber.pending) {
      subscriber.pending.push(chunk);
      return;
    }
    const { raw } = subscriber;
    if (raw.destroyed || raw.writableEnded) return;
    if (raw.writableLength > this.#maxBuffered) {
      // A client that does not read: drop it rather than buffer without bound; it reconnects.
      this.#end(subscriber);
      return;
    }
    try {
      raw.write(chunk);
    } catch (error) {
      this.#options.onError?.(error);
      this.#end(subscriber);
    }
  }

  #broadcast(chunk: Buffer): void {
    for (const subscribers of this.#byUser.values()) {
      for (const subscriber of subscribers) if (!subscriber.pending) this.#write(subscriber, chunk);
    }
  }

  #end(subscriber: PresenceSubscriber): void {
    this.remove(subscriber);
    if (!subscriber.raw.writableEnded) subscriber.raw.end();
  }
}

function index<K>(map: Map<K, Set<PresenceSubscriber>>, key: K, subscriber: PresenceSubscriber): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(subscriber);
}

function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((group) => b.includes(group));
}
