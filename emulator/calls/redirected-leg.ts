import type { MediaEnd } from '../media/bridge.js';
import { requestTwiml } from '../twiml/fetch.js';
import { TwimlFailure, TwimlRunner, type DialResult, type RedirectSource } from '../twiml/interpreter.js';
import type { DialVerb, Verb } from '../twiml/verbs.js';
import type { CallLeg } from './call-registry.js';
import type { DialAttempt } from './dial-attempt.js';
import { dial, type DialDeps, type DialingCall } from './dial.js';
import type { CallEvent } from './outgoing-call.js';

/**
 * A `<Dial>` child leg taken out of its bridge by a REST update (`Twiml`/`Url`): it runs TwiML of its own,
 * as Twilio lets any live leg be redirected. Its parent's `<Dial>` ended when it was taken; when this TwiML
 * ends (or the far end hangs up) the leg is hung up and completed.
 */
export class RedirectedLeg implements DialingCall {
  readonly events: CallEvent[] = [];
  private readonly runner = new TwimlRunner();
  private ended = false;

  constructor(
    private readonly leg: Readonly<CallLeg>,
    private readonly attempt: DialAttempt,
    private readonly deps: DialDeps,
  ) {
    void attempt.farEndHangup.then(() => this.finish(false));
  }

  get sid(): string {
    return this.leg.sid;
  }

  /** A redirected leg dials out as what it is connected to: the number or client it was dialled as. */
  get from(): string {
    return this.leg.to;
  }

  get signal(): AbortSignal {
    return this.runner.signal;
  }

  get mediaEnd(): MediaEnd {
    return this.attempt.mediaEnd;
  }

  async start(source: RedirectSource, baseUrl: string): Promise<void> {
    try {
      const verbs = 'url' in source ? await this.fetchTwiml(source.url, source.method) : source.twiml;
      await this.runner.run(this, verbs, 'url' in source ? source.url : baseUrl);
    } catch (error) {
      const failure = error instanceof TwimlFailure ? error : new TwimlFailure(0, String(error));
      this.record('error', { code: failure.code, message: failure.message });
    }
    this.finish(true);
  }

  fetchTwiml(url: string, method: 'GET' | 'POST', extra: Record<string, string> = {}): Promise<Verb[]> {
    const { account } = this.deps;
    this.record('webhook', { url, method });
    return requestTwiml(account.authToken, url, method, {
      AccountSid: account.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: this.leg.sid,
      ...(this.leg.parentSid ? { ParentCallSid: this.leg.parentSid } : {}),
      CallStatus: this.deps.registry.get(this.leg.sid)?.status ?? 'in-progress',
      Direction: this.leg.direction,
      From: this.leg.from,
      To: this.leg.to,
      ...extra,
    });
  }

  async answer(): Promise<void> {
    // Already answered: only live legs can be redirected.
  }

  dial(verb: DialVerb): Promise<DialResult> {
    this.record('dial', { callerId: verb.callerId, targets: verb.targets });
    return dial(this, verb, this.deps);
  }

  record(event: string, detail?: Record<string, unknown>): void {
    this.events.push({ at: new Date().toISOString(), event, ...(detail ? { detail } : {}) });
  }

  redirect(source: RedirectSource): boolean {
    return !this.ended && this.runner.redirect(source);
  }

  terminate(): void {
    this.finish(true);
  }

  private finish(hangUpFarEnd: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.runner.stop();
    if (hangUpFarEnd) this.attempt.hangup();
    this.deps.registry.setStatus(this.leg.sid, 'completed');
  }
}
