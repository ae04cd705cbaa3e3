import type { DialVerb, Verb } from './verbs.js';

/** Dial outcome in the terms of the `<Dial action>` request. */
export interface DialResult {
  /** `answered`: a `<Conference>` participant left the conference (Twilio's value for conferences). */
  status: 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';
  callSid?: string;
  durationSeconds: number;
  bridged: boolean;
  /**
   * The far end declined (a phone's reject, a client's `reject()`): DialCallStatus says `busy`, as Twilio
   * reports it, but an answerOnBridge caller is told 603 Decline rather than 486 Busy Here.
   */
  declined?: boolean;
}

/** A TwiML failure Twilio would log in its Debugger (11200 retrieval, 12100 parse, 12200 schema, 13214 …). */
export class TwimlFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** What the interpreter needs from the call it runs on. */
export interface TwimlHost {
  /**
   * Aborted when the current document must stop: the call ended (caller hung up, emulator shut down) or a
   * REST update redirected it. Read once per document.
   */
  readonly signal: AbortSignal;
  /** Requests and parses TwiML for this call; throws {@link TwimlFailure}. */
  fetchTwiml(url: string, method: 'GET' | 'POST', extraParams?: Record<string, string>): Promise<Verb[]>;
  /** Answers the caller's leg (idempotent). */
  answer(): Promise<void>;
  dial(verb: DialVerb): Promise<DialResult>;
  record(event: string, detail?: Record<string, unknown>): void;
}

export type TwimlOutcome =
  | { kind: 'hangup' } // <Hangup/> or the document ran out of verbs
  | { kind: 'reject'; reason: 'rejected' | 'busy' }
  | { kind: 'ended' }; // the call ended while the TwiML ran

/** <Say> is not synthesised; it takes about as long as speaking it would (~15 characters a second). */
const SAY_MS_PER_CHARACTER = 65;
const SAY_MAX_MS = 10_000;
/** <Play> does not fetch its audio, so it cannot know the length: each loop counts as one second. */
const PLAY_MS = 1_000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );

/** Relative URLs in TwiML (statusCallback, action) resolve against the document that contained them. */
function withAbsoluteUrls(verb: DialVerb, baseUrl: string): DialVerb {
  return {
    ...verb,
    targets: verb.targets.map((target) =>
      target.statusCallback
        ? {
            ...target,
            statusCallback: {
              ...target.statusCallback,
              url: new URL(target.statusCallback.url, baseUrl).toString(),
            },
          }
        : target,
    ),
  };
}

/**
 * Runs TwiML documents for one call: verbs top to bottom; `<Redirect>` and a `<Dial action>` replace the
 * document (relative URLs resolve against the current one); running out of verbs hangs up.
 */
export async function runTwiml(
  host: TwimlHost,
  firstDocument: Verb[],
  documentUrl: string,
): Promise<TwimlOutcome> {
  // Captured once: a REST redirect gives the call a new signal for the next document while this one stops.
  const signal = host.signal;
  let verbs = firstDocument;
  let baseUrl = documentUrl;
  let index = 0;
  const load = async (url: string, method: 'GET' | 'POST', extra?: Record<string, string>) => {
    baseUrl = new URL(url, baseUrl).toString();
    verbs = await host.fetchTwiml(baseUrl, method, extra);
    index = 0;
  };
  while (index < verbs.length) {
    if (signal.aborted) return { kind: 'ended' };
    const verb = verbs[index++]!;
    switch (verb.verb) {
      case 'Say':
        await host.answer();
        host.record('say', { text: verb.text, loop: verb.loop });
        await sleep(
          Math.min(SAY_MAX_MS, verb.text.length * SAY_MS_PER_CHARACTER * Math.max(1, verb.loop)),
          signal,
        );
        break;
      case 'Play':
        // The audio is not fetched or played to the caller; each loop takes PLAY_MS, and loop="0" lasts
        // until the call ends (how a hold-music document behaves).
        await host.answer();
        host.record('play', { url: verb.url, loop: verb.loop });
        await (verb.loop === 0 ? untilAborted(signal) : sleep(verb.loop * PLAY_MS, signal));
        break;
      case 'Pause':
        host.record('pause', { length: verb.length });
        await sleep(verb.length * 1000, signal);
        break;
      case 'Hangup':
        await host.answer(); // a <Hangup/> call is answered (and billed) first
        return { kind: 'hangup' };
      case 'Reject':
        return { kind: 'reject', reason: verb.reason };
      case 'Redirect':
        await load(verb.url, verb.method);
        break;
      case 'Dial': {
        if (!verb.answerOnBridge) await host.answer();
        const result = await host.dial(withAbsoluteUrls(verb, baseUrl));
        host.record('dial-ended', { ...result });
        if (signal.aborted) return { kind: 'ended' };
        if (verb.action) {
          await load(verb.action, verb.method, {
            DialCallStatus: result.status,
            ...(result.callSid ? { DialCallSid: result.callSid } : {}),
            DialCallDuration: String(result.durationSeconds),
            DialBridged: String(result.bridged),
          });
        }
        break;
      }
    }
  }
  return signal.aborted ? { kind: 'ended' } : { kind: 'hangup' };
}

/** A REST update's new TwiML for a live call: inline (`Twiml`) or fetched from `Url`. */
export type RedirectSource = { twiml: Verb[] } | { url: string; method: 'GET' | 'POST' };

/**
 * Runs a call's TwiML until the call ends, restarting with new documents when a REST update redirects it:
 * `redirect()` stops the current document (its signal aborts; a `<Dial>` in progress unbridges and hangs up
 * the dialled leg) and the next one runs on the same call.
 */
export class TwimlRunner {
  private current = new AbortController();
  private pending: RedirectSource | undefined;
  private stopped = false;

  get signal(): AbortSignal {
    return this.current.signal;
  }

  /** Runs `first`, then every redirect, until a document ends without one. */
  async run(host: TwimlHost, first: Verb[], firstUrl: string): Promise<TwimlOutcome> {
    let verbs = first;
    let url = firstUrl;
    for (;;) {
      const outcome = await runTwiml(host, verbs, url);
      const next = this.pending;
      this.pending = undefined;
      if (!next || this.stopped) return outcome;
      host.record('redirected', 'url' in next ? { url: next.url } : { twiml: true });
      if ('url' in next) {
        url = new URL(next.url, url).toString();
        verbs = await host.fetchTwiml(url, next.method);
      } else verbs = next.twiml;
    }
  }

  /** False once the call has ended. */
  redirect(source: RedirectSource): boolean {
    if (this.stopped) return false;
    this.pending = source;
    const previous = this.current;
    this.current = new AbortController();
    previous.abort();
    return true;
  }

  /** The call ended: the running document stops and nothing runs after it. */
  stop(): void {
    this.stopped = true;
    this.current.abort();
  }
}
