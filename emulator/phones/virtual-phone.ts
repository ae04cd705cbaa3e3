import { AudioMeter } from '../media/audio-meter.js';
import { PHONE_TONE_HZ, ToneFrames } from '../media/g711.js';
import { TonePlayer, type FrameSink } from '../media/tone-player.js';

/** How a virtual phone answers the next calls it receives. */
export const PhoneAnswer = {
  answer: 'answer',
  busy: 'busy',
  noAnswer: 'no-answer',
  reject: 'reject',
} as const;
export type PhoneAnswer = (typeof PhoneAnswer)[keyof typeof PhoneAnswer];
export const isPhoneAnswer = (value: unknown): value is PhoneAnswer =>
  Object.values(PhoneAnswer).includes(value as PhoneAnswer);

export interface PhoneBehaviour {
  answer: PhoneAnswer;
  answerDelayMs: number;
  /** The tone the phone plays into its calls (440 Hz by default); distinct tones tell phones apart. */
  toneHz: number;
}

export const DEFAULT_BEHAVIOUR: PhoneBehaviour = {
  answer: 'answer',
  answerDelayMs: 300,
  toneHz: PHONE_TONE_HZ,
};

/** A busy or rejecting phone still takes a moment, like a network round trip, before it says so. */
const REFUSAL_DELAY_MS = 100;

export type PhoneCallState = 'ringing' | 'in-progress' | 'completed' | 'busy' | 'rejected' | 'canceled';
/** How ringing ended: `unavailable` means there was nobody to ring (e.g. no registered client). */
export type RingOutcome = 'answered' | 'busy' | 'rejected' | 'unavailable';

/** One call as the far-end phone sees it: what it heard (digits, audio) and what it played. */
export class PhoneCall {
  state: PhoneCallState = 'ringing';
  digits = '';
  digitsSentByTwilio = '';
  audioPacketsReceived = 0;
  audioPacketsSent = 0;
  /** What the phone's earpiece heard: level, audible and silent time, tones. */
  readonly audio = new AudioMeter();
  private player: TonePlayer | undefined;
  private ringTimer: NodeJS.Timeout | undefined;
  private hangupListener: (() => void) | undefined;
  private stopRinging: (() => void) | undefined;

  constructor(
    readonly number: string,
    readonly callSid: string,
    readonly parentCallSid: string | undefined,
    readonly from: string,
    /** True when the phone placed the call (it calls a Notify number) rather than being dialled. */
    readonly isCaller = false,
    readonly toneHz = PHONE_TONE_HZ,
  ) {}

  /** Rings with the given behaviour; never settles for `no-answer` (the dialler's timeout ends it). */
  ring(behaviour: PhoneBehaviour): Promise<RingOutcome> {
    return new Promise((resolve) => {
      this.stopRinging = () => resolve('unavailable');
      const settle = (outcome: RingOutcome, state: PhoneCallState, delayMs: number) => {
        this.ringTimer = setTimeout(() => {
          if (this.state !== 'ringing') return;
          this.state = state;
          resolve(outcome);
        }, delayMs);
      };
      if (behaviour.answer === 'answer') settle('answered', 'in-progress', behaviour.answerDelayMs);
      else if (behaviour.answer === 'busy') settle('busy', 'busy', REFUSAL_DELAY_MS);
      else if (behaviour.answer === 'reject') settle('rejected', 'rejected', REFUSAL_DELAY_MS);
    });
  }

  /** Connects the phone's speaker and microphone to a media path: it starts playing its tone. */
  connectAudio(sink: FrameSink): void {
    this.player?.stop();
    this.player = new TonePlayer(sink, () => this.audioPacketsSent++, new ToneFrames(this.toneHz));
    this.player.start();
  }

  disconnectAudio(): void {
    this.player?.stop();
    this.player = undefined;
  }

  /** One PCMU frame reached the phone's earpiece. */
  receiveAudio(payload: Uint8Array): void {
    this.audioPacketsReceived++;
    this.audio.push(payload);
  }

  receiveDigits(digits: string, sentByTwilio = false): void {
    if (sentByTwilio) this.digitsSentByTwilio += digits;
    else this.digits += digits;
  }

  /** Called once when the phone (not Twilio) hangs up a live call. */
  onHangup(listener: () => void): void {
    this.hangupListener = listener;
  }

  /** Twilio answered the call this phone placed (the phone is the caller). */
  connected(): void {
    if (this.state === 'ringing') this.state = 'in-progress';
  }

  /** The person at the phone hangs up (a caller may hang up while it still rings). */
  hangup(): boolean {
    if (this.state !== 'in-progress' && !(this.state === 'ringing' && this.isCaller)) return false;
    this.end('completed');
    this.hangupListener?.();
    return true;
  }

  /** Twilio ends the call: completed when it was live, canceled while ringing. */
  end(state: PhoneCallState = this.state === 'ringing' ? 'canceled' : 'completed'): void {
    clearTimeout(this.ringTimer);
    this.player?.stop();
    const wasRinging = this.state === 'ringing';
    if (this.state === 'ringing' || this.state === 'in-progress') this.state = state;
    if (wasRinging) this.stopRinging?.(); // a dial still waiting on this phone learns nobody will answer
  }

  toJSON() {
    return {
      callSid: this.callSid,
      direction: this.isCaller ? 'outgoing' : 'incoming',
      parentCallSid: this.parentCallSid ?? null,
      state: this.state,
      from: this.from,
      toneHz: this.toneHz,
      digits: this.digits,
      digitsSentByTwilio: this.digitsSentByTwilio,
      audioPacketsReceived: this.audioPacketsReceived,
      audioPacketsSent: this.audioPacketsSent,
      audio: this.audio.reading(),
    };
  }
}

/** Every virtual PSTN phone: its behaviour for the next calls and the calls it has had. */
export class PhoneDirectory {
  private readonly behaviours = new Map<string, PhoneBehaviour>();
  private readonly calls = new Map<string, PhoneCall[]>();

  behaviourOf(number: string): PhoneBehaviour {
    return this.behaviours.get(number) ?? DEFAULT_BEHAVIOUR;
  }

  setBehaviour(number: string, behaviour: Partial<PhoneBehaviour>): PhoneBehaviour {
    const next = { ...this.behaviourOf(number), ...behaviour };
    this.behaviours.set(number, next);
    return next;
  }

  startCall(
    number: string,
    callSid: string,
    parentCallSid: string | undefined,
    from: string,
    isCaller = false,
  ): PhoneCall {
    const call = new PhoneCall(
      number,
      callSid,
      parentCallSid,
      from,
      isCaller,
      this.behaviourOf(number).toneHz,
    );
    this.calls.set(number, [...(this.calls.get(number) ?? []), call]);
    return call;
  }

  callsOf(number: string): PhoneCall[] {
    return this.calls.get(number) ?? [];
  }

  liveCall(number: string): PhoneCall | undefined {
    return this.callsOf(number).find(
      (call) => call.state === 'in-progress' || (call.isCaller && call.state === 'ringing'),
    );
  }

  callBySid(callSid: string): PhoneCall | undefined {
    for (const calls of this.calls.values()) {
      const call = calls.find((c) => c.callSid === callSid);
      if (call) return call;
    }
    return undefined;
  }

  endAll(): void {
    for (const calls of this.calls.values()) for (const call of calls) call.end();
  }
}
