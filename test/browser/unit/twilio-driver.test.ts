import { expect, waitUntil } from '@open-wc/testing';
import { STD_EVENTS, Status } from '../../../src/client/constants.js';
import { NotifyClient } from '../../../src/client/notify-client.js';
import { TwilioDriver, mapTwilioError } from '../../../src/drivers/twilio/twilio-driver.js';
import type { VendorDriverEvents } from '../../../src/drivers/driver.js';
import { FakeBackend } from './helpers/fake-backend.js';
import { CALLER_ID, tick } from './helpers/setup.js';

type Fn = (...args: unknown[]) => void;

/** Just enough of the SDK's EventEmitter-based Device and Call. */
class Emitter {
  readonly #listeners = new Map<string, Set<Fn>>();
  on(event: string, fn: Fn) {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event)!.add(fn);
    return this;
  }
  once(event: string, fn: Fn) {
    const wrapper: Fn = (...args) => {
      this.removeListener(event, wrapper);
      fn(...args);
    };
    return this.on(event, wrapper);
  }
  removeListener(event: string, fn: Fn) {
    this.#listeners.get(event)?.delete(fn);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const fn of [...(this.#listeners.get(event) ?? [])]) fn(...args);
  }
}

/**
 * An RTCDTMFSender as the WebRTC spec has it, whose tones the test plays by hand: insertDTMF() replaces the
 * tones still in the buffer, each tone starting fires `tonechange`, and so does going idle (tone '').
 */
class FakeDtmfSender extends EventTarget {
  toneBuffer = '';
  /** Every tone that went out, in order. */
  played = '';
  insertDTMF(tones: string) {
    this.toneBuffer = tones.toUpperCase();
  }
  /** The next tone starts, or the sender goes idle when none is left. */
  step() {
    const tone = this.toneBuffer.slice(0, 1);
    this.toneBuffer = this.toneBuffer.slice(1);
    this.played += tone;
    this.dispatchEvent(new RTCDTMFToneChangeEvent('tonechange', { tone }));
  }
  /** Plays the buffer out and goes idle. */
  playOut() {
    while (this.toneBuffer) this.step();
    this.step();
  }
}

class FakeCall extends Emitter {
  parameters: Record<string, string> = {};
  customParameters = new Map<string, string>();
  state = 'pending';
  muted = false;
  digits: string[] = [];
  status() {
    return this.state;
  }
  accept() {
    this.state = 'connecting';
  }
  reject() {
    this.state = 'closed';
    this.emit('reject');
  }
  /** As the SDK's: sends nothing, closes the call, emits nothing (its reject() is then a no-op). */
  ignored = false;
  ignore() {
    if (this.state !== 'pending') return;
    this.ignored = true;
    this.state = 'closed';
  }
  disconnect() {
    this.state = 'closed';
    this.emit('disconnect', this);
  }
  /** The SDK's in-band sender; null when it sends digits by signalling instead. */
  dtmfSender: FakeDtmfSender | null = new FakeDtmfSender();
  /** The SDK's media handler: its getOrCreateDTMFSender() is where the driver finds the sender. */
  _mediaHandler = { getOrCreateDTMFSender: () => this.dtmfSender };
  sendDigits(digits: string) {
    this.digits.push(digits);
    this.dtmfSender?.insertDTMF(digits);
  }
  mute(muted: boolean) {
    this.muted = muted;
  }
  isMuted() {
    return this.muted;
  }
}

/** The SDK's AudioHelper as far as the warm-up uses it: the listed inputs and the selected one. */
class FakeAudio {
  availableInputDevices = new Map<string, unknown>([
    ['default', {}],
    ['mic-2', {}],
  ]);
  selected: string | null = null;
  failWith: unknown = null;
  async setInputDevice(id: string) {
    if (this.failWith) throw this.failWith;
    this.selected = id;
  }
}

class FakeDevice extends Emitter {
  static last: FakeDevice;
  static registerError: { code: number; message: string } | null = null;
  call: FakeCall | null = null;
  destroyed = false;
  audio = new FakeAudio();
  constructor(
    public token: string,
    public options: Record<string, unknown>,
  ) {
    super();
    FakeDevice.last = this;
  }
  async register() {
    await Promise.resolve();
    if (FakeDevice.registerError) this.emit('error', FakeDevice.registerError);
    else this.emit('registered');
  }
  async unregister() {
    this.emit('unregistered');
  }
  updateToken(token: string) {
    this.token = token;
  }
  async connect({ params }: { params: Record<string, string> }) {
    const call = new FakeCall();
    call.parameters = { To: params.To };
    call.state = 'connecting';
    this.call = call;
    return call;
  }
  destroy() {
    this.destroyed = true;
  }
}

function record(driver: TwilioDriver) {
  const seen: unknown[][] = [];
  const names: (keyof VendorDriverEvents)[] = [
    'registered',
    'unregistered',
    'error',
    'tokenWillExpire',
    'incoming',
    'callStatus',
    'callAccepted',
    'callDisconnected',
    'callCanceled',
    'callRejected',
    'callError',
    'callTransferred',
  ];
  // Call events end with the call's handle (the SDK's Call); the expectations below are about the rest.
  const withoutHandle = (args: unknown[]) => args.filter((arg) => !(arg instanceof FakeCall));
  for (const name of names)
    driver.events.on(name, (...args: unknown[]) => seen.push([name, ...withoutHandle(args)]));
  return seen;
}

describe('TwilioDriver (on a fake window.Twilio)', () => {
  beforeEach(() => {
    FakeDevice.registerError = null;
    (globalThis as { Twilio?: unknown }).Twilio = { Device: FakeDevice, Call: FakeCall };
  });
  afterEach(() => {
    delete (globalThis as { Twilio?: unknown }).Twilio;
  });

  it('creates the Device with the backend options plus our defaults and registers', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    const seen = record(driver);
    await driver.register({ token: 't1', device: { chunderw: '127.0.0.1:9', publishEvents: false } });
    expect(FakeDevice.last.token).to.equal('t1');
    expect(FakeDevice.last.options).to.deep.include({
      chunderw: '127.0.0.1:9',
      publishEvents: false,
      closeProtection: false,
      logLevel: 'warn',
    });
    expect(FakeDevice.last.options.codecPreferences).to.deep.equal(['opus', 'pcmu']);
    expect(seen).to.deep.equal([['registered']]);
    driver.updateToken('t2');
    expect(FakeDevice.last.token).to.equal('t2');
  });

  it('warmUp() keeps the default microphone selected on the Device (calls then skip getUserMedia)', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    const seen = record(driver);
    await driver.warmUp();
    expect(FakeDevice.last.audio.selected).to.equal('default');
    expect(seen).to.deep.equal([]);
    // A failure is reported, mapped, and never rejects: the next call asks for the microphone as usual.
    FakeDevice.last.audio.selected = null;
    FakeDevice.last.audio.failWith = Object.assign(new Error('denied'), { name: 'NotAllowedError' });
    await driver.warmUp();
    expect(seen.map(([name, error]) => [name, (error as { code: string }).code])).to.deep.equal([
      ['error', 'MEDIA_PERMISSION_DENIED'],
    ]);
    driver.destroy(); // the Device's destroy() stops the selected stream
    expect(FakeDevice.last.destroyed).to.equal(true);
  });

  it('rejects register() with the mapped error and no duplicate error event', async () => {
    FakeDevice.registerError = { code: 20101, message: 'Invalid token' };
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    const seen = record(driver);
    const error = await driver.register({ token: 'bad', device: {} }).then(
      () => null,
      (e: { code: string }) => e,
    );
    expect(error?.code).to.equal('TOKEN_INVALID');
    expect(seen).to.deep.equal([]);
  });

  it('maps an outgoing call: connecting, ringing, accept, remote disconnect', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    const seen = record(driver);
    await driver.connect({ To: '+15551234567' });
    const call = FakeDevice.last.call!;
    call.parameters.CallSid = 'CA1';
    call.emit('ringing');
    call.emit('accept');
    expect(driver.getCallSid(call)).to.equal('CA1');
    driver.sendDigits('12#', call);
    driver.mute(true, call);
    expect(driver.isMuted(call)).to.equal(true);
    call.emit('disconnect');
    call.emit('disconnect');
    expect(call.digits).to.deep.equal(['12#']);
    expect(seen).to.deep.equal([
      ['callStatus', Status.CONNECTING],
      ['callStatus', Status.RINGING],
      ['callAccepted'],
      ['callStatus', Status.OPEN],
      ['callDisconnected', { outcome: 'completed', endedBy: 'remote' }],
    ]);
  });

  it("reports the backend's transfer message on its call only; ignores other messages", async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    const seen = record(driver);
    await driver.connect({ To: '+15551234567' });
    const call = FakeDevice.last.call!;
    call.emit('accept');
    const message = (content: unknown) => ({ content, messageType: 'user-defined-message' });
    call.emit('messageReceived', message({ type: 'something-else', transferredBy: 'Eve' }));
    call.emit('messageReceived', message({ type: 'notify.transferred', transferredBy: 42 }));
    call.emit('messageReceived', message(null));
    call.emit('messageReceived', message({ type: 'notify.transferred', transferredBy: 'Ada' }));
    call.emit('disconnect');
    call.emit('messageReceived', message({ type: 'notify.transferred', transferredBy: 'Late' }));
    expect(seen.filter(([name]) => name === 'callTransferred')).to.deep.equal([['callTransferred', 'Ada']]);
  });

  it("reports the far end's refusal as the call's outcome, not as an error; a local hang-up as local", async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    const seen = record(driver);
    const refusals: [unknown, string][] = [
      // The SDK's default: 31005 with the gateway's error as originalError.
      [{ code: 31005, message: 'Error sent from gateway in HANGUP', originalError: { code: 31486 } }, 'busy'],
      [{ code: 31480, message: 'Temporarily Unavailable' }, 'no-answer'], // enableImprovedSignalingErrorPrecision
      [{ code: 31005, originalError: { code: 31603 } }, 'declined'],
      [{ code: 31005, originalError: { code: 31404 } }, 'failed'],
    ];
    for (const [error, outcome] of refusals) {
      await driver.connect({ To: '+15551234567' });
      const call = FakeDevice.last.call!;
      call.emit('ringing');
      call.emit('error', error);
      call.disconnect();
      expect(seen.at(-1)).to.deep.equal(['callDisconnected', { outcome, endedBy: 'remote' }]);
    }
    expect(seen.map(([name]) => name)).not.to.include('callError');

    await driver.connect({ To: '+15551234567' });
    driver.hangup(FakeDevice.last.call!); // still ringing: given up here
    expect(seen.at(-1)).to.deep.equal(['callDisconnected', { outcome: 'canceled', endedBy: 'local' }]);
    await driver.connect({ To: '+15551234567' });
    FakeDevice.last.call!.emit('accept');
    driver.hangup(FakeDevice.last.call!);
    expect(seen.at(-1)).to.deep.equal(['callDisconnected', { outcome: 'completed', endedBy: 'local' }]);
    // An error after the answer is an error, whatever its code.
    await driver.connect({ To: '+15551234567' });
    FakeDevice.last.call!.emit('accept');
    FakeDevice.last.call!.emit('error', { code: 31005, originalError: { code: 31486 } });
    expect(seen.at(-1)?.[0]).to.equal('callError');
  });

  it('paces DTMF on the sender: a run waits until the sender has played every tone, so none is replaced', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    const seen = record(driver);
    await driver.connect({ To: '+15551234567' });
    const call = FakeDevice.last.call!;
    call.emit('accept');
    const sender = call.dtmfSender!;
    driver.sendDigits('12', call);
    sender.step(); // "1" plays, "2" waits in the buffer
    driver.sendDigits('3', call);
    driver.sendDigits('4', call);
    // Inserting now would replace the "2" still in the buffer (issue 12: "123457890").
    expect(call.digits).to.deep.equal(['12']);
    sender.step(); // "2" plays: the buffer is empty but the sender is not idle yet
    expect(call.digits).to.deep.equal(['12']);
    sender.step(); // idle: the digits typed meanwhile go as one run
    expect(call.digits).to.deep.equal(['12', '34']);
    sender.playOut();
    expect(sender.played).to.equal('1234');

    // "5" is playing: "67" waits for it, and the end of the call drops it, even when the sender then goes idle.
    driver.sendDigits('5', call);
    driver.sendDigits('67', call);
    sender.step();
    call.emit('disconnect');
    sender.playOut();
    expect(call.digits).to.deep.equal(['12', '34', '5']);
    expect(sender.played).to.equal('12345');

    // A new call starts with an empty queue and sends at once.
    await driver.connect({ To: '+15551234567' });
    const next = FakeDevice.last.call!;
    next.emit('accept');
    driver.sendDigits('9', next);
    expect(next.digits).to.deep.equal(['9']);
    expect(seen.filter(([name]) => name === 'callError')).to.deep.equal([]);
  });

  it('paces DTMF: w pauses 500 ms after the digits before it have played, in band or signalled', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    await driver.connect({ To: '+15551234567' });
    const call = FakeDevice.last.call!;
    call.emit('accept');
    const sender = call.dtmfSender!;
    const sentAt: number[] = [];
    const sendDigits = call.sendDigits.bind(call);
    call.sendDigits = (digits: string) => {
      sentAt.push(performance.now());
      sendDigits(digits);
    };
    driver.sendDigits('1w2', call);
    expect(call.digits).to.deep.equal(['1']);
    sender.playOut();
    const idleAt = performance.now();
    await waitUntil(() => call.digits.length === 2, 'the digit after w never reached the SDK', {
      timeout: 5000,
    });
    expect(call.digits).to.deep.equal(['1', '2']);
    // Never earlier (that would shorten the pause); later is only timer lag on a busy machine: no upper bound.
    expect(sentAt[1]! - idleAt).to.be.at.least(495);

    // Signalled (no in-band sender): nothing can be replaced, and the pause still follows the digits' length.
    call.dtmfSender = null;
    sender.playOut();
    driver.sendDigits('34w5', call);
    expect(call.digits).to.deep.equal(['1', '2', '34']);
    await waitUntil(() => call.digits.length === 4, 'the signalled digit after w never went', {
      timeout: 5000,
    });
    expect(call.digits).to.deep.equal(['1', '2', '34', '5']);
    expect(sentAt[3]! - sentAt[2]!).to.be.at.least(2 * 230 + 500 - 5);
  });

  it('reports a digit the SDK refuses as callError and drops the queue', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    const seen = record(driver);
    await driver.connect({ To: '+15551234567' });
    const call = FakeDevice.last.call!;
    call.sendDigits = () => {
      throw new Error('Illegal character passed into sendDigits');
    };
    driver.sendDigits('A1', call);
    expect(seen.map(([name]) => name)).to.include('callError');
  });

  it('maps an incoming call with custom parameters, accept and cancel, and call errors', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    const seen = record(driver);
    const call = new FakeCall();
    call.parameters = { CallSid: 'CA2', From: 'client:s_x', To: 'client:s_me' };
    call.customParameters.set('parentId', 'P1');
    FakeDevice.last.emit('incoming', call);
    await driver.accept(call);
    call.emit('error', { code: 31208, message: 'denied' });
    call.emit('cancel');
    expect(seen[0]).to.deep.equal([
      'incoming',
      { callSid: 'CA2', from: 'client:s_x', to: 'client:s_me', params: { parentId: 'P1' } },
    ]);
    expect(seen[1]).to.deep.equal(['callStatus', Status.CONNECTING]);
    expect(seen[2][0]).to.equal('callError');
    expect((seen[2][1] as { code: string }).code).to.equal('MEDIA_PERMISSION_DENIED');
    expect(seen[3]).to.deep.equal(['callCanceled']);
  });

  it('reports device errors outside registration, mapped', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    const seen = record(driver);
    FakeDevice.last.emit('error', { code: 20104, message: 'expired' });
    expect((seen[0][1] as { code: string }).code).to.equal('TOKEN_EXPIRED');
  });

  it('destroy() while the SDK loads creates no Device (no registered device left behind)', async () => {
    (FakeDevice as { last?: FakeDevice }).last = undefined;
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    const registering = driver.register({ token: 't', device: {} });
    driver.destroy();
    const error = await registering.then(
      () => null,
      (e: { code: string }) => e,
    );
    expect((FakeDevice as { last?: FakeDevice }).last, 'a Device was created after destroy()').to.equal(
      undefined,
    );
    expect(error?.code).to.equal('DESTROYED');
  });

  it('connect() answered by the SDK after destroy() hangs that call up', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    const device = FakeDevice.last;
    const connecting = driver.connect({ To: '+15551234567' });
    driver.destroy();
    await connecting.catch(() => undefined);
    expect(device.call!.status()).to.equal('closed');
  });

  it('passes an invite that comes while connect() is in flight on to the client (call waiting decides), as its own call', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    expect((FakeDevice.last.options as { allowIncomingWhileBusy?: boolean }).allowIncomingWhileBusy).to.equal(
      true,
    );
    const seen = record(driver);
    const connecting = driver.connect({ To: '+15551234567' });
    const incoming = new FakeCall();
    incoming.parameters = { CallSid: 'CA9', From: '+15550009999', To: 'client:s_me' };
    FakeDevice.last.emit('incoming', incoming);
    const outgoing = await connecting;
    expect(incoming.status()).to.equal('pending');
    expect(seen.map((e) => e[0])).to.deep.equal(['incoming', 'callStatus']);
    // Each call's events carry its own handle: the invite's end does not touch the outgoing call.
    const ends: unknown[] = [];
    driver.events.on('callCanceled', (handle) => ends.push(handle));
    incoming.emit('cancel');
    expect(ends).to.deep.equal([incoming]);
    FakeDevice.last.call!.emit('accept');
    expect(seen.at(-1)).to.deep.equal(['callStatus', Status.OPEN]);
    expect(driver.getCallSid(outgoing)).to.equal(FakeDevice.last.call!.parameters.CallSid || undefined);
  });

  it('releaseRinging() lets the ringing invites go without declining them, and leaves a call in progress', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    const seen = record(driver);
    const outgoing = await driver.connect({ To: '+15551234567' });
    const incoming = new FakeCall();
    incoming.parameters = { CallSid: 'CA7', From: '+15550007777', To: 'client:s_me' };
    FakeDevice.last.emit('incoming', incoming);
    let rejected = false;
    incoming.on('reject', () => (rejected = true));
    driver.releaseRinging();
    expect(incoming.ignored).to.equal(true);
    expect(rejected).to.equal(false);
    expect(FakeDevice.last.call!.status()).to.equal('connecting');
    expect(driver.getCallSid(outgoing)).to.equal(FakeDevice.last.call!.parameters.CallSid || undefined);
    // Nothing is told: the page is going away, and the vendor hears nothing from this phone.
    expect(seen.map((e) => e[0])).to.deep.equal(['callStatus', 'incoming']);
  });

  it('addresses calls by handle: connect() resolves to it, every call event carries it, another handle is not acted on', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    await driver.register({ token: 't', device: {} });
    const handles: unknown[] = [];
    driver.events.on('callStatus', (_status, handle) => handles.push(handle));
    driver.events.on('callDisconnected', (handle) => handles.push(handle));
    const handle = await driver.connect({ To: '+15551234567' });
    const call = FakeDevice.last.call!;
    expect(handle).to.equal(call);
    const stranger = new FakeCall();
    driver.mute(true, stranger);
    driver.hangup(stranger);
    expect(call.muted).to.equal(false);
    expect(call.status()).to.equal('connecting');
    driver.hangup(handle);
    expect(call.status()).to.equal('closed');
    expect(handles).to.deep.equal([call, call]);
  });

  it('signaling cuts are no errors: the Device goes unregistered (and is made to register again), a reconnecting call ends as CALL_LOST', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    const seen = record(driver);
    await driver.register({ token: 't1', device: {} });
    const device = FakeDevice.last as FakeDevice & { state: string; _shouldReRegister: boolean };
    device.state = 'unregistered';
    device._shouldReRegister = true;
    device.emit('unregistered');
    // A failed reconnect attempt: its 31005, then the SDK's second `offline` clears the flag.
    device.emit('error', { code: 31005, message: 'A connection error occurred during the call' });
    device._shouldReRegister = false;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(device._shouldReRegister, 'the Device would never register again').to.equal(true);
    expect(seen).to.deep.equal([['registered'], ['unregistered']]);
    // The WebSocket's own `error` event: a 31000 UnknownError around the SDK's ConnectionDisconnected.
    device.emit('error', { code: 31000, originalError: { code: 31000, twilioError: { code: 53001 } } });
    expect(seen).to.deep.equal([['registered'], ['unregistered']]);
    // A 31000 of anything else is still reported.
    device.emit('error', { code: 31000, message: 'something else' });
    expect(seen.at(-1)?.[0]).to.equal('error');
    seen.pop();

    await driver.connect({ To: '+15551234567' });
    const call = device.call!;
    call.emit('reconnecting', { code: 53001 });
    call.emit('error', { code: 31005, message: 'cut' });
    expect(
      seen.filter(([name]) => name === 'callError'),
      'an error while the call recovers',
    ).to.deep.equal([]);
    call.state = 'closed';
    call.emit('error', { code: 31005, message: 'the reconnect was refused' });
    const [[, lost]] = seen.filter(([name]) => name === 'callError') as [[string, { code: string }]];
    expect(lost.code).to.equal('CALL_LOST');
    expect(seen.at(-1)![0]).to.equal('callDisconnected');
  });

  it('media given up during a media reconnect: MEDIA_LOST before the end, once; our own hang-up then is no loss', async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    const seen = record(driver);
    await driver.register({ token: 't1', device: {} });
    await driver.connect({ To: '+15551234567' });
    const call = FakeDevice.last.call!;
    call.emit('reconnecting', { code: 53405 });
    // The SDK ends the call, then emits its error.
    call.state = 'closed';
    call.emit('disconnect', call);
    call.emit('error', { code: 53405, message: 'Media connection failed' });
    const errors = () => seen.filter(([name]) => name === 'callError') as [string, { code: string }][];
    expect(errors().map(([, error]) => error.code)).to.deep.equal(['MEDIA_LOST']);
    expect(seen.slice(-2).map(([name]) => name)).to.deep.equal(['callError', 'callDisconnected']);

    const handle = await driver.connect({ To: '+15551234567' });
    FakeDevice.last.call!.emit('reconnecting', { code: 53001 });
    driver.hangup(handle);
    expect(errors()).to.have.length(1);
  });

  it("hangup(call, 'remote'): a call the far end already ended is released as ended there, with no error", async () => {
    const driver = new TwilioDriver({ autoLoadScriptResources: false });
    const seen = record(driver);
    await driver.register({ token: 't1', device: {} });
    const handle = await driver.connect({ To: '+15551234567' });
    const call = FakeDevice.last.call!;
    call.emit('accept', call);
    call.emit('reconnecting', { code: 53001 });
    driver.hangup(handle, 'remote');
    expect(seen.filter(([name]) => name === 'callError')).to.deep.equal([]);
    expect(seen.at(-1)).to.deep.equal(['callDisconnected', { outcome: 'completed', endedBy: 'remote' }]);
  });

  it('maps 53405 (ICE failed past its restarts) to MEDIA_LOST', () => {
    expect(mapTwilioError({ code: 53405, message: 'Media connection failed' }).code).to.equal('MEDIA_LOST');
  });

  it('maps 31205 (JWT expired) to TOKEN_EXPIRED', () => {
    expect(mapTwilioError({ code: 31205, message: 'JWT token expired' }).code).to.equal('TOKEN_EXPIRED');
  });

  it('drives a NotifyClient end to end through the default factory', async () => {
    const backend = new FakeBackend();
    const client = new NotifyClient({ vendor: 'TwilioDirect', backend });
    const events: string[] = [];
    for (const event of Object.values(STD_EVENTS)) client.addEventListener(event, () => events.push(event));
    client.setCallerId(CALLER_ID);
    client.init();
    await waitUntil(() => events.includes(STD_EVENTS.ONLINE));
    const initIds: unknown[] = [];
    client.addEventListener(STD_EVENTS.CALL_INIT, (_status, callId) => initIds.push(callId));
    client.call({ phoneNumber: '+15551234567' });
    await waitUntil(() => FakeDevice.last.call);
    await tick();
    // The SDK learns a placed call's CallSid from the server's `ringing`: CALL_INIT waits for it (issue 10).
    expect(events).to.not.include(STD_EVENTS.CALL_INIT);
    FakeDevice.last.call!.parameters.CallSid = 'CA7';
    FakeDevice.last.call!.emit('ringing');
    expect(initIds).to.deep.equal(['CA7']);
    FakeDevice.last.call!.emit('accept');
    expect(client.getStatus()).to.equal(Status.OPEN);
    FakeDevice.last.call!.emit('disconnect');
    expect(events.filter((e) => e.startsWith('call_'))).to.deep.equal([
      STD_EVENTS.CALL_INIT,
      STD_EVENTS.CALL_START,
      STD_EVENTS.CALL_DISCONNECT,
    ]);
    client.destroy();
    expect(FakeDevice.last.destroyed).to.equal(true);
  });
});
