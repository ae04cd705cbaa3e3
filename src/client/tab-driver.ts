import { DeviceState, Status } from './constants.js';
import type { NotifyClient } from './notify-client.js';
import { TypedEmitter } from './emitter.js';
import { NotifyError, type NotifyErrorCode } from './errors.js';
import type { CallEnd } from './notify-call.js';
import type {
  CallHandle,
  IncomingCallInfo,
  RegisterOptions,
  VendorDriver,
  VendorDriverEvents,
} from '../drivers/driver.js';

/** A call of the leading tab as the other tabs see it (tab-share.ts sends it on every change). */
export interface CallView {
  callId: string | undefined;
  direction: 'incoming' | 'outgoing';
  /** Whom the call is to: a placed call is placed again in the other tabs' CallBooks as if their page had. */
  to: string;
  status: Status;
  muted: boolean;
  held: boolean;
  outcome?: CallEnd['outcome'];
  endedBy?: CallEnd['endedBy'];
  /** Who transferred the call here (set during the call when a colleague completes a warm transfer). */
  transferredBy?: string;
}

/** A command of a follower for the leader: what it does to the call `key`. */
export type TabCommand = 'answer' | 'hangup' | 'mute' | 'digits' | 'connect' | 'hold';

/** Sends a command to the leader; resolves with its answer, rejects with the NotifyError it reported. */
export type SendCommand = (name: TabCommand, key: string | undefined, args: unknown[]) => Promise<unknown>;

interface MirroredCall {
  key: string;
  view: CallView;
}

/**
 * The driver of a follower tab (docs/decisions.md §27): it registers nothing and carries no media. The
 * leading tab's calls come in as driver events (an invite, status changes, the end), so the follower's own
 * CallBook gives its page the same STD_EVENTS, NotifyCall objects and getters as the leader's; what the page
 * does to a call (answer, hang up, mute, DTMF, hold, call()) is sent to the leader, whose tab carries the
 * media.
 */
export class TabDriver implements VendorDriver {
  readonly name = 'tabs';
  readonly events = new TypedEmitter<VendorDriverEvents>();
  readonly #send: SendCommand;
  readonly #calls = new Map<string, MirroredCall>();
  /** The follower's CallBook is deciding about an invite (it may decline a call-waiting invite by itself). */
  #deciding: MirroredCall | undefined;
  /** The page's own call() is waiting for the leader's call: resolves its handle. */
  #placing: ((call: MirroredCall) => void) | undefined;
  /** A call another tab placed is being adopted: the connect() it causes answers with it (adopt()). */
  #adopting: MirroredCall | undefined;
  /** A change that came from the leader is applied here: nothing is sent back. */
  #quiet = false;

  constructor(send: SendCommand) {
    this.#send = send;
  }

  /** The leader announced an incoming call (after its INCOMING_CALL). */
  incoming(key: string, info: IncomingCallInfo, view: CallView): void {
    if (this.#calls.has(key)) return;
    const call: MirroredCall = { key, view: { ...view, status: Status.PENDING } };
    this.#calls.set(key, call);
    this.#deciding = call;
    try {
      this.events.emit('incoming', info, call);
    } finally {
      this.#deciding = undefined;
    }
    this.changed(key, view);
  }

  /** A call of the leader changed (or appeared: a call this tab placed through the leader). */
  changed(key: string, view: CallView, placedHere?: boolean): void {
    let call = this.#calls.get(key);
    if (!call) {
      if (!placedHere || !this.#placing) return;
      call = { key, view };
      this.#calls.set(key, call);
      this.#placing(call);
      this.#placing = undefined;
    }
    const before = call.view;
    call.view = view;
    if (view.status === Status.CLOSED) return this.#end(call);
    if (view.status !== before.status) this.events.emit('callStatus', view.status, call);
    if (view.transferredBy && view.transferredBy !== before.transferredBy)
      this.events.emit('callTransferred', view.transferredBy, call);
  }

  /**
   * A call this tab did not place (the leader's own page placed it, or another follower): this tab's call()
   * runs for it, so its CallBook makes the call as for its own page (the NotifyCall, CALL_INIT, CALL_START, …
   * with ServiceNow's arguments), and the connect() that causes is answered with the leader's call instead
   * of placing another. Not when call() would refuse (this tab shows a call of its own, the follower's view
   * of a held one, say; or it is not online): nothing to report then.
   */
  adopt(key: string, view: CallView, client: NotifyClient): void {
    if (this.#calls.has(key) || client.getDeviceState() !== DeviceState.ONLINE || client.activeCall) return;
    if (client.calls.some((call) => call.direction === 'incoming' && call.status === Status.PENDING)) return;
    this.#adopting = { key, view: { ...view, status: Status.PENDING } };
    try {
      const { to } = view;
      client.call(to.startsWith('client:') ? { userId: to.slice(7) } : { phoneNumber: to });
    } finally {
      this.#adopting = undefined;
    }
    if (this.#calls.has(key)) this.changed(key, view);
  }

  /** Whether the leader's call `key` is mirrored here. */
  has(key: string): boolean {
    return this.#calls.has(key);
  }

  /** The mirrored call of `handle`'s key and view, for tab-share.ts. */
  view(handle: CallHandle): CallView | undefined {
    return (handle as MirroredCall).view;
  }

  /** Runs `apply` without sending the commands it causes back to the leader (a mute mirrored from it). */
  quietly(apply: () => void): void {
    this.#quiet = true;
    try {
      apply();
    } finally {
      this.#quiet = false;
    }
  }

  /** This tab leads now, or leaves: the mirrored calls end here (a ringing one rings again at the new leader). */
  endAll(): void {
    for (const call of [...this.#calls.values()]) {
      const ringing = call.view.direction === 'incoming' && call.view.status === Status.PENDING;
      this.#end(call, ringing ? undefined : { outcome: 'failed', endedBy: 'remote' });
    }
    this.#placing = undefined;
  }

  #end(call: MirroredCall, end?: CallEnd): void {
    if (!this.#calls.delete(call.key)) return;
    const { view } = call;
    const outcome = end?.outcome ?? view.outcome;
    if (outcome === 'declined') this.events.emit('callRejected', call);
    else if (!end && view.direction === 'incoming' && (outcome === 'canceled' || !outcome))
      this.events.emit('callCanceled', call);
    else this.events.emit('callDisconnected', call, end ?? { outcome: outcome!, endedBy: view.endedBy! });
  }

  #command(name: TabCommand, handle: CallHandle | undefined, ...args: unknown[]): Promise<unknown> {
    return this.#quiet
      ? Promise.resolve()
      : this.#send(name, (handle as MirroredCall | undefined)?.key, args);
  }

  register(_options: RegisterOptions): Promise<void> {
    return Promise.resolve();
  }

  unregister(): Promise<void> {
    return Promise.resolve();
  }

  updateToken(): void {}

  /** The leader places the call; its handle once the leader's call exists (or the adopted call's: adopt()). */
  connect(params: Record<string, string>): Promise<CallHandle> {
    const adopted = this.#adopting;
    if (adopted) {
      this.#adopting = undefined;
      this.#calls.set(adopted.key, adopted);
      return Promise.resolve(adopted);
    }
    return new Promise((resolve, reject) => {
      this.#placing = resolve;
      this.#send('connect', undefined, [params.To]).catch((error: unknown) => {
        this.#placing = undefined;
        reject(error instanceof NotifyError ? error : new NotifyError('CALL_FAILED'));
      });
    });
  }

  async accept(handle: CallHandle): Promise<void> {
    await this.#command('answer', handle);
  }

  reject(handle: CallHandle): void {
    // The follower's CallBook declining an invite by itself (call waiting) is its own view, not the agent's.
    if (this.#deciding === handle) return void this.#calls.delete(this.#deciding.key);
    void this.#command('hangup', handle).catch(() => undefined);
  }

  hangup(handle: CallHandle): void {
    void this.#command('hangup', handle).catch(() => undefined);
  }

  sendDigits(digits: string, handle: CallHandle): void {
    void this.#command('digits', handle, digits).catch(() => undefined);
  }

  mute(muted: boolean, handle: CallHandle): void {
    void this.#command('mute', handle, muted).catch(() => undefined);
  }

  isMuted(handle: CallHandle): boolean {
    return (handle as MirroredCall).view.muted;
  }

  async hold(held: boolean, handle: CallHandle): Promise<void> {
    await this.#command('hold', handle, held);
  }

  getCallSid(handle: CallHandle): string | undefined {
    return (handle as MirroredCall).view.callId;
  }

  destroy(): void {
    this.endAll();
    this.events.removeAllListeners();
  }
}

/** The NotifyError a leader's answer carries. */
export const commandError = (error: { code: string; message: string }) =>
  new NotifyError(error.code as NotifyErrorCode, error.message);
