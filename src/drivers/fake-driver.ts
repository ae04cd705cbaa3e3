import { Status } from '../client/constants.js';
import { TypedEmitter } from '../client/emitter.js';
import { NotifyError } from '../client/errors.js';
import type { IncomingCallInfo, RegisterOptions, VendorDriver, VendorDriverEvents } from './driver.js';

type Direction = 'incoming' | 'outgoing';

interface FakeCall {
  callSid: string;
  direction: Direction;
  status: Status;
  muted: boolean;
  params: Record<string, string>;
}

/**
 * A driver with no vendor behind it, for client tests. Methods record what they were asked in
 * `log`; the remote side is settled by hand (`ring()`, `answer()`, `remoteHangup()`, …).
 */
export class FakeDriver implements VendorDriver {
  readonly name = 'fake';
  readonly events = new TypedEmitter<VendorDriverEvents>();
  /** Every method call, in order. */
  readonly log: { method: string; args: unknown[] }[] = [];
  /** When set, register() rejects with it. */
  registerError: NotifyError | null = null;
  /** When set, connect() rejects with it. */
  connectError: NotifyError | null = null;
  registered = false;
  destroyed = false;
  token: string | null = null;
  registerOptions: RegisterOptions | null = null;
  call: FakeCall | null = null;
  #sidCounter = 0;

  async register(options: RegisterOptions): Promise<void> {
    this.#record('register', options);
    this.registerOptions = options;
    this.token = options.token;
    await Promise.resolve();
    if (this.registerError) throw this.registerError;
    this.registered = true;
    this.events.emit('registered');
  }

  async unregister(): Promise<void> {
    this.#record('unregister');
    this.registered = false;
    this.events.emit('unregistered');
  }

  updateToken(token: string): void {
    this.#record('updateToken', token);
    this.token = token;
  }

  async connect(params: Record<string, string>): Promise<void> {
    this.#record('connect', params);
    await Promise.resolve();
    if (this.connectError) throw this.connectError;
    this.call = {
      callSid: this.#nextSid(),
      direction: 'outgoing',
      status: Status.CONNECTING,
      muted: false,
      params,
    };
    this.events.emit('callStatus', Status.CONNECTING);
  }

  async accept(): Promise<void> {
    this.#record('accept');
    if (this.call?.direction !== 'incoming') throw new NotifyError('INVALID_STATE', 'No incoming call.');
    this.#setStatus(Status.CONNECTING);
  }

  reject(): void {
    this.#record('reject');
    this.#end('callRejected');
  }

  hangup(): void {
    this.#record('hangup');
    this.#end('callDisconnected');
  }

  sendDigits(digits: string): void {
    this.#record('sendDigits', digits);
  }

  mute(muted: boolean): void {
    this.#record('mute', muted);
    if (this.call) this.call.muted = muted;
  }

  isMuted(): boolean {
    return this.call?.muted ?? false;
  }

  getCallSid(): string | undefined {
    return this.call?.callSid;
  }

  destroy(): void {
    this.#record('destroy');
    this.destroyed = true;
    if (this.call) this.#end('callDisconnected');
    this.registered = false;
  }

  /** Names of the methods called so far. */
  get methods(): string[] {
    return this.log.map((entry) => entry.method);
  }

  // ---- the remote side, settled by the test ----

  /** An incoming call arrives. */
  receive(info: Partial<IncomingCallInfo> = {}): string {
    const callSid = info.callSid ?? this.#nextSid();
    this.call = {
      callSid,
      direction: 'incoming',
      status: Status.PENDING,
      muted: false,
      params: info.params ?? {},
    };
    this.events.emit('incoming', {
      callSid,
      from: info.from ?? '+15550001111',
      to: info.to ?? 'client:fake',
      params: info.params ?? {},
    });
    return callSid;
  }

  ring(): void {
    this.#setStatus(Status.RINGING);
  }

  /** The call is established (outgoing answered, or incoming media connected after accept). */
  answer(): void {
    if (!this.call) return;
    this.call.status = Status.OPEN;
    this.events.emit('callAccepted');
    this.events.emit('callStatus', Status.OPEN);
  }

  reconnecting(): void {
    this.#setStatus(Status.RECONNECTING);
  }

  remoteHangup(): void {
    this.#end('callDisconnected');
  }

  /** The caller gives up before the incoming call is accepted. */
  remoteCancel(): void {
    this.#end('callCanceled');
  }

  failCall(error = new NotifyError('CALL_FAILED')): void {
    this.events.emit('callError', error);
    this.#end('callDisconnected');
  }

  fail(error: NotifyError): void {
    this.events.emit('error', error);
  }

  tokenWillExpire(): void {
    this.events.emit('tokenWillExpire');
  }

  dropRegistration(): void {
    this.registered = false;
    this.events.emit('unregistered');
  }

  #setStatus(status: Status): void {
    if (!this.call) return;
    this.call.status = status;
    this.events.emit('callStatus', status);
  }

  #end(event: 'callDisconnected' | 'callCanceled' | 'callRejected'): void {
    if (!this.call) return;
    this.call = null;
    this.events.emit(event);
  }

  #nextSid(): string {
    this.#sidCounter += 1;
    return `CAfake${String(this.#sidCounter).padStart(26, '0')}`;
  }

  #record(method: string, ...args: unknown[]): void {
    this.log.push({ method, args });
  }
}
