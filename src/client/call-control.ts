import type { VendorDriver } from '../drivers/driver.js';
import type { CallAction, NotifyBackend } from './backend.js';
import { Status } from './constants.js';
import { NotifyError } from './errors.js';
import type { ForwardTarget } from './backend.js';
import { forwardTarget } from './targets.js';
import type { Leg } from './calls.js';
import type { NotifyCall } from './notify-call.js';
import { noteTransferredTo } from './transfer-notes.js';

/** How often a parked call (on hold, no media leg here) asks the server whether its parties are still there. */
const PARKED_POLL_MS = 2_000;

/** What CallControl needs from its CallBook. */
export interface CallControlHost {
  legs(): readonly Leg[];
  legOfCall(call: NotifyCall): Leg | undefined;
  driver(): VendorDriver | null;
  backend: NotifyBackend;
  report(error: NotifyError): void;
  /** Ends a call (CLOSED, CALL_DISCONNECT). */
  end(leg: Leg): void;
  dial(params: { To: string }, from: string): Leg;
  accept(leg: Leg): Promise<boolean>;
  has(leg: Leg): boolean;
  /** Hangs up a call's media leg on purpose: its end no longer ends the call (hold, a move). */
  dropMedia(leg: Leg): void;
}

/** NotifyClient's call-control methods and what each resolves to. */
export interface CallCommands {
  forward: boolean;
  transfer: NotifyCall | null;
  completeTransfer: boolean;
  cancelTransfer: boolean;
  add: boolean;
}

/**
 * Hold, resume, call waiting, warm transfer and added parties, on Twilio's model (docs/decisions.md, "Hold,
 * transfer and three-way through conferences"): the server holds the other parties in the call's conference;
 * this browser releases its media leg on hold (so nothing of the microphone is sent, and the vendor's one
 * media call is free for a waiting call or a consultation) and joins the conference again to resume. A
 * parked call (held, no media leg) is watched on the server until it is resumed or its parties leave.
 * Loaded with the first of these actions, so that a phone that never holds does not download it.
 */
export class CallControl {
  readonly #host: CallControlHost;

  constructor(host: CallControlHost) {
    this.#host = host;
  }

  /** NotifyClient's methods (transferCall(), …): arguments checked here, so that they load with the code. */
  command<K extends keyof CallCommands>(
    name: K,
    argument: ForwardTarget | undefined,
    online: boolean,
    callerId = '',
  ): Promise<CallCommands[K]> {
    let target: ForwardTarget | undefined;
    if (name !== 'completeTransfer' && name !== 'cancelTransfer') {
      const checked = forwardTarget(argument!);
      if (checked instanceof NotifyError) throw checked;
      target = checked;
    }
    if (!online) throw new NotifyError('NOT_INITIALIZED');
    const run = {
      forward: () => this.forward(target!),
      transfer: () => this.transfer(target!, callerId),
      completeTransfer: () => this.completeTransfer(),
      cancelTransfer: () => this.cancelTransfer(),
      add: () => this.add(target!),
    }[name];
    return run() as Promise<CallCommands[K]>;
  }

  #leg(call: NotifyCall | undefined | null, what: string): Leg {
    const leg = call ? this.#host.legOfCall(call) : undefined;
    if (!leg) throw new NotifyError('INVALID_STATE', `${what}: there is no such call.`);
    return leg;
  }

  #action(leg: Leg, action: CallAction, body?: object): Promise<unknown> {
    return this.#host.backend.callAction(leg.call.callId ?? '', action, body);
  }

  /** The call that is talking now (not held, not ringing), other than `except`. */
  #active(except?: Leg): Leg | undefined {
    return this.#host
      .legs()
      .find((leg) => leg !== except && leg.call.status === Status.OPEN && !leg.call.held && !leg.moving);
  }

  /** Answers a ringing call, holding the active one first. */
  async answer(call: NotifyCall): Promise<boolean> {
    const leg = this.#leg(call, 'answer');
    if (leg.call.direction !== 'incoming' || leg.call.status !== Status.PENDING) {
      throw new NotifyError('INVALID_STATE', 'answer: the call is not ringing.');
    }
    const active = this.#active(leg);
    if (active) await this.#hold(active);
    return this.#host.has(leg) && this.#host.accept(leg);
  }

  /** hold(true) or resume (hold(false)) of a call. */
  async hold(call: NotifyCall, held: boolean): Promise<boolean> {
    const leg = this.#leg(call, held ? 'hold' : 'resume');
    if (leg.call.status !== Status.OPEN || leg.moving || leg.rejoining) {
      throw new NotifyError('INVALID_STATE', `${held ? 'hold' : 'resume'}: the call is not connected.`);
    }
    if (leg.call.held === held) {
      throw new NotifyError(
        'INVALID_STATE',
        held ? 'hold: the call is on hold already.' : 'resume: the call is not on hold.',
      );
    }
    const active = held ? undefined : this.#active(leg);
    if (active) await this.#hold(active);
    const driver = this.#host.driver();
    if (driver?.hold && leg.handle) {
      // In the media path: the call keeps its media leg, nothing to watch on the server.
      await driver.hold(held, leg.handle);
      leg.call.setHeld(held);
      return true;
    }
    if (!held) return this.#rejoin(leg);
    await this.#park(leg);
    return true;
  }

  /** Puts a call on hold the vendor's way (in the media path, else on the server). */
  #hold(leg: Leg): Promise<boolean> {
    return this.hold(leg.call, true);
  }

  /**
   * Puts a call on hold on the server, then releases its media leg; watches it while parked. On failure
   * the call stays as it was, unless its media leg was lost meanwhile (then it ends).
   */
  async #park(leg: Leg): Promise<void> {
    leg.moving = true;
    try {
      await this.#action(leg, 'hold', { hold: true });
    } catch (error) {
      leg.moving = false;
      if (!leg.handle && this.#host.has(leg)) this.#host.end(leg);
      throw error;
    }
    this.#host.dropMedia(leg);
    leg.moving = false;
    leg.call.setHeld(true);
    this.#watch(leg);
  }

  /** While parked, asks the server every PARKED_POLL_MS whether the call's parties are still there. */
  #watch(leg: Leg): void {
    leg.parked?.abort();
    const parked = (leg.parked = new AbortController());
    const poll = () => {
      if (parked.signal.aborted) return;
      this.#action(leg, 'conference').then(
        (state) => {
          if (parked.signal.aborted) return;
          if ((state as { live?: boolean } | undefined)?.live === false) return this.#host.end(leg);
          setTimeout(poll, PARKED_POLL_MS);
        },
        () => !parked.signal.aborted && setTimeout(poll, PARKED_POLL_MS),
      );
    };
    setTimeout(poll, PARKED_POLL_MS);
  }

  /**
   * Joins the call's conference again with a new media leg (the server resumes the held parties as it joins);
   * the call is back once the leg is open (CallBook's `#rejoined`). True once open.
   */
  #rejoin(leg: Leg): Promise<boolean> {
    const driver = this.#host.driver();
    if (!driver) return Promise.reject(new NotifyError('NOT_INITIALIZED'));
    leg.rejoining = true;
    leg.placing = true;
    return new Promise<boolean>((resolve) => {
      const closed = leg.call.events.on('status', (status) => {
        if (status === Status.CLOSED) finish(false);
      });
      const finish = (ok: boolean) => {
        leg.onRejoined = undefined;
        closed();
        resolve(ok);
      };
      leg.onRejoined = () => finish(true);
      driver.connect({ notifyResume: leg.call.callId ?? '' }).then(
        (handle) => {
          leg.placing = false;
          if (!this.#host.has(leg)) return driver.hangup(handle);
          leg.handle ??= handle;
        },
        (error: unknown) => {
          leg.placing = false;
          leg.rejoining = false;
          this.#host.report(
            error instanceof NotifyError ? error : new NotifyError('CALL_FAILED', String(error)),
          );
          finish(false);
        },
      );
    });
  }

  /** Hangs up a parked call: its conference ends on the server (its parties are released). */
  async release(leg: Leg): Promise<void> {
    await this.#action(leg, 'end', {}).catch((error: unknown) => {
      this.#host.report(
        error instanceof NotifyError ? error : new NotifyError('BACKEND_ERROR', String(error)),
      );
    });
  }

  /**
   * forwardCall(): on the server (Twilio: the other party's leg is moved), or by a REFER where the vendor
   * transfers in the signaling path (SIP). True once forwarded.
   */
  async forward(target: ForwardTarget): Promise<boolean> {
    const leg = this.#active()!;
    if (this.#host.driver()?.transfer) return this.#refer(leg, target);
    await this.#host.backend.forwardCall(leg.call.callId!, target);
    return true;
  }

  /**
   * forwardCall() and completeTransfer() on a vendor that transfers in the signaling path (SIP): REFER of `leg`,
   * with Replaces of `consult`, to where the backend says (it checks the call and that a colleague can ring);
   * the driver ends the calls once done. Digits for the target need the server's media path: NOT_SUPPORTED.
   */
  async #refer(leg: Leg, target: ForwardTarget, consult?: Leg): Promise<boolean> {
    if (target.dtmf) throw new NotifyError('NOT_SUPPORTED');
    const { referTo } = (await this.#action(leg, 'refer', target)) as { referTo: string };
    await this.#host.driver()!.transfer!(referTo, leg.handle!, consult?.handle);
    return true;
  }

  /**
   * Starts a warm transfer of the active call: it goes on hold, and a consultation call to `target` is placed.
   * Returns the consultation call.
   */
  async transfer(target: ForwardTarget, from: string): Promise<NotifyCall> {
    const held = this.#active();
    if (!held) throw new NotifyError('INVALID_STATE', 'transferCall: there is no active call.');
    if (this.#host.legs().some((leg) => leg.call.consultFor)) {
      throw new NotifyError('INVALID_STATE', 'transferCall: a transfer is already started.');
    }
    // In the media path where the vendor holds there (SIP), else parked on the server (hold() chooses).
    await this.hold(held.call, true);
    const consult = this.#host.dial(
      { To: target.type === 'number' ? target.id : `client:${target.id}` },
      from,
    );
    consult.call.consultFor = held.call;
    consult.target = target;
    return consult.call;
  }

  /** The consultation call in progress and the held call it is for. */
  #transferring(what: string): { consult: Leg; held: Leg } {
    const consult = this.#host.legs().find((leg) => leg.call.consultFor);
    const held = consult && this.#host.legOfCall(consult.call.consultFor!);
    if (!consult || !held) throw new NotifyError('INVALID_STATE', `${what}: no transfer was started.`);
    return { consult, held };
  }

  /** Completes the warm transfer: the consulted party joins the held call, which goes on without us. */
  async completeTransfer(): Promise<boolean> {
    const { consult, held } = this.#transferring('completeTransfer');
    if (consult.call.status !== Status.OPEN || !consult.call.callId) {
      throw new NotifyError('INVALID_STATE', 'completeTransfer: the consulted party has not answered.');
    }
    if (this.#host.driver()?.transfer) return this.#refer(held, consult.target!, consult);
    // The consultation leg ends on the server (its party moves into the held call's conference).
    consult.moving = true;
    try {
      await this.#action(held, 'transfer', { consultCallSid: consult.call.callId });
    } catch (error) {
      consult.moving = false;
      throw error;
    }
    noteTransferredTo(held.call, consult.call.to.replace('client:', ''));
    this.#host.dropMedia(consult);
    consult.moving = false;
    this.#host.end(consult);
    this.#host.end(held);
    return true;
  }

  /** Cancels the warm transfer: the consultation call ends and the held call is resumed. */
  async cancelTransfer(): Promise<boolean> {
    const { consult, held } = this.#transferring('cancelTransfer');
    const legs = this.#host;
    if (consult.handle) legs.driver()?.hangup(consult.handle);
    legs.end(consult);
    return legs.has(held) && held.call.held ? this.hold(held.call, false) : false;
  }

  /**
   * Adds a number or a colleague to the active call (a three-way call): the call moves into its conference on
   * the server, where the new party is dialled; our media leg joins the conference again.
   */
  async add(target: ForwardTarget): Promise<boolean> {
    const leg = this.#active();
    if (!leg) throw new NotifyError('INVALID_STATE', 'addToCall: there is no active call.');
    leg.moving = true;
    try {
      await this.#action(leg, 'participants', target);
    } catch (error) {
      leg.moving = false;
      if (!leg.handle && this.#host.has(leg)) this.#host.end(leg);
      throw error;
    }
    // Already in the conference: the new party joins us there. A plain bridge moved into the conference
    // on the server: the media leg the server dropped is replaced.
    if (leg.conferenced && leg.handle) {
      leg.moving = false;
      return true;
    }
    this.#host.dropMedia(leg);
    leg.moving = false;
    return this.#host.has(leg) && this.#rejoin(leg);
  }
}
