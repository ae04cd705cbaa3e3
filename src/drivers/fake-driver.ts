import { Status } from '../client/constants.js';
import { TypedEmitter } from '../client/emitter.js';
import { NotifyError } from '../client/errors.js';
import type { CallEnd, CallEndOutcome } from '../client/notify-call.js';
import type {
  AudioDevice,
  AudioDevices,
  CallHandle,
  DriverAudio,
  PreflightReport,
  QualityWarning,
  IncomingCallInfo,
  RegisterOptions,
  VendorDriver,
  VendorDriverEvents,
} from './driver.js';

type Direction = 'incoming' | 'outgoing';

/** A fake call; it is also the call's handle. */
export interface FakeCall {
  callSid: string;
  direction: Direction;
  status: Status;
  muted: boolean;
  params: Record<string, string>;
}

/** In-memory device selection for the fake driver: two microphones, two outputs, setSinkId unless told. */
export class FakeAudio implements DriverAudio {
  inputs: AudioDevice[] = [
    { deviceId: 'default', label: 'Default microphone' },
    { deviceId: 'mic-2', label: 'Headset microphone' },
  ];
  outputs: AudioDevice[] = [
    { deviceId: 'default', label: 'Default speaker' },
    { deviceId: 'out-2', label: 'Headset' },
  ];
  input: string | null = null;
  speaker = ['default'];
  ringer = ['default'];
  outputSelection = true;
  /** When set, setInput() rejects with it (a denied microphone permission). */
  inputError: NotifyError | null = null;

  async devices(): Promise<AudioDevices> {
    const { inputs, outputs, input, speaker, ringer, outputSelection } = this;
    return { inputs, outputs, input, speaker: [...speaker], ringer: [...ringer], outputSelection };
  }

  async setInput(deviceId: string): Promise<void> {
    if (this.inputError) throw this.inputError;
    if (!this.inputs.some((d) => d.deviceId === deviceId)) throw new NotifyError('INVALID_ARGUMENT');
    this.input = deviceId;
  }

  async setOutput(kind: 'speaker' | 'ringer', deviceId: string): Promise<void> {
    if (!this.outputSelection) throw new NotifyError('NOT_SUPPORTED');
    if (!this.outputs.some((d) => d.deviceId === deviceId)) throw new NotifyError('INVALID_ARGUMENT');
    this[kind] = [deviceId];
  }
}

/**
 * A driver with no vendor behind it, for client tests. Methods record what they were asked in
 * `log`; the remote side is settled by hand (`ring()`, `answer()`, `remoteHangup()`, …), on the
 * latest call unless a call is given (so are its VendorDriver methods, for tests that call them directly).
 * It carries any number of calls.
 */
export class FakeDriver implements VendorDriver {
  readonly name = 'fake';
  readonly events = new TypedEmitter<VendorDriverEvents>();
  /** Every method call, in order. */
  readonly log: { method: string; args: unknown[] }[] = [];
  /** When set, register() rejects with it. */
  registerError: NotifyError | null = null;
  /** Set by a test to act as a vendor that sends only some DTMF (VendorDriver.dtmfPattern). */
  dtmfPattern?: RegExp;
  /** Set by a test to act as a vendor that holds in the media path (VendorDriver.hold, e.g. SIP). */
  hold?: (held: boolean, call: CallHandle) => Promise<void>;
  /** Set by a test to act as a vendor with a pre-call test (VendorDriver.preflight). */
  preflight?: (token: string) => Promise<PreflightReport>;
  /** Set by a test to act as a vendor with device selection (VendorDriver.audio). */
  audio?: DriverAudio;
  /** When set, connect() rejects with it. */
  connectError: NotifyError | null = null;
  registered = false;
  destroyed = false;
  token: string | null = null;
  registerOptions: RegisterOptions | null = null;
  /** The calls not ended, oldest first. */
  readonly calls: FakeCall[] = [];
  #sidCounter = 0;

  /** The latest call not ended. */
  get call(): FakeCall | null {
    return this.calls.at(-1) ?? null;
  }

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

  async connect(params: Record<string, string>): Promise<CallHandle> {
    this.#record('connect', params);
    await Promise.resolve();
    if (this.connectError) throw this.connectError;
    const call: FakeCall = {
      callSid: this.#nextSid(),
      direction: 'outgoing',
      status: Status.CONNECTING,
      muted: false,
      params,
    };
    this.calls.push(call);
    this.events.emit('callStatus', Status.CONNECTING, call);
    return call;
  }

  async accept(call: CallHandle | null = this.call): Promise<void> {
    this.#record('accept', call);
    const fake = this.#live(call);
    if (fake?.direction !== 'incoming') throw new NotifyError('INVALID_STATE', 'No incoming call.');
    this.#setStatus(Status.CONNECTING, fake);
  }

  reject(call: CallHandle | null = this.call): void {
    this.#record('reject', call);
    this.#end('callRejected', this.#live(call));
  }

  /** Recorded only: the vendor's call is let go without an event (the page is going away). */
  releaseRinging(): void {
    this.#record('releaseRinging');
  }

  hangup(call: CallHandle | null = this.call, endedBy: 'local' | 'remote' = 'local'): void {
    this.#record('hangup', call);
    const fake = this.#live(call);
    this.#end('callDisconnected', fake, { ...this.#endedHere(fake), endedBy });
  }

  /** How a call this side hangs up ends, as a vendor reports it. */
  #endedHere(call: FakeCall | undefined): CallEnd {
    return { outcome: call?.status === Status.OPEN ? 'completed' : 'canceled', endedBy: 'local' };
  }

  sendDigits(digits: string, call: CallHandle | null = this.call): void {
    this.#record('sendDigits', digits, call);
  }

  mute(muted: boolean, call: CallHandle | null = this.call): void {
    this.#record('mute', muted, call);
    const fake = this.#live(call);
    if (fake) fake.muted = muted;
  }

  isMuted(call: CallHandle | null = this.call): boolean {
    return this.#live(call)?.muted ?? false;
  }

  /** Records that the client asked for the next call's media to be prepared (`notifyConfig.warmUp`). */
  async warmUp(): Promise<void> {
    this.#record('warmUp');
  }

  getCallSid(call: CallHandle | null = this.call): string | undefined {
    return this.#live(call)?.callSid;
  }

  destroy(): void {
    this.#record('destroy');
    this.destroyed = true;
    for (const call of [...this.calls]) this.#end('callDisconnected', call, this.#endedHere(call));
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
    const call: FakeCall = {
      callSid,
      direction: 'incoming',
      status: Status.PENDING,
      muted: false,
      params: info.params ?? {},
    };
    this.calls.push(call);
    this.events.emit(
      'incoming',
      { callSid, from: info.from ?? '+15550001111', to: info.to ?? 'client:fake', params: info.params ?? {} },
      call,
    );
    return callSid;
  }

  ring(call = this.call): void {
    this.#setStatus(Status.RINGING, call);
  }

  /** The call is established (outgoing answered, or incoming media connected after accept). */
  answer(call = this.call): void {
    if (!call) return;
    call.status = Status.OPEN;
    this.events.emit('callAccepted', call);
    this.events.emit('callStatus', Status.OPEN, call);
  }

  reconnecting(call = this.call): void {
    this.#setStatus(Status.RECONNECTING, call);
  }

  remoteHangup(call = this.call): void {
    const outcome = call?.status === Status.OPEN ? 'completed' : 'failed';
    this.#end('callDisconnected', call, { outcome, endedBy: 'remote' });
  }

  /** The far end refuses the outgoing call before answering (busy, no answer, declined, failed). */
  refuse(outcome: CallEndOutcome, call = this.call): void {
    this.#end('callDisconnected', call, { outcome, endedBy: 'remote' });
  }

  /** The caller gives up before the incoming call is accepted. */
  remoteCancel(call = this.call): void {
    this.#end('callCanceled', call);
  }

  failCall(error = new NotifyError('CALL_FAILED'), call = this.call): void {
    if (call) this.events.emit('callError', error, call);
    this.#end('callDisconnected', call);
  }

  /** The vendor raises (or clears) a quality warning on a call. */
  qualityWarning(warning: QualityWarning, call = this.call): void {
    if (call) this.events.emit('quality', warning, call);
  }

  /** The selected microphone went away and `fallback` took over. */
  loseInput(lost: AudioDevice, fallback: AudioDevice | null): void {
    this.events.emit('inputLost', lost, fallback);
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

  /** The fake call behind a handle, if it has not ended. */
  #live(call: CallHandle | null): FakeCall | undefined {
    return this.calls.find((fake) => fake === call);
  }

  #setStatus(status: Status, call: FakeCall | null): void {
    if (!call) return;
    call.status = status;
    this.events.emit('callStatus', status, call);
  }

  #end(
    event: 'callDisconnected' | 'callCanceled' | 'callRejected',
    call: FakeCall | null | undefined,
    end?: CallEnd,
  ): void {
    const index = call ? this.calls.indexOf(call) : -1;
    if (!call || index < 0) return;
    this.calls.splice(index, 1);
    if (event === 'callDisconnected') this.events.emit(event, call, end);
    else this.events.emit(event, call);
  }

  #nextSid(): string {
    this.#sidCounter += 1;
    return `CAfake${String(this.#sidCounter).padStart(26, '0')}`;
  }

  #record(method: string, ...args: unknown[]): void {
    this.log.push({ method, args });
  }
}
