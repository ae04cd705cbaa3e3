import type { StatusCallbackSpec } from '../twiml/verbs.js';
import { newSid } from '../sids.js';
import type { Conference, JoinOptions } from './conference.js';
import { IncomingClientLeg } from './client-leg.js';
import { PhoneAttempt, type DialAttempt } from './dial-attempt.js';
import type { DialDeps } from './dial.js';
import { watchStatusCallbacks } from './status-callbacks.js';

export interface DialOutSpec extends Omit<JoinOptions, 'callSid' | 'mediaEnd'> {
  from: string;
  /** `+E164` (a virtual phone) or `client:identity` (every registered browser of it). */
  to: string;
  /** Seconds to ring (5–600). */
  timeout: number;
  /** Call-progress callbacks of the new leg (`initiated ringing answered completed`). */
  statusCallback?: StatusCallbackSpec;
}

/**
 * REST `Participants` create: a new `outbound-api` leg rings the phone or client and joins the conference
 * when it answers. Unanswered, it ends busy / no-answer / canceled and never joins. Removed from the
 * conference (or the conference ends), it is hung up; hanging up, it leaves. Returns the new CallSid at once.
 */
export function dialIntoConference(conference: Conference, spec: DialOutSpec, deps: DialDeps): string {
  const sid = newSid('CA');
  const { registry } = deps;
  registry.create({ sid, from: spec.from, to: spec.to, direction: 'outbound-api', status: 'initiated' });
  if (spec.statusCallback) watchStatusCallbacks(registry, deps.account, sid, spec.statusCallback);
  registry.setStatus(sid, 'ringing');
  const attempt: DialAttempt = spec.to.startsWith('client:')
    ? new IncomingClientLeg(
        { sid, from: spec.from, to: spec.to, identity: spec.to.slice('client:'.length), parameters: [] },
        deps.account,
        deps.sessions,
      )
    : new PhoneAttempt(deps.phones, spec.to, sid, undefined, spec.from);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'no-answer'>((resolve) => {
    timer = setTimeout(() => resolve('no-answer'), spec.timeout * 1000);
  });
  void Promise.race([attempt.ring(), timedOut]).then((outcome) => {
    clearTimeout(timer);
    if (outcome === 'answered' && conference.status === 'completed') {
      attempt.hangup(); // the conference ended while this leg rang
      registry.setStatus(sid, 'completed');
      return;
    }
    if (outcome !== 'answered') {
      attempt.cancel();
      registry.setStatus(sid, outcome === 'busy' || outcome === 'rejected' ? 'busy' : 'no-answer');
      return;
    }
    registry.setStatus(sid, 'in-progress');
    const participant = conference.join({ ...spec, callSid: sid, mediaEnd: attempt.mediaEnd });
    void attempt.farEndHangup.then(() => conference.leave(sid, 'left'));
    void participant.left.then((reason) => {
      if (reason !== 'left') attempt.hangup();
      registry.setStatus(sid, 'completed');
    });
  });
  return sid;
}
