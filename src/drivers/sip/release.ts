import type { RTCSession } from 'jssip/lib/RTCSession.js';

/**
 * What a browser answers an INVITE it lets go of as its tab closes while another tab of the agent takes over
 * (`shareTabs`, docs/decisions.md §27): 480 Temporarily Unavailable, "this phone is not there now", not the
 * agent's 486 Busy Here (the driver's reject()) nor a 6xx decline. The proxy routes a Notify number's call
 * again on a 480 from a browser (scripts/sip/kamailio-config.ts, `failure_route[NOTIFY_RETRY]`), and never on
 * 486 or 603: busy stays busy, a decline stays a decline. Answering, rather than letting the WebSocket close
 * with the INVITE unanswered, tells the proxy at once; unanswered, its transaction would wait for its own
 * timer while the caller hears ringing from nobody.
 */
export const RELEASED = { status_code: 480, reason_phrase: 'Temporarily Unavailable' } as const;

/** The part of the driver's call that releasing reads. */
export interface RingingCall {
  session: RTCSession;
  incoming: boolean;
  open?: boolean;
}

/**
 * Lets go of every incoming call still ringing (not answered): `released(call)` first, so the driver ends it
 * as canceled (the far end sees this phone gone, the page a ring that ended) before the session's own
 * `failed` (which JsSIP reports as a local rejection) comes; then the 480 goes out on the still-open socket.
 */
export function releaseRinging<C extends RingingCall>(calls: Iterable<C>, released: (call: C) => void): void {
  for (const call of [...calls]) {
    if (!call.incoming || call.open || !call.session.isInProgress()) continue;
    released(call);
    call.session.terminate({ ...RELEASED });
  }
}
