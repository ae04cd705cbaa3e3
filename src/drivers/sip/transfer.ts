import type { RTCSession } from 'jssip/lib/RTCSession.js';
import type { NotifyError, NotifyErrorCode } from '../../client/errors.js';

/** How long a transfer waits for the far end's report (NOTIFY) of its new call. */
const TRANSFER_TIMEOUT_MS = 30_000;

/** A call as transfers see it: its JsSIP session, which a transfer to us replaces. */
export interface TransferableCall {
  session: RTCSession;
  /** The far end asked to replace this call's dialog (INVITE with Replaces): its new session takes over. */
  replacing?: boolean;
}

export interface SipTransferHooks<Call extends TransferableCall> {
  /** `session` is `call`'s from now on: the driver reports its events as the call's. */
  adopt(call: Call, session: RTCSession): void;
  /** Ends one of our calls (the transfer is done). */
  hangup(call: Call): void;
  error(code: NotifyErrorCode, message?: string): NotifyError;
  /** The media options of every session the driver answers or places. */
  media: object;
}

/**
 * SIP transfers in the signaling path (docs/decisions.md §25): REFER (RFC 3515) and REFER with Replaces
 * (RFC 3891) out, and the two ways the far end moves a call of ours: a REFER we follow, an INVITE with Replaces
 * we answer. In both, the new session carries on as the same call.
 */
export class SipTransfers<Call extends TransferableCall> {
  readonly #hooks: SipTransferHooks<Call>;

  constructor(hooks: SipTransferHooks<Call>) {
    this.#hooks = hooks;
  }

  /**
   * REFER of `call` to `target`; with `consult`, REFER with Replaces of that call's dialog: the far end calls
   * the consulted party, who drops the consultation for the new call. A blind transfer is done at the far end's
   * first NOTIFY that is not a failure (RFC 5589: 100 Trying), an attended one once the new call is answered;
   * then our calls hang up. A failure leaves both calls as they were.
   */
  refer(call: Call, target: string, consult?: Call): Promise<void> {
    const hooks = this.#hooks;
    return new Promise<void>((resolve, reject) => {
      let taken = false;
      const timer = setTimeout(() => fail('no answer from the far end'), TRANSFER_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        call.session.off('ended', left);
        for (const ended of [consult, call]) if (ended) hooks.hangup(ended);
        resolve();
      };
      const fail = (why: string) => {
        clearTimeout(timer);
        call.session.off('ended', left);
        reject(hooks.error('CALL_FAILED', `The SIP transfer failed: ${why}.`));
      };
      // The far end may hang up on us as soon as its new call stands (RFC 5589), before or instead of NOTIFY.
      const left = () => (taken ? done() : fail('the call ended'));
      call.session.on('ended', left);
      const sent = call.session.refer(target, {
        ...(consult && { replaces: consult.session }),
        eventHandlers: {
          requestSucceeded: () => {
            taken = true;
          },
          trying: () => !consult && done(),
          progress: () => !consult && done(),
          requestFailed: (event: { cause?: string }) => fail(`REFER refused (${event.cause ?? ''})`),
          accepted: () => done(),
          failed: (event: { status_line?: { status_code?: number } }) =>
            fail(`the new call failed (${event.status_line?.status_code ?? ''})`),
        },
      } as never) as unknown;
      if (sent === false) fail('the call cannot send a REFER now');
    });
  }

  /** Lets the far end move `call` while `session` is its session (`current()`): by REFER or by Replaces. */
  follow(call: Call, session: RTCSession, current: () => boolean): void {
    session.on('replaces', (event) => {
      if (!current()) return;
      call.replacing = true;
      event.accept();
    });
    // Transferred by the far end (a colleague forwarded us, REFER): our call to the target goes on as this call.
    session.on('refer', (event) => {
      if (!current()) return;
      event.accept((next: RTCSession) => this.#hooks.adopt(call, next), { ...this.#hooks.media });
    });
  }

  /**
   * An attended transfer to us: the far end's INVITE with Replaces takes over `call`, answered at once (the
   * user already talks on that call); the old session, which JsSIP ends once the new one is confirmed, no longer
   * speaks for the call.
   */
  replace(call: Call, session: RTCSession): void {
    call.replacing = false;
    this.#hooks.adopt(call, session);
    session.answer({ ...this.#hooks.media });
  }
}
