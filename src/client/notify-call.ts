import { Status } from './constants.js';
import { TypedEmitter } from './emitter.js';
import { CALL_TRANSITIONS } from './call-state.js';
import { StateMachine } from './state.js';

/**
 * How a call ended (our extension): `completed`, answered and then hung up (`endedBy` says by whom,
 * `duration` how long it lasted); `busy`, `no-answer`, `declined` (the far end refused it, or it was declined
 * here) and `failed`, never answered; `canceled`, given up before anyone answered (the caller hung up while it
 * rang, or another agent took it).
 */
export type CallEndOutcome = 'completed' | 'busy' | 'no-answer' | 'declined' | 'failed' | 'canceled';

/** How a call ended, as its vendor saw it. @internal */
export interface CallEnd {
  outcome: CallEndOutcome;
  endedBy: 'local' | 'remote';
}

/** Listener arguments of a NotifyCall's events. */
export interface NotifyCallEvents {
  /** Every status change (`to`, `from`); `closed` is the last. */
  status: [to: Status, from: Status];
  /** The call was muted or unmuted. */
  mute: [muted: boolean];
  /** The server confirmed the call on hold (`true`) or resumed (`false`). */
  hold: [held: boolean];
  /** Ours: a colleague completed a warm transfer to this call (`transferredBy` is set). */
  transferred: [transferredBy: string];
}

/** What a NotifyCall's methods do, given by its client. @internal */
export interface CallControls {
  answer(call: NotifyCall): Promise<boolean>;
  hangup(call: NotifyCall): void;
  hold(call: NotifyCall, held: boolean): Promise<boolean>;
}

/** What a NotifyCall is created from. @internal */
export interface NotifyCallInit {
  direction: 'incoming' | 'outgoing';
  from: string;
  to: string;
  /** The vendor's call id, read when first asked for (an outgoing call learns it late). */
  callId: () => string | undefined;
}

/**
 * One call of a NotifyClient: its status (the state table of state.ts: pending → … → closed), direction,
 * parties, ids, times and mute state, with typed events. An extension beyond ServiceNow's API (see
 * `NotifyClient.calls`): the client creates and updates it; pages read it and listen to it.
 */
export class NotifyCall {
  readonly direction: 'incoming' | 'outgoing';
  /** The caller: a number in E.164 or `client:<identity>`; our caller ID for an outgoing call. */
  readonly from: string;
  /** The called number (or `client:<id>`). */
  readonly to: string;
  /** The parent call (incoming calls whose parent the backend knows). */
  parentId: string | undefined;
  /** The call this one consults for a warm transfer (`NotifyClient.transferCall()`), if it is a consultation. */
  consultFor: NotifyCall | undefined;
  /** `Date.now()` when the call was created, first open, and closed. */
  readonly createdAt = Date.now();
  answeredAt: number | null = null;
  endedAt: number | null = null;
  // `declare`d: set when the call ends, no initialiser in the first-load bundle.
  /** How the call ended (set as it closes, before CALL_DISCONNECT or CALL_CANCEL); undefined while live. */
  declare outcome?: CallEndOutcome;
  /** Who ended it: this side (`local`), or the other party or the network (`remote`); undefined while live. */
  declare endedBy?: 'local' | 'remote';
  /**
   * Ours: where this call was transferred (forwardCall() or a completed warm transfer): the number (E.164) or
   * the colleague's user sys_id; set as the backend is asked (before the call ends), taken back if it refuses.
   */
  declare transferredTo?: string;
  /**
   * Ours: the name of the colleague who transferred this call here, as the backend says it: set as a blind
   * transfer rings, or during the call as a warm transfer (they consulted us on this call) completes.
   */
  declare transferredBy?: string;
  #held = false;
  readonly events = new TypedEmitter<NotifyCallEvents>();
  readonly #state: StateMachine<Status>;
  readonly #readCallId: () => string | undefined;
  readonly #controls: CallControls;
  #callId: string | undefined;
  #muted = false;

  /** @internal created by NotifyClient */
  constructor(init: NotifyCallInit, controls: CallControls) {
    this.#controls = controls;
    this.direction = init.direction;
    this.from = init.from;
    this.to = init.to;
    this.#readCallId = init.callId;
    this.#state = new StateMachine('call', Status.PENDING, CALL_TRANSITIONS, (to, from) => {
      if (to === Status.OPEN) this.answeredAt ??= Date.now();
      if (to === Status.CLOSED) this.endedAt = Date.now();
      this.events.emit('status', to, from);
    });
  }

  get status(): Status {
    return this.#state.state;
  }

  /** The vendor's call id (Twilio: the CallSid), once known. */
  get callId(): string | undefined {
    return (this.#callId ??= this.#readCallId());
  }

  /** Whole seconds from answer to end (what the call timer showed last); null unless answered and ended. */
  get duration(): number | null {
    return this.answeredAt && this.endedAt ? Math.round((this.endedAt - this.answeredAt) / 1000) : null;
  }

  get muted(): boolean {
    return this.#muted;
  }

  /** On hold, as the server confirmed it: the other parties hear hold audio, nothing is sent from here. */
  get held(): boolean {
    return this.#held;
  }

  /**
   * Answers this incoming call; a call active at the time is put on hold first (call waiting). Resolves
   * true once answered, false after an ERROR (see NotifyClient).
   */
  answer(): Promise<boolean> {
    return this.#controls.answer(this);
  }

  /** Hangs up, or declines the call while it rings. */
  hangup(): void {
    this.#controls.hangup(this);
  }

  /** Puts the call on hold; resolves true once the server confirmed it, false after an ERROR. */
  hold(): Promise<boolean> {
    return this.#controls.hold(this, true);
  }

  /** Resumes the held call (a call active at the time is put on hold first); true once audio is back. */
  resume(): Promise<boolean> {
    return this.#controls.hold(this, false);
  }

  /** @internal */
  setHeld(held: boolean): void {
    if (this.#held === held) return;
    this.#held = held;
    this.events.emit('hold', held);
  }

  /** @internal NotifyClient moves the call on; a closed call stays closed. */
  transition(to: Status): void {
    if (this.endedAt === null) this.#state.transition(to);
  }

  /** @internal */
  setMuted(muted: boolean): void {
    if (this.#muted === muted) return;
    this.#muted = muted;
    this.events.emit('mute', muted);
  }
}
