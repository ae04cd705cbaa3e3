import { Status } from './constants.js';
import { TypedEmitter } from './emitter.js';
import { CALL_TRANSITIONS, StateMachine } from './state.js';

/** Listener arguments of a NotifyCall's events. */
export interface NotifyCallEvents {
  /** Every status change (`to`, `from`); `closed` is the last. */
  status: [to: Status, from: Status];
  /** The call was muted or unmuted. */
  mute: [muted: boolean];
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
  /** `Date.now()` when the call was created, first open, and closed. */
  readonly createdAt = Date.now();
  answeredAt: number | null = null;
  endedAt: number | null = null;
  /** Always false until hold lands. */
  readonly held = false;
  readonly events = new TypedEmitter<NotifyCallEvents>();
  readonly #state: StateMachine<Status>;
  readonly #readCallId: () => string | undefined;
  #callId: string | undefined;
  #muted = false;

  /** @internal created by NotifyClient */
  constructor(init: NotifyCallInit) {
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

  get muted(): boolean {
    return this.#muted;
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
