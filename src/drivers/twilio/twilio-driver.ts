import { Status } from '../../client/constants.js';
import { TypedEmitter } from '../../client/emitter.js';
import { NotifyError } from '../../client/errors.js';
import type { CallEndOutcome } from '../../client/notify-call.js';
import type {
  CallHandle,
  PreflightReport,
  RegisterOptions,
  VendorDriver,
  VendorDriverEvents,
} from '../driver.js';
import { DtmfPacer } from './dtmf-pacer.js';
import { loadTwilioSdk, type TwilioSdkModule } from './load-sdk.js';
import { createTwilioAudio, type TwilioAudio } from './twilio-audio.js';
import { mapTwilioError } from './twilio-errors.js';
import { runTwilioPreflight } from './twilio-preflight.js';
import { watchQuality } from './twilio-quality.js';
import { watchMessages } from './twilio-messages.js';

export { mapTwilioError } from './twilio-errors.js';

type TwilioDevice = InstanceType<TwilioSdkModule['Device']>;
type TwilioCall = InstanceType<TwilioSdkModule['Call']>;

const REGISTER_TIMEOUT_MS = 20_000;

/**
 * The SDK's errors for its signaling socket closing or failing to connect (31005 "unexpectedly ended",
 * 31009 transport unavailable, 53000/53001 signaling connection errors). They are not faults of their own:
 * the Device goes `unregistered` and reconnects by itself, which the client follows (Registration); a
 * call of the socket reports `reconnecting`. Reported as errors they were one per cut and per failed attempt,
 * idle too (issue 10).
 */
const SIGNALING_CODES: ReadonlySet<number> = new Set([31005, 31009, 53000, 53001]);

/**
 * An SDK error's code, or the code of the TwilioError it wraps: the WebSocket's own `error` event reaches the
 * Device as a generic 31000 UnknownError around ConnectionDisconnected (53001), a signaling cut like the
 * others (seen when a frozen tab wakes to a socket the server closed meanwhile).
 */
const codeOf = (error: unknown) => {
  const e = error as { code?: number; originalError?: { twilioError?: { code?: number } } } | null;
  return (e?.originalError?.twilioError ?? e)?.code as number;
};

/**
 * The SIP outcome of an unanswered call, as Twilio's `hangup` carries it (answerOnBridge: the call rings until
 * the far end answers, and a refusal ends it with the far end's response, docs/decisions.md §16).
 */
const REFUSALS: Record<number, CallEndOutcome> = {
  31486: 'busy', // 486 Busy Here
  31480: 'no-answer', // 480 Temporarily Unavailable (the dial timed out)
  31603: 'declined', // 603 Decline
  31404: 'failed', // 404 Not Found
};

/**
 * The refusal a call error reports: by default the SDK raises a 31005 whose `originalError` is the gateway's
 * error; with its `enableImprovedSignalingErrorPrecision` option, the precise class itself.
 */
export function refusalOf(error: unknown): CallEndOutcome | undefined {
  const e = error as { code?: number; originalError?: { code?: number } } | null;
  return REFUSALS[e?.originalError?.code ?? e?.code ?? 0];
}

/**
 * The Twilio Voice SDK 2.x driver: maps VendorDriver onto `Device` and `Call`; a call's handle is the SDK's
 * `Call`. The SDK holds one media call at a time: held calls live on the server as conference participants
 * (the client releases their media leg), so a second SDK call is only placed or accepted once the first has
 * been released. Invites that come during a call are passed on (`allowIncomingWhileBusy`): the client
 * decides (call waiting).
 */
export class TwilioDriver implements VendorDriver {
  readonly name = 'twilio';
  /** The SDK's `Call.sendDigits` refuses anything but these (A–D included): say so before sending any. */
  readonly dtmfPattern = /^[0-9*#w]+$/;
  readonly events = new TypedEmitter<VendorDriverEvents>();
  #device: TwilioDevice | null = null;
  /** The SDK calls not ended yet (a waiting invite beside the live call), the newest last. */
  readonly #calls = new Set<TwilioCall>();
  /** While register() runs, its rejection reports device errors (no duplicate `error` event). */
  #registering = false;
  readonly #autoLoad: boolean;
  /** The current call's digits on their way to the SDK (dtmf-pacer.ts: the sender would drop queued tones). */
  #dtmf: DtmfPacer | null = null;
  /** The call the paced digits are for. */
  #dtmfCall: TwilioCall | null = null;
  /** unregister() was called: the Device is meant to stay unregistered. */
  #unregistered = false;
  /** destroy() was called (it may come while register() or connect() still waits on the SDK). */
  #destroyed = false;
  /** The backend's device configuration register() got (chunderw, edge…), for the pre-call test's Device. */
  #deviceConfig: Record<string, unknown> = {};
  /** Device selection (issue 14), once the SDK's Device exists. */
  audio?: TwilioAudio;
  /**
   * Calls released here, and who ended them: this side ('local': hung up, declined), or the far end, which
   * had already ended the call when the backend told us (hangup(call, 'remote')).
   */
  readonly #endedHere = new WeakMap<TwilioCall, 'local' | 'remote'>();

  constructor(options: { autoLoadScriptResources: boolean }) {
    this.#autoLoad = options.autoLoadScriptResources;
  }

  async register({ token, device: deviceConfig }: RegisterOptions): Promise<void> {
    const sdk = await loadTwilioSdk(this.#autoLoad);
    this.#deviceConfig = deviceConfig;
    // destroy() during the SDK import: never create (and register) a Device nobody will release.
    if (this.#destroyed) throw new NotifyError('DESTROYED');
    // chunderw, eventgw and publishEvents are internal SDK options, hence the cast.
    const options = {
      codecPreferences: ['opus', 'pcmu'],
      closeProtection: false,
      logLevel: 'warn',
      allowIncomingWhileBusy: true,
      ...deviceConfig,
    } as unknown as ConstructorParameters<TwilioSdkModule['Device']>[1];
    const device = new sdk.Device(token, options);
    this.#device = device;
    this.audio = createTwilioAudio(device.audio, (lost, fallback) =>
      this.events.emit('inputLost', lost, fallback),
    );
    device.on('registered', () => this.events.emit('registered'));
    device.on('unregistered', () => {
      this.#keepReRegistering(device);
      this.events.emit('unregistered');
    });
    device.on('tokenWillExpire', () => this.events.emit('tokenWillExpire'));
    device.on('incoming', (call: TwilioCall) => this.#onIncoming(call));
    device.on('error', (error: unknown, call?: TwilioCall) => {
      // Errors of a call are reported by the call's own listener.
      if (call || this.#registering) return;
      if (SIGNALING_CODES.has(codeOf(error))) {
        this.#keepReRegistering(device);
        return console.debug('[notify] Twilio signaling:', error);
      }
      this.events.emit('error', mapTwilioError(error));
    });

    this.#registering = true;
    try {
      await this.#register(device);
    } finally {
      this.#registering = false;
    }
  }

  /**
   * Twilio SDK 2.x registers again at the signaling's next `connected` only if it was registered when the
   * socket went `offline`; a reconnect attempt that fails before `connected` (a refused or flapping
   * connection) goes `offline` a second time while unregistered, which clears that flag: the socket comes
   * back and the Device stays unregistered for good, the page never rings (issue 10, an outage longer than a
   * few seconds). After every such failure (its 31005 error comes just before its `offline`) the flag is set
   * again, once the SDK is done, while the Device should be registered. Covered by faults-signaling-outage.
   */
  #keepReRegistering(device: TwilioDevice): void {
    setTimeout(() => {
      const sdk = device as unknown as { _shouldReRegister?: boolean };
      if (
        !this.#destroyed &&
        !this.#unregistered &&
        this.#device === device &&
        device.state === 'unregistered' &&
        '_shouldReRegister' in sdk
      )
        sdk._shouldReRegister = true;
    });
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

  /** Ours (issue 14): the SDK's own pre-call test (twilio-preflight.ts). */
  async preflight(token: string): Promise<PreflightReport> {
    return runTwilioPreflight(await loadTwilioSdk(this.#autoLoad), token, this.#deviceConfig);
  }

  async unregister(): Promise<void> {
    this.#unregistered = true;
    await this.#device?.unregister();
  }

  updateToken(token: string): void {
    this.#device?.updateToken(token);
  }

  async connect(params: Record<string, string>): Promise<CallHandle> {
    if (!this.#device) throw new NotifyError('NOT_INITIALIZED');
    let call: TwilioCall;
    try {
      call = await this.#device.connect({ params });
    } catch (error) {
      throw mapTwilioError(error);
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
    const call = this.#live(handle);
    if (call) this.#endedHere.set(call, 'local');
    call?.reject();
  }

  /**
   * The SDK's own `pagehide` handler rejects every ringing invite (Device.destroy), which Twilio reports as
   * `busy`, the same as the agent's decline. Call.ignore() sends nothing and closes the call, so that handler
   * skips it; the closing socket then reads as this phone gone, and the backend rings the call again.
   */
  releaseRinging(): void {
    for (const call of this.#calls) if (call.status() === 'pending') call.ignore();
  }

  hangup(handle: CallHandle, endedBy: 'local' | 'remote' = 'local'): void {
    const call = this.#live(handle);
    if (call) this.#endedHere.set(call, endedBy);
    call?.disconnect();
  }

  /** The SDK call behind a handle while it has not ended. */
  #live(handle: CallHandle): TwilioCall | null {
    return this.#calls.has(handle as TwilioCall) ? (handle as TwilioCall) : null;
  }

  /**
   * Queues digits on the current call: a run of digits goes to the SDK at once when nothing is playing,
   * otherwise when the digits before it have been played; `w` waits 500 ms. Cleared when the call ends.
   */
  sendDigits(digits: string, handle: CallHandle): void {
    const call = this.#live(handle);
    if (!call) return;
    if (call !== this.#dtmfCall) this.#clearDtmf();
    this.#dtmfCall = call;
    this.#dtmf ??= new DtmfPacer(call, (error) => this.events.emit('callError', mapTwilioError(error), call));
    this.#dtmf.send(digits);
  }

  #clearDtmf(): void {
    this.#dtmf?.stop();
    this.#dtmf = null;
    this.#dtmfCall = null;
  }

  mute(muted: boolean, handle: CallHandle): void {
    this.#live(handle)?.mute(muted);
  }

  isMuted(handle: CallHandle): boolean {
    return this.#live(handle)?.isMuted() ?? false;
  }

  /**
   * The SDK's own way to keep a stream: `device.audio.setInputDevice()` acquires the microphone and the SDK
   * gives every call a clone of it (no getUserMedia at call time); `device.destroy()` stops it.
   */
  async warmUp(): Promise<void> {
    const audio = this.#device?.audio;
    // The SDK lists the devices shortly after the Device is created, and with their ids only once the page
    // may use the microphone: wait for the list, and if it stays without ids, ask for the microphone once
    // (the SDK lists them again when it sees the permission granted).
    const first = () => [...(audio?.availableInputDevices.keys() ?? [])].find(Boolean);
    const listed = async () => {
      for (let i = 0; !first() && i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      return first();
    };
    try {
      let id = await listed();
      if (!id) {
        (await navigator.mediaDevices.getUserMedia({ audio: true })).getTracks()[0]?.stop();
        id = await listed();
      }
      if (id && !this.#destroyed) await audio!.setInputDevice(id);
      // Its end (unplugged, permission revoked) falls back like a chosen microphone's (twilio-audio.ts).
      this.audio?.follow();
    } catch (error) {
      if (!this.#destroyed) this.events.emit('error', mapTwilioError(error));
    }
  }

  getCallSid(handle: CallHandle): string | undefined {
    return this.#live(handle)?.parameters?.CallSid || undefined;
  }

  destroy(): void {
    this.#destroyed = true;
    for (const call of [...this.#calls]) this.hangup(call);
    this.#calls.clear();
    this.#clearDtmf();
    this.audio?.dispose();
    this.#device?.destroy();
    this.#device = null;
  }

  #onIncoming(call: TwilioCall): void {
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
    this.#calls.add(call);
    let ended = false;
    let answered = false;
    /** The far end refused the call before answering (its SIP response). */
    let refusal: CallEndOutcome | undefined;
    const end = (event: 'callDisconnected' | 'callCanceled' | 'callRejected') => {
      if (ended || !this.#calls.delete(call)) return;
      ended = true;
      if (this.#dtmfCall === call) this.#clearDtmf();
      if (event !== 'callDisconnected') return this.events.emit(event, call);
      const endedBy = this.#endedHere.get(call) ?? 'remote';
      // Unanswered and not hung up here: the far end or Twilio ended it without saying why.
      const outcome = refusal ?? (answered ? 'completed' : endedBy === 'local' ? 'canceled' : 'failed');
      this.events.emit(event, call, { outcome, endedBy });
    };
    // A call the driver released (destroy()) reports nothing more.
    const current = () => this.#calls.has(call);
    const status = (value: Status) => {
      if (current()) this.events.emit('callStatus', value, call);
    };
    call.on('ringing', () => status(Status.RINGING));
    call.on('accept', () => {
      answered = true;
      if (!current()) return;
      this.events.emit('callAccepted', call);
      this.events.emit('callStatus', Status.OPEN, call);
    });
    // Reconnecting: a signaling error meanwhile is part of it. An end we did not ask for is reported first,
    // naming what was lost: its media (the SDK gave up its ICE restarts: it ends the call, then emits 53405),
    // else the call (CALL_LOST). The SDK's `reconnecting` names which: 53405 media, else signaling.
    let reconnecting: 'MEDIA_LOST' | 'CALL_LOST' | null = null;
    call.on('reconnecting', (error: unknown) => {
      reconnecting = codeOf(error) === 53405 ? 'MEDIA_LOST' : 'CALL_LOST';
      status(Status.RECONNECTING);
    });
    call.on('reconnected', () => {
      reconnecting = null;
      status(Status.OPEN);
    });
    const lost = (cause?: unknown) => {
      if (!reconnecting || this.#destroyed || this.#endedHere.has(call) || !current()) return;
      this.events.emit('callError', new NotifyError(reconnecting, undefined, { cause }), call);
      reconnecting = null;
    };
    // The SDK's `low-bytes-received` (under 1 byte/s for 3 s, from 5 s into the call): no audio arrives.
    const noAudio = (active: boolean) => (name: string) => {
      if (name === 'low-bytes-received' && current())
        this.events.emit('callWarning', 'no-audio', active, call);
    };
    watchMessages(call, (by) => {
      if (current()) this.events.emit('callTransferred', by, call);
    });
    call.on('warning', noAudio(true));
    call.on('warning-cleared', noAudio(false));
    watchQuality(call, (warning) => {
      if (current()) this.events.emit('quality', warning, call);
    });
    call.on('disconnect', () => {
      lost();
      end('callDisconnected');
    });
    call.on('cancel', () => end('callCanceled'));
    call.on('reject', () => end('callRejected'));
    call.on('error', (error: unknown) => {
      if (!current()) return;
      const closed = call.status() === 'closed';
      if (reconnecting && (closed || SIGNALING_CODES.has(codeOf(error)))) {
        if (!closed) return console.debug('[notify] Twilio signaling:', error);
        lost(error);
      } else {
        // Busy, no answer, declined: an outcome the call reports when it ends, not an error of the phone.
        refusal = answered ? undefined : refusalOf(error);
        if (refusal) return;
        this.events.emit('callError', mapTwilioError(error), call);
      }
      if (closed) end('callDisconnected');
    });
  }

  #emitStatus(call: TwilioCall): void {
    // The SDK's Call.State values are ours (pending, connecting, ringing, open, reconnecting, closed).
    const status = call.status() as Status;
    if (status !== Status.CLOSED) this.events.emit('callStatus', status, call);
  }
}
