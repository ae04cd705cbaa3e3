/**
 * Which tab of an agent leads (docs/decisions.md §27, issue 10): the tabs of one agent in one browser (same
 * origin, same user, same number) share one Web Lock; the tab holding it is the leader, the others wait in
 * the lock's queue. No polling: a closed tab's lock is released by the browser and the next tab in the queue
 * is granted it at once. A frozen tab keeps its lock, so the leader also answers the followers' pings on a
 * BroadcastChannel; a leader silent for LEADER_SILENT_MS has its lock stolen (`steal`), and it steps down
 * when it wakes (its lock request rejects). A leader the browser freezes says so (the Page Lifecycle API's
 * `freeze` event) and the followers take over at once: Chrome still runs a frozen page's BroadcastChannel
 * handlers (its timers stop), so pings alone would keep a frozen leader in place.
 */

/** A follower pings the leader this long after the leader's last message. */
export const PING_MS = 500;
/** A leader that said nothing for this long is presumed frozen (its tab suspended, or a hung main thread). */
export const LEADER_SILENT_MS = 1_500;
/** Followers take over in the order of their ids, one this long after the other (no two steal at once). */
export const TAKEOVER_STEP_MS = 300;

/** A message between the tabs of one agent; `from` the sender, `lead` set when the leader sent it. */
export interface TabMessage {
  t: string;
  from?: string;
  lead?: boolean;
  /** The leader carries a call: it is not replaced while silent (a call stays in the tab that owns its media). */
  busy?: boolean;
  /** Addressed to one tab only. */
  to?: string;
  [field: string]: unknown;
}

export interface TabElectionHooks {
  /** This tab holds the lock now: it registers. */
  lead(): void;
  /** This tab lost the lock it held (stolen while it was frozen): it mirrors again. */
  follow(): void;
  message(message: TabMessage): void;
}

/** The leader election of one agent's tabs; see the module comment. */
export class TabElection {
  readonly id = Math.random().toString(36).slice(2) + Date.now().toString(36);
  leading = false;
  /** Set by the leader: it carries a call. */
  busy = false;
  readonly #name: string;
  readonly #hooks: TabElectionHooks;
  readonly #channel: BroadcastChannel;
  #closed = false;
  /** Aborts the queued (not yet granted) lock request. */
  #queued: AbortController | undefined;
  /** Releases the held lock. */
  #release: (() => void) | undefined;
  #ping: ReturnType<typeof setTimeout> | undefined;
  #silence: ReturnType<typeof setTimeout> | undefined;
  /** When the leader was last heard of (performance.now()). */
  #leaderSeen = 0;
  #leaderBusy = false;
  /** The other followers by id, last heard of: they rank the takeover. */
  readonly #peers = new Map<string, number>();
  /** This tab led when its page was frozen (`freeze` until `resume`): it neither speaks nor listens. */
  #frozen = false;

  constructor(name: string, hooks: TabElectionHooks) {
    this.#name = name;
    this.#hooks = hooks;
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (event: MessageEvent<TabMessage>) => this.#receive(event.data);
    document.addEventListener('freeze', this.#onFreeze);
    document.addEventListener('resume', this.#onResume);
  }

  /**
   * A leader frozen: the followers are told (its last word), and it says and hears nothing more, so they take
   * over. Not while it carries a call (never replaced then). A frozen follower goes on hearing the leader as
   * Chrome lets it, so it misses nothing (an end of call told meanwhile).
   */
  readonly #onFreeze = () => {
    if (!this.leading || this.busy) return;
    this.post({ t: 'frozen' });
    this.#frozen = true;
  };

  /** Awake: what was said meanwhile is asked again, unless this tab still leads (nobody took over). */
  readonly #onResume = () => {
    if (!this.#frozen) return;
    this.#frozen = false;
    if (!this.leading) this.post({ t: 'sync' });
  };

  /** Queues for the lock and asks the leader, if any, for its state. */
  start(): void {
    this.#request(false);
    this.#watch();
    this.post({ t: 'sync' });
  }

  /** Whether another tab of the agent spoke lately (followers ping the leader every PING_MS). */
  get followed(): boolean {
    const now = performance.now();
    for (const at of this.#peers.values()) if (now - at < 2 * LEADER_SILENT_MS) return true;
    return false;
  }

  post(message: TabMessage): void {
    if (this.#closed || this.#frozen) return;
    this.#channel.postMessage({ ...message, from: this.id, lead: this.leading, busy: this.busy });
  }

  /** Final: leaves the queue or releases the lock (the next tab takes over), closes the channel. */
  close(): void {
    this.#closed = true;
    this.leading = false;
    document.removeEventListener('freeze', this.#onFreeze);
    document.removeEventListener('resume', this.#onResume);
    this.#stopWatch();
    this.#queued?.abort();
    this.#release?.();
    this.#channel.close();
  }

  #request(steal: boolean): void {
    const queued = (this.#queued = new AbortController());
    let released = false;
    navigator.locks
      .request(this.#name, steal ? { steal: true } : { signal: queued.signal }, () => {
        if (this.#closed) return undefined;
        return new Promise<void>((resolve) => {
          this.#release = () => {
            released = true;
            resolve();
          };
          this.#lead();
        });
      })
      .catch(() => {
        // Aborted in the queue (this tab steals, or closed), or stolen while this tab led (it was frozen).
        if (this.#queued !== queued || released || this.#closed || !this.leading) return;
        this.leading = false;
        this.#release = undefined;
        this.#hooks.follow();
        this.#request(false);
        this.#watch();
        // What the new leader told while this tab was frozen is lost: it tells again (its device, its calls).
        this.post({ t: 'sync' });
      });
  }

  #lead(): void {
    this.#stopWatch();
    this.leading = true;
    this.#hooks.lead();
    this.post({ t: 'pong' });
  }

  #stopWatch(): void {
    clearTimeout(this.#ping);
    clearTimeout(this.#silence);
  }

  /**
   * A follower's watch of the leader, armed again by each of the leader's messages: a ping after PING_MS, a
   * takeover after LEADER_SILENT_MS of silence. Set from message events, these timers never form the chains
   * that a hidden tab runs once a minute (docs/decisions.md §21).
   */
  #watch(): void {
    this.#stopWatch();
    if (this.leading || this.#closed) return;
    this.#ping = setTimeout(() => this.post({ t: 'ping' }), PING_MS);
    this.#silence = setTimeout(() => this.#silent(), LEADER_SILENT_MS);
  }

  /** The leader is silent: the first follower by id steals its lock, the next one a step later, … */
  #silent(): void {
    if (this.#leaderBusy) return this.#watch();
    const seen = this.#leaderSeen;
    const now = performance.now();
    const ids = [this.id];
    for (const [id, at] of this.#peers) if (now - at < 2 * LEADER_SILENT_MS) ids.push(id);
    const rank = ids.sort().indexOf(this.id);
    this.#ping = setTimeout(() => {
      if (this.leading || this.#closed || this.#leaderSeen !== seen) return;
      console.debug('[notify] the leading tab is silent: this tab takes over');
      this.#queued?.abort();
      this.#request(true);
    }, rank * TAKEOVER_STEP_MS);
  }

  #receive(message: TabMessage): void {
    if (this.#closed || this.#frozen || (message.to && message.to !== this.id)) return;
    if (message.lead) {
      this.#leaderSeen = performance.now();
      this.#leaderBusy = message.busy === true;
      this.#watch();
      // The leader's page is being frozen: no need to wait for its silence.
      if (message.t === 'frozen' && !this.leading) {
        this.#stopWatch();
        this.#silent();
      }
    } else if (message.from) {
      this.#peers.set(message.from, performance.now());
      if (this.leading && (message.t === 'ping' || message.t === 'sync')) this.post({ t: 'pong' });
    }
    this.#hooks.message(message);
  }
}
