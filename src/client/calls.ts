import type { CallIdentifier, NotifyClientEvents, NotifyConfig } from './config.js';
import { STD_EVENTS, Status } from './constants.js';
import { safeCall, type TypedEmitter } from './emitter.js';
import type { CallHandle, IncomingCallInfo, VendorDriver } from '../drivers/driver.js';
import { NotifyError, toNotifyError } from './errors.js';
import { NotifyCall, type CallControls, type CallEnd, type NotifyCallInit } from './notify-call.js';
import type { CallControl } from './call-control.js';
import { findParent } from './find-parent.js';
import type { ForwardTarget, NotifyBackend } from './backend.js';
import { callParams } from './call-params.js';
import { noteTransferredBy } from './transfer-notes.js';
import { watchTransfers } from './transfer-watch.js';

/** A call and what ServiceNow's events already said about it. */
export interface Leg {
  call: NotifyCall;
  /** CALL_INIT was emitted. */
  announced: boolean;
  /** CALL_START was emitted. */
  started: boolean;
  /** INCOMING_CALL was emitted. */
  incomingAnnounced: boolean;
  /** Aborted when the call ends (stops its parent-id look-up). */
  ended: AbortController;
  /** The driver's handle of the call's media leg: from the invite, or for a placed one from its first event. */
  handle?: CallHandle;
  /** A media leg is being placed for the call (dial, or joining its conference again) and has no handle yet. */
  placing?: boolean;
  /** The media leg is released on purpose (hold, moving into a conference): its end does not end the call. */
  moving?: boolean;
  /** Joining its conference again: the new media leg's progress does not change the call's status. */
  rejoining?: boolean;
  /** Called once the new media leg is open (call-control.ts waits on it). */
  onRejoined?: () => void;
  /** The media leg is a participant of the call's conference (it joined again). */
  conferenced?: boolean;
  /** Watches a parked call (held, no media leg) on the server, and stops that watch. */
  parked?: AbortController;
  /** A consultation call's target (transferCall()), for the transfer's completion. */
  target?: ForwardTarget;
}

/** An incoming call ringing, not answered yet. */
export const ringing = (call: NotifyCall) => call.direction === 'incoming' && call.status === Status.PENDING;

/** What a CallBook needs from its client. */
export interface CallBookHost {
  backend: NotifyBackend;
  /** A call was created or changed status (before the STD_EVENT it causes). */
  changed(): void;
  report(error: NotifyError): void;
  /** The driver of the current session, if any. */
  driver(): VendorDriver | null;
}

/**
 * The calls of a NotifyClient and ServiceNow's view of them: which is the "current call" of its API, and
 * the STD_EVENTS (INCOMING_CALL, CALL_INIT, CALL_START, CALL_CANCEL, CALL_DISCONNECT) with the Geneva-era
 * callbacks that each call's life causes, each once.
 */
export class CallBook {
  #legs: Leg[] = [];

  readonly #emitter: TypedEmitter<NotifyClientEvents>;
  readonly #config: NotifyConfig;
  readonly #host: CallBookHost;

  constructor(emitter: TypedEmitter<NotifyClientEvents>, config: NotifyConfig, host: CallBookHost) {
    this.#emitter = emitter;
    this.#config = config;
    this.#host = host;
  }

  /** Subscribes to the call events of a session's driver; returns the unsubscribe functions. */
  attach(driver: VendorDriver): (() => void)[] {
    const on = driver.events;
    return [
      // notifyConfig.warmUp: media for the next call, prepared once registered (again after a re-register).
      on.on('registered', () => void (this.#config.warmUp && driver.warmUp?.())),
      on.on('incoming', (info, handle) => this.#incoming(info, handle)),
      on.on('callStatus', (status, handle) => {
        const leg = this.#legOf(handle);
        if (!leg || status === Status.CLOSED) return;
        if (!leg.rejoining) return leg.call.transition(status);
        if (status === Status.OPEN) this.#rejoined(leg);
      }),
      on.on('callDisconnected', (handle, end) => this.#ended(handle, 'disconnect', end)),
      on.on('callCanceled', (handle) => this.#ended(handle, 'cancel')),
      on.on('callRejected', (handle) => this.#ended(handle, 'reject')),
      on.on('callError', (error) => this.#host.report(error)),
      watchTransfers(
        on,
        (handle) => {
          const leg = this.#legOf(handle);
          return leg?.handle === handle ? leg.call : undefined;
        },
        () => this.#host.changed(),
      ),
    ];
  }

  /**
   * The call of a driver's handle. A handle not seen before is the media leg being placed: a driver may
   * report its first status before connect() resolves.
   */
  #legOf(handle: CallHandle): Leg | undefined {
    if (this.#released.has(handle)) return undefined;
    const leg =
      this.#legs.find((known) => known.handle === handle) ??
      this.#legs.find((known) => known.placing && !known.handle);
    if (leg) leg.handle = handle;
    return leg;
  }

  /** A media leg ended: its call ends, unless the leg was released on purpose (hold, a move). */
  #ended(handle: CallHandle, reason: 'disconnect' | 'cancel' | 'reject', end?: CallEnd): void {
    const leg = this.#legOf(handle);
    if (!leg || leg.handle !== handle) return;
    leg.handle = undefined;
    if (!leg.moving) this.#end(leg, leg.rejoining ? 'disconnect' : reason, end);
  }

  /** The media leg joined the call's conference again: the call is back (resumed, or in a three-way call). */
  #rejoined(leg: Leg): void {
    leg.rejoining = false;
    leg.conferenced = true;
    leg.parked?.abort();
    leg.parked = undefined;
    leg.call.setHeld(false);
    if (leg.call.muted) this.#driver()?.mute(true, leg.handle!);
    leg.onRejoined?.();
  }

  #controlModule?: Promise<CallControl>;
  /** Media legs hung up on purpose: nothing they report concerns any call any more. */
  readonly #released = new WeakSet<CallHandle>();

  /** Hold, resume, transfers and added parties: loaded on first use (call-control.ts). */
  control(): Promise<CallControl> {
    return (this.#controlModule ??= import('./call-control.js').then(
      ({ CallControl }) =>
        new CallControl({
          legs: () => this.#legs,
          legOfCall: (call) => this.#legOfCall(call),
          driver: () => this.#driver(),
          backend: this.#host.backend,
          report: (error) => this.#host.report(error),
          end: (leg) => this.#end(leg, 'disconnect'),
          dial: (params, from) => this.dial(params, from),
          accept: (leg) => this.#accept(leg),
          has: (leg) => this.#has(leg),
          dropMedia: (leg) => {
            const handle = leg.handle;
            leg.handle = undefined;
            leg.conferenced = false;
            if (!handle) return;
            this.#released.add(handle);
            this.#driver()?.hangup(handle);
          },
        }),
    ));
  }

  /** What each NotifyCall's own methods do. */
  readonly #controls: CallControls = {
    answer: (call) => this.run((control) => control.answer(call), false),
    hangup: (call) => {
      const leg = this.#legOfCall(call);
      if (leg) this.hangup(leg);
    },
    hold: (call, held) => this.run((control) => control.hold(call, held), false),
  };

  #legOfCall(call: NotifyCall): Leg | undefined {
    return this.#legs.find((leg) => leg.call === call);
  }

  /** Runs a call-control action; `failed` after reporting its error. */
  run<T>(action: (control: CallControl) => Promise<T>, failed: T): Promise<T> {
    return this.control()
      .then(action)
      .catch((error: unknown) => {
        this.#host.report(toNotifyError(error));
        return failed;
      });
  }

  #driver(): VendorDriver | null {
    return this.#host.driver();
  }

  /**
   * call(): the target checked (INVALID_NUMBER, INVALID_ARGUMENT), then that no call is active (INVALID_STATE);
   * the error to report, or nothing once the call is placed. The client checked that it is online.
   */
  place(identifier: CallIdentifier, from: string): NotifyError | undefined {
    const params = callParams(identifier);
    if (params instanceof NotifyError) return params;
    if (this.current()) return new NotifyError('INVALID_STATE', 'A call is already active.');
    this.dial(params, from);
    return undefined;
  }

  /** Places an outgoing call on the driver (the client checked that there is one). */
  dial(params: { To: string }, from: string): Leg {
    let callSid: string | undefined;
    const leg: Leg = this.#open({
      direction: 'outgoing',
      from,
      to: params.To,
      // Kept once known: the call keeps its id when its media leg is replaced (hold, conference).
      callId: () => (callSid ??= leg.handle && this.#driver()?.getCallSid(leg.handle)),
    });
    leg.placing = true;
    this.#driver()!
      .connect(params)
      .then(
        (handle) => {
          leg.placing = false;
          if (this.#has(leg)) {
            leg.handle ??= handle;
            // CALL_INIT carries the call's id: the vendor may know it only from its first status (ringing).
            if (leg.call.callId) this.#announce(leg);
            return;
          }
          // hangupCall() (or destroy()) came while the vendor was still placing the call: the call it
          // just created is nobody's any more, so end it instead of leaving it live with the microphone.
          this.#driver()?.hangup(handle);
        },
        (error: unknown) => this.#fail(leg, error),
      );
    return leg;
  }

  /** Answers a ringing call; a call active at the time is put on hold first (call-control.ts). */
  answer(leg: Leg): void {
    if (this.active) void this.#controls.answer(leg.call);
    else void this.#accept(leg);
  }

  /** Accepts a ringing call on the driver; true once accepted. */
  #accept(leg: Leg): Promise<boolean> {
    const handle = leg.handle!;
    return this.#driver()!
      .accept(handle)
      .then(
        () => {
          if (this.#has(leg)) this.#announce(leg);
          return true;
        },
        (error: unknown) => {
          this.#fail(leg, error, () => this.#driver()?.reject(handle));
          return false;
        },
      );
  }

  /**
   * Mutes or unmutes a call; CALL_MUTE or CALL_UNMUTE. Here and in sendDigits() the call is past pending,
   * so it has its handle (an outgoing call leaves pending through its first event).
   */
  mute(leg: Leg, muted: boolean): void {
    this.#driver()?.mute(muted, leg.handle!);
    leg.call.setMuted(muted);
    this.#host.changed();
    this.#emitter.emit(muted ? STD_EVENTS.CALL_MUTE : STD_EVENTS.CALL_UNMUTE);
  }

  /** Sends digits; those the vendor cannot send (its `dtmfPattern`) are INVALID_DTMF, and none goes out. */
  sendDigits(leg: Leg, digits: string): void {
    const driver = this.#driver()!;
    if (driver.dtmfPattern?.test(digits) === false) {
      return this.#host.report(new NotifyError('INVALID_DTMF', `${driver.name} cannot send "${digits}".`));
    }
    driver.sendDigits(digits, leg.handle!);
  }

  /** Hangs up, or declines a ringing call. A held call's parties are released by its conference's rules. */
  hangup(leg: Leg): void {
    const declining = ringing(leg.call);
    const handle = leg.handle;
    if (leg.parked) void this.control().then((control) => control.release(leg));
    try {
      // Without a handle the vendor is still placing the call: dial() ends it once it exists.
      if (handle) this.#driver()?.[declining ? 'reject' : 'hangup'](handle);
    } catch (error) {
      this.#host.report(toNotifyError(error));
    }
    // Drivers normally end the call synchronously; make sure it ends even if one does not.
    this.#end(leg, declining ? 'reject' : 'disconnect');
  }

  #fail(leg: Leg, error: unknown, release?: () => void): void {
    if (!this.#has(leg)) return;
    this.#host.report(toNotifyError(error, 'CALL_FAILED'));
    release?.();
    this.#end(leg, 'disconnect', { outcome: 'failed', endedBy: 'local' });
  }

  get calls(): readonly NotifyCall[] {
    return this.#legs.map((leg) => leg.call);
  }

  /** The active call: neither held (nor being held) nor ringing unanswered. */
  get active(): NotifyCall | null {
    return this.#legs.find((leg) => !leg.call.held && !leg.moving && !ringing(leg.call))?.call ?? null;
  }

  /** The current call of ServiceNow's API: the active one, else the one ringing. */
  current(): Leg | undefined {
    const active = this.active;
    return this.#legs.find(({ call }) => (active ? call === active : ringing(call)));
  }

  /** The incoming call ringing (announced or not), if any. */
  ringing(): Leg | undefined {
    return this.#legs.find(({ call }) => ringing(call));
  }

  #has(leg: Leg): boolean {
    return this.#legs.includes(leg);
  }

  /** A new call, PENDING. */
  #open(init: NotifyCallInit): Leg {
    const call = new NotifyCall(init, this.#controls);
    const leg: Leg = {
      call,
      announced: false,
      started: false,
      incomingAnnounced: false,
      ended: new AbortController(),
    };
    this.#legs.push(leg);
    call.events.on('status', (status) => {
      this.#host.changed();
      this.#onStatus(leg, status);
    });
    call.events.on('hold', () => this.#host.changed());
    this.#host.changed();
    return leg;
  }

  /** Emits CALL_INIT once per call, when the vendor call object exists (for a placed call: and its id). */
  #announce(leg: Leg): void {
    const status = leg.call.status;
    if (leg.announced || status === Status.CLOSED) return;
    leg.announced = true;
    this.#emitter.emit(STD_EVENTS.CALL_INIT, status, leg.call.callId);
    safeCall('onConnect', this.#config.onConnect, status);
  }

  /**
   * A call comes in. INCOMING_CALL follows once its parent call is known: from the call's parameters, else
   * looked up until the call ends, unless `skipParentId`. During a call it is a waiting call with
   * `callWaiting: 'ring'`, and declined otherwise (the backend rings busy agents only when they asked for it;
   * this covers a call that crossed the one that made us busy).
   */
  #incoming(info: IncomingCallInfo, handle: CallHandle): void {
    if (
      this.#legs.length &&
      (this.#config.callWaiting !== 'ring' || this.#legs.some((l) => ringing(l.call)))
    ) {
      this.#driver()?.reject(handle);
      return;
    }
    // The SDK's To is the leg's own address (client:<identity>); the backend passes the number called.
    const to = info.params.notifyNumber || info.to;
    const callId = () => info.callSid || this.#driver()?.getCallSid(handle);
    const leg = this.#open({ direction: 'incoming', from: info.from, to, callId });
    leg.handle = handle;
    // Set by the backend from the transferring user's account (server/routes/calls.ts), never by a client.
    noteTransferredBy(leg.call, info.params);
    const sysId = info.params.sysId || info.params.callerSysId || undefined;
    const isFromClient = info.from.startsWith('client:') || info.params.isFromClient === 'true';
    const ring = (parentId: string | undefined) =>
      this.#ring(leg, info.from, to, info.callSid, parentId, sysId, isFromClient);
    if (this.#config.skipParentId === true) return ring(undefined);
    if (info.params.parentId) return ring(info.params.parentId);
    const lookup = (callSid: string) => this.#host.backend.getParentId(callSid);
    void findParent(lookup, info.callSid, leg.ended.signal).then((result) =>
      ring(result.parentId ?? undefined),
    );
  }

  /** Emits INCOMING_CALL for a call still ringing. */
  #ring(leg: Leg, ...args: NotifyClientEvents[typeof STD_EVENTS.INCOMING_CALL]): void {
    if (!this.#has(leg) || leg.call.status === Status.CLOSED) return;
    leg.incomingAnnounced = true;
    leg.call.parentId = args[3];
    this.#emitter.emit(STD_EVENTS.INCOMING_CALL, ...args);
    safeCall('onIncoming', this.#config.onIncoming, ...args);
  }

  /**
   * Ends a call. Its outcome is the vendor's (`end`), else what the reason tells: this side hung up or declined
   * (hangup(), a failure, destroy()), or the caller gave up (`cancel`).
   */
  #end(leg: Leg | undefined, reason: 'disconnect' | 'cancel' | 'reject', end?: CallEnd): void {
    if (!leg || !this.#has(leg)) return;
    const { call } = leg;
    const callSid = call.callId;
    // A placed call that ended before its id was known was still announced: CALL_DISCONNECT follows it.
    if (!leg.placing && call.direction === 'outgoing') this.#announce(leg);
    // Out of the list first: observers of the CLOSED status already see the call gone.
    this.#legs = this.#legs.filter((other) => other !== leg);
    leg.ended.abort();
    leg.parked?.abort();
    Object.assign(
      call,
      end ?? {
        outcome: reason === 'reject' ? 'declined' : call.answeredAt ? 'completed' : 'canceled',
        endedBy: reason === 'cancel' ? 'remote' : 'local',
      },
    );
    call.transition(Status.CLOSED);
    // A cancel that crosses pickupCall() (the vendor saw the caller give up after we accepted) ends a
    // call that CALL_INIT already announced: report it as the disconnect it is for the page.
    if (reason === 'cancel' && !leg.announced) {
      if (leg.incomingAnnounced) this.#emitter.emit(STD_EVENTS.CALL_CANCEL, callSid, call);
    } else if (leg.announced || leg.incomingAnnounced) {
      this.#emitter.emit(STD_EVENTS.CALL_DISCONNECT, callSid, call);
      safeCall('onDisconnect', this.#config.onDisconnect);
    }
  }

  /** Ends every call; how many there were. */
  endAll(): number {
    const legs = this.#legs;
    for (const leg of legs) {
      if (leg.parked) this.hangup(leg);
      this.#end(leg, 'disconnect');
    }
    return legs.length;
  }

  #onStatus(leg: Leg, to: Status): void {
    if (to === Status.CLOSED) return;
    if (!leg.announced) {
      // An OPEN before CALL_INIT, or a placed call's (placing done) first status with its id: announce()
      // reports it (CALL_INIT and onConnect with that status) once.
      if (to !== Status.OPEN && !(leg.placing === false && leg.call.callId)) return;
      this.#announce(leg);
    } else {
      safeCall('onConnect', this.#config.onConnect, to);
    }
    if (to === Status.OPEN && !leg.started) {
      leg.started = true;
      this.#emitter.emit(STD_EVENTS.CALL_START, leg.call.callId);
    }
  }
}
