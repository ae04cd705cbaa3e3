import type { TwilioAccount } from '../../scripts/dev-account.js';
import { connectMedia, type MediaEnd } from '../media/bridge.js';
import type { PhoneDirectory, RingOutcome } from '../phones/virtual-phone.js';
import { newSid } from '../sids.js';
import type { DialResult } from '../twiml/interpreter.js';
import type { DialTarget, DialVerb } from '../twiml/verbs.js';
import type { SessionDirectory } from './browser-session.js';
import type { CallRegistry, CallStatus } from './call-registry.js';
import { IncomingClientLeg } from './client-leg.js';
import type { ConferenceDirectory } from './conference.js';
import { PhoneAttempt, type DialAttempt } from './dial-attempt.js';
import { joinConference } from './join-conference.js';
import { watchStatusCallbacks } from './status-callbacks.js';

/** The caller's side of a `<Dial>`: the parent leg it belongs to and its media. */
export interface DialingCall {
  readonly sid: string;
  readonly from: string;
  readonly signal: AbortSignal;
  readonly mediaEnd: MediaEnd;
  answer(): Promise<void>;
  /** Starts the ringback the unanswered caller hears as early media; returns the function that stops it. */
  ringback?(): () => void;
  record(event: string, detail?: Record<string, unknown>): void;
}

export interface DialDeps {
  account: TwilioAccount;
  registry: CallRegistry;
  phones: PhoneDirectory;
  sessions: SessionDirectory;
  /**
   * Bridged child legs by CallSid, each with the function that takes it out of its `<Dial>` without hanging
   * it up (a REST redirect of the child): the Dial then ends as if the far end had left.
   */
  bridges?: Map<string, () => DialAttempt>;
  /** The instance's settings; `parentCallbackDelayMs` delays the child legs' status callbacks. */
  settings?: { readonly parentCallbackDelayMs: number };
  /** The account's conferences, for `<Dial><Conference>`. */
  conferences?: ConferenceDirectory;
}

type RingTarget = Exclude<DialTarget, { kind: 'conference' }>;

type Settled = { attempt: DialAttempt; outcome: RingOutcome | 'no-answer' | 'canceled' };

const never = new Promise<never>(() => undefined);

/** DialCallStatus and child-leg status for a ring that did not end in an answer. */
const UNANSWERED: Record<string, CallStatus & DialResult['status']> = {
  busy: 'busy',
  rejected: 'busy', // a declined call reads as busy, as Twilio reports a rejected SDK invite
  unavailable: 'no-answer',
  'no-answer': 'no-answer',
  canceled: 'canceled',
};

function startAttempt(call: DialingCall, verb: DialVerb, target: RingTarget, deps: DialDeps): DialAttempt {
  const sid = newSid('CA');
  const from = verb.callerId ?? call.from;
  const to = target.kind === 'number' ? target.number : `client:${target.identity}`;
  deps.registry.create({
    sid,
    parentSid: call.sid,
    from,
    to,
    direction: 'outbound-dial',
    status: 'initiated',
  });
  if (target.statusCallback) {
    const settings = deps.settings;
    watchStatusCallbacks(deps.registry, deps.account, sid, target.statusCallback, () =>
      settings ? settings.parentCallbackDelayMs : 0,
    );
  }
  deps.registry.setStatus(sid, 'ringing');
  if (target.kind === 'number') return new PhoneAttempt(deps.phones, target.number, sid, call.sid, from);
  return new IncomingClientLeg(
    { sid, from, to, identity: target.identity, parameters: target.parameters },
    deps.account,
    deps.sessions,
  );
}

/**
 * Runs `<Dial>`: every noun rings at once as its own child leg, the first to answer is bridged with the
 * caller and the others are canceled. Resolves when the bridged call ends or nobody answered in time.
 */
export async function dial(call: DialingCall, verb: DialVerb, deps: DialDeps): Promise<DialResult> {
  const { registry } = deps;
  const conference = verb.targets.find((target) => target.kind === 'conference');
  if (conference) {
    if (deps.conferences) return joinConference(call, conference, deps.conferences);
    call.record('error', { code: 13201, message: 'Dial: conferences are not available here' });
    return { status: 'failed', durationSeconds: 0, bridged: false };
  }
  const targets = verb.targets.filter((target): target is RingTarget => target.kind !== 'conference');
  if (!verb.callerId && call.from.startsWith('client:') && targets.some((t) => t.kind === 'number')) {
    // A client leg dialling a number must present a callerId (Twilio error 13214).
    call.record('error', {
      code: 13214,
      message: 'Dial: a callerId is required when a client dials a number',
    });
    return { status: 'failed', durationSeconds: 0, bridged: false };
  }
  const attempts = targets.map((target) => startAttempt(call, verb, target, deps));
  // An answerOnBridge caller is not answered yet: it hears the ringback as early media, as from Twilio.
  const stopRingback = verb.answerOnBridge ? call.ringback?.() : undefined;
  const signal = call.signal; // this document's signal; a redirect of the call aborts it

  const giveUp = new Promise<'no-answer' | 'canceled'>((resolve) => {
    const timer = setTimeout(() => resolve('no-answer'), verb.timeout * 1000);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve('canceled')), { once: true });
  });
  const outcomes = new Map<DialAttempt, RingOutcome>();
  const rings = attempts.map((attempt) =>
    attempt.ring().then((outcome): Settled => (outcomes.set(attempt, outcome), { attempt, outcome })),
  );
  // The first answer wins; refusals only end the Dial once every attempt has refused.
  const firstAnswer = Promise.race(
    rings.map((ring) => ring.then((s) => (s.outcome === 'answered' ? s : never))),
  );
  const allRefused = Promise.all(rings).then(
    (settled): Settled => settled.find((s) => s.outcome === 'busy') ?? settled[0]!,
  );
  const result: Settled = await Promise.race([
    firstAnswer,
    allRefused,
    giveUp.then((outcome): Settled => ({ attempt: attempts[0]!, outcome })),
  ]);
  stopRingback?.();
  const winner = result.outcome === 'answered' ? result.attempt : undefined;

  for (const attempt of attempts) {
    if (attempt === winner) continue;
    attempt.cancel();
    const own = outcomes.get(attempt);
    registry.setStatus(
      attempt.callSid,
      UNANSWERED[own && own !== 'answered' ? own : result.outcome] ?? 'canceled',
    );
  }
  if (!winner) {
    return {
      status: UNANSWERED[result.outcome] ?? 'failed',
      durationSeconds: 0,
      bridged: false,
      ...(result.outcome === 'rejected' ? { declined: true } : {}),
    };
  }

  registry.setStatus(winner.callSid, 'in-progress');
  if (verb.answerOnBridge) await call.answer();
  const disconnect = connectMedia(call.mediaEnd, winner.mediaEnd, (fromCaller, digits) =>
    call.record('dtmf-relayed', {
      from: fromCaller ? call.sid : winner.callSid,
      to: fromCaller ? winner.callSid : call.sid,
      digits,
    }),
  );
  call.record('bridged', { callSid: winner.callSid });
  const target = targets[attempts.indexOf(winner)];
  if (target?.kind === 'number' && target.sendDigits) winner.playDigits(target.sendDigits);

  const aborted = new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  let redirected = false;
  const released = new Promise<void>((resolve) =>
    deps.bridges?.set(winner.callSid, () => {
      redirected = true;
      resolve();
      return winner;
    }),
  );
  await Promise.race([winner.farEndHangup, aborted, released]);
  deps.bridges?.delete(winner.callSid);
  disconnect();
  if (redirected) {
    call.record('child-redirected', { callSid: winner.callSid });
  } else {
    winner.hangup();
    registry.setStatus(winner.callSid, 'completed');
  }
  return {
    status: 'completed',
    callSid: winner.callSid,
    durationSeconds: registry.durationSeconds(winner.callSid),
    bridged: true,
  };
}
