import { Status } from '../../client/constants.js';
import { TypedEmitter } from '../../client/emitter.js';
import { NotifyError, type NotifyErrorCode } from '../../client/errors.js';
import type { CallHandle, RegisterOptions, VendorDriver, VendorDriverEvents } from '../driver.js';
import { DtmfPacer } from './dtmf-pacer.js';
import { loadTwilioSdk, type TwilioSdkModule } from './load-sdk.js';

type TwilioDevice = InstanceType<TwilioSdkModule['Device']>;
type TwilioCall = InstanceType<TwilioSdkModule['Call']>;

const REGISTER_TIMEOUT_MS = 20_000;

const TWILIO_CODES: Record<number, NotifyErrorCode> = {
  20104: 'TOKEN_EXPIRED',
  31205: 'TOKEN_EXPIRED',
  20101: 'TOKEN_INVALID',
  31204: 'TOKEN_INVALID',
  31208: 'MEDIA_PERMISSION_DENIED',
  31401: 'MEDIA_PERMISSION_DENIED',
};

const STATUS_MAP: Record<string, Status> = {
  pending: Status.PENDING,
  connecting: Status.CONNECTING,
  ringing: Status.RINGING,
  open: Status.OPEN,
  reconnecting: Status.RECONNECTING,
  closed: Status.CLOSED,
};

/** Maps a Twilio error (with a numeric `code`) onto the registry, keeping the original as cause. */
export function mapTwilioError(error: unknown): NotifyError {
  if (error instanceof NotifyError) return error;
  const twilioCode = (error as { code?: unknown } | null)?.code;
  const message = (error as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : String(error);
  if (typeof twilioCode === 'number') {
    const code = TWILIO_CODES[twilioCode] ?? 'VENDOR_ERROR';
    return new NotifyError(code, `Twilio error ${twilioCode}: ${text}`, { cause: error });
  }
  if ((error as { name?: unknown } | null)?.name === 'NotAllowedError') {
    return new NotifyError('MEDIA_PERMISSION_DENIED', text, { cause: error });
  }
  return new NotifyError('VENDOR_ERROR', `Twilio error: ${text}`, { cause: error });
}

/**
 * The Twilio Voice SDK 2.x driver: maps VendorDriver onto `Device` and `Call`; a call's handle is the SDK's
 * `Call`. The SDK holds one media call at a time (held or consulted calls live on the server, as conference
 * participants): while a call is live or being placed, a second invite is rejected here and never reaches
 * the client, and the methods act only on the live call.
 */
export class TwilioDriver implements VendorDriver {
  readonly name = 'twilio';
  readonly events = new TypedEmitter<VendorDriverEvents>();
  #device: TwilioDevice | null = null;
  #call: TwilioCall | null = null;
  /** While register() runs, its rejection reports device errors (no duplicate `error` event). */
  #registering = false;
  readonly #autoLoad: boolean;
  /** The current call's digits on their way to the SDK (dtmf-pacer.ts: the sender would drop queued tones). */
  #dtmf: DtmfPacer | null = null;
  /** destroy() was called (it may come while register() or connect() still waits on the SDK). */
  #destroyed = false;
  /** connect() waits for the SDK's call object: an incoming call now would be a second call. */
  #connecting = false;

  constructor(options: { autoLoadScriptResources: boolean }) {
    this.#autoLoad = options.autoLoadScriptResources;
  }

  async register({ token, device: deviceConfig }: RegisterOptions): Promise<void> {
    const sdk = await loadTwilioSdk(this.#autoLoad);
    // destroy() during the SDK import: never create (and register) a Device nobody will release.
    if (this.#destroyed) throw new NotifyError('DESTROYED');
    // chunderw, eventgw and publishEvents are internal SDK options, hence the cast.
    const options = {
      codecPreferences: ['opus', 'pcmu'],
      closeProtection: false,
      logLevel: 'warn',
      ...deviceConfig,
    } as unknown as ConstructorParameters<TwilioSdkModule['Device']>[1];
    const device = new sdk.Device(token, options);
    this.#device = device;
    device.on('registered', () => this.events.emit('registered'));
    device.on('unregistered', () => this.events.emit('unregistered'));
    device.on('tokenWillExpire', () => this.events.emit('tokenWillExpire'));
    device.on('incoming', (call: TwilioCall) => this.#onIncoming(call));
    device.on('error', (error: unknown, call?: TwilioCall) => {
      // Errors of a call are reported by the call's own listener.
      if (!call && !this.#registering) this.events.emit('error', mapTwilioError(error));
    });

    this.#registering = true;
    try {
      await this.#register(device);
    } finally {
      this.#registering = false;
    }
  }

  #register(device: TwilioDevice): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new NotifyError('VENDOR_ERROR', 'Twilio registration timed out.')),
        REGISTER_TIMEOUT_MS,
      );
      const onError = (error: unknown) => {
        clearTimeout(timer);
        reject(mapTwilioError(error));
      };
      device.once('error', onError);
      device.register().then(
        () => {
          clearTimeout(timer);
          device.removeListener('error', onError);
          resolve();
        },
        (error: unknown) => onError(error),
      );
    });
  }

  async unregister(): Promise<void> {
    await this.#device?.unregister();
  }

  updateToken(token: string): void {
    this.#device?.updateToken(token);
  }

  async connect(params: Record<string, string>): Promise<CallHandle> {
    if (!this.#device) throw new NotifyError('NOT_INITIALIZED');
    let call: TwilioCall;
    this.#connecting = true;
    try {
      call = await this.#device.connect({ params });
    } catch (error) {
      throw mapTwilioError(error);
    } finally {
      this.#connecting = false;
    }
    if (this.#destroyed) {
      call.disconnect();
      throw new NotifyError('DESTROYED');
    }
    this.#watch(call);
    this.#emitStatus(call);
    return call;
  }

  async accept(handle: CallHandle): Promise<void> {
    const call = this.#live(handle);
    if (!call) throw new NotifyError('INVALID_STATE', 'There is no incoming call to accept.');
    call.accept();
    this.#emitStatus(call);
  }

  reject(handle: CallHandle): void {
    this.#live(handle)?.reject();
  }

  hangup(handle: CallHandle): void {
    this.#live(handle)?.disconnect();
  }

  /** The SDK call behind a handle while it is the live one. */
  #live(handle: CallHandle): TwilioCall | null {
    return handle === this.#call ? this.#call : null;
  }

  /**
   * Queues digits on the current call: a run of digits goes to the SDK at once when nothing is playing,
   * otherwise when the digits before it have been played; `w` waits 500 ms. Cleared when the call ends.
   */
  sendDigits(digits: string, handle: CallHandle): void {
    const call = this.#live(handle);
    if (!call) return;
    this.#dtmf ??= new DtmfPacer(call, (error) => this.events.emit('callError', mapTwilioError(error), call));
    this.#dtmf.send(digits);
  }

  #clearDtmf(): void {
    this.#dtmf?.stop();
    this.#dtmf = null;
  }

  mute(muted: boolean, handle: CallHandle): void {
    this.#live(handle)?.mute(muted);
  }

  isMuted(handle: CallHandle): boolean {
    return this.#live(handle)?.isMuted() ?? false;
  }

  getCallSid(handle: CallHandle): string | undefined {
    return this.#live(handle)?.parameters?.CallSid || undefined;
  }

  destroy(): void {
    this.#destroyed = true;
    this.#call?.disconnect();
    this.#call = null;
    this.#clearDtmf();
    this.#device?.destroy();
    this.#device = null;
  }

  #onIncoming(call: TwilioCall): void {
    if (this.#call || this.#connecting) {
      call.reject();
      return;
    }
    this.#watch(call);
    const parameters = call.parameters ?? {};
    this.events.emit(
      'incoming',
      {
        callSid: parameters.CallSid ?? '',
        from: parameters.From ?? '',
        to: parameters.To ?? '',
        params: Object.fromEntries(call.customParameters ?? new Map<string, string>()),
      },
      call,
    );
  }

  #watch(call: TwilioCall): void {
    this.#call = call;
    this.#clearDtmf();
    let ended = false;
    const end = (event: 'callDisconnected' | 'callCanceled' | 'callRejected') => {
      if (ended || this.#call !== call) return;
      ended = true;
      this.#call = null;
      this.#clearDtmf();
      this.events.emit(event, call);
    };
    // The driver's events are about its current call only: a call it no longer holds (replaced, or
    // released by destroy()) must not change or end the call the client has now.
    const current = () => this.#call === call;
    const status = (value: Status) => {
      if (current()) this.events.emit('callStatus', value, call);
    };
    call.on('ringing', () => status(Status.RINGING));
    call.on('accept', () => {
      if (!current()) return;
      this.events.emit('callAccepted', call);
      this.events.emit('callStatus', Status.OPEN, call);
    });
    call.on('reconnecting', () => status(Status.RECONNECTING));
    call.on('reconnected', () => status(Status.OPEN));
    call.on('disconnect', () => end('callDisconnected'));
    call.on('cancel', () => end('callCanceled'));
    call.on('reject', () => end('callRejected'));
    call.on('error', (error: unknown) => {
      if (!current()) return;
      this.events.emit('callError', mapTwilioError(error), call);
      if (call.status() === 'closed') end('callDisconnected');
    });
  }

  #emitStatus(call: TwilioCall): void {
    const status = STATUS_MAP[call.status()];
    if (status && status !== Status.CLOSED) this.events.emit('callStatus', status, call);
  }
}
