import type { MediaEnd } from '../media/bridge.js';
import type { PhoneCall } from '../phones/virtual-phone.js';
import { newSid } from '../sids.js';
import { requestTwiml } from '../twiml/fetch.js';
import { TwimlFailure, TwimlRunner, type DialResult, type RedirectSource } from '../twiml/interpreter.js';
import type { DialVerb, Verb } from '../twiml/verbs.js';
import { dial, type DialDeps, type DialingCall } from './dial.js';
import type { CallEvent } from './outgoing-call.js';

export interface IncomingCallDeps extends DialDeps {
  voiceUrl: string;
}

/**
 * A virtual phone calls a Notify number: the parent leg (`inbound`, From the phone, To the number) runs the
 * number's voice URL TwiML, typically `<Dial><Client>` towards the agents' browsers. The phone hanging up
 * ends the call and every child leg.
 */
export class IncomingPstnCall implements DialingCall {
  readonly sid = newSid('CA');
  readonly events: CallEvent[] = [];
  readonly mediaEnd: MediaEnd;
  private readonly runner = new TwimlRunner();
  private readonly phone: PhoneCall;
  private ended = false;

  constructor(
    readonly from: string,
    readonly to: string,
    private readonly deps: IncomingCallDeps,
  ) {
    this.phone = deps.phones.startCall(from, this.sid, undefined, from, true);
    this.mediaEnd = { kind: 'phone', phone: this.phone };
    this.phone.onHangup(() => this.finish());
  }

  get signal(): AbortSignal {
    return this.runner.signal;
  }

  async start(): Promise<void> {
    this.deps.registry.create({
      sid: this.sid,
      from: this.from,
      to: this.to,
      direction: 'inbound',
      status: 'ringing',
    });
    try {
      const verbs = await this.fetchTwiml(this.deps.voiceUrl, 'POST');
      await this.runner.run(this, verbs, this.deps.voiceUrl);
    } catch (error) {
      const failure = error instanceof TwimlFailure ? error : new TwimlFailure(0, String(error));
      this.record('error', { code: failure.code, message: failure.message });
    }
    this.finish();
  }

  fetchTwiml(url: string, method: 'GET' | 'POST', extra: Record<string, string> = {}): Promise<Verb[]> {
    const { account } = this.deps;
    this.record('webhook', { url, method });
    return requestTwiml(account.authToken, url, method, {
      AccountSid: account.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: this.sid,
      CallStatus: this.deps.registry.get(this.sid)?.status ?? 'ringing',
      Called: this.to,
      Caller: this.from,
      Direction: 'inbound',
      From: this.from,
      To: this.to,
      ...extra,
    });
  }

  async answer(): Promise<void> {
    if (this.ended) return;
    this.phone.connected();
    this.deps.registry.setStatus(this.sid, 'in-progress');
  }

  dial(verb: DialVerb): Promise<DialResult> {
    this.record('dial', { callerId: verb.callerId, targets: verb.targets });
    return dial(this, verb, this.deps);
  }

  record(event: string, detail?: Record<string, unknown>): void {
    this.events.push({ at: new Date().toISOString(), event, ...(detail ? { detail } : {}) });
  }

  /** REST update with `Twiml`/`Url`: the current TwiML stops (a bridged leg is hung up) and this runs. */
  redirect(source: RedirectSource): boolean {
    return !this.ended && this.runner.redirect(source);
  }

  /** Ends the call from the emulator's side (shutdown, REST update). */
  terminate(): void {
    this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.runner.stop();
    const answered = this.deps.registry.get(this.sid)?.status === 'in-progress';
    this.phone.end(answered ? 'completed' : 'canceled');
    this.deps.registry.setStatus(this.sid, answered ? 'completed' : 'canceled');
  }
}
