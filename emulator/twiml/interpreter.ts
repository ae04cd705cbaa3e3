import type { DialVerb, Verb } from './verbs.js';

/** Dial outcome in the terms of the `<Dial action>` request. */
export interface DialResult {
  status: 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
  callSid?: string;
  durationSeconds: number;
  bridged: boolean;
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
  /** Aborted when the call ends for another reason (caller hung up, emulator shut down). */
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

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

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
  let verbs = firstDocument;
  let baseUrl = documentUrl;
  let index = 0;
  const load = async (url: string, method: 'GET' | 'POST', extra?: Record<string, string>) => {
    baseUrl = new URL(url, baseUrl).toString();
    verbs = await host.fetchTwiml(baseUrl, method, extra);
    index = 0;
  };
  while (index < verbs.length) {
    if (host.signal.aborted) return { kind: 'ended' };
    const verb = verbs[index++]!;
    switch (verb.verb) {
      case 'Say':
        await host.answer();
        host.record('say', { text: verb.text, loop: verb.loop });
        await sleep(
          Math.min(SAY_MAX_MS, verb.text.length * SAY_MS_PER_CHARACTER * Math.max(1, verb.loop)),
          host.signal,
        );
        break;
      case 'Pause':
        host.record('pause', { length: verb.length });
        await sleep(verb.length * 1000, host.signal);
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
        if (host.signal.aborted) return { kind: 'ended' };
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
  return host.signal.aborted ? { kind: 'ended' } : { kind: 'hangup' };
}
