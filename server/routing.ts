import type twilio from 'twilio';
import type { BackendContext } from './context.js';
import { ringKey } from './ids.js';
import type { ClientSession, NotifyStore } from './store/store.js';

/**
 * Who rings where: the sessions an incoming call to a Notify number rings (PSTN calls), the available
 * sessions of a user (browser-to-browser calls and forwarding), and the `<Dial><Client>` TwiML that rings
 * them all at once. The store answers indexed queries; the rules are here.
 */

/** Twilio rings at most ten `<Client>` nouns of one `<Dial>`: an incoming call rings at most ten users. */
export const MAX_DIAL_TARGETS = 10;

/** Seconds a `<Dial>` rings before giving up (Twilio's default). */
export const RING_TIMEOUT_SECONDS = 30;

/**
 * Who an incoming call to `number` rings: ONE session per user (however many tabs a user keeps open, they
 * ring once, and one user can never fill the ten places), at most `MAX_DIAL_TARGETS` users, among the
 * available live sessions of members of the number's group (`NotifyStore.listRingableSessions`).
 *
 * Fair order: users sit on a ring ordered by `ringKey(user sys_id)` (a hash: evenly spread, whatever the
 * sys_ids look like); each call starts at the point `ringKey(CallSid)` and takes the next users clockwise,
 * wrapping around. CallSids are Twilio's and unpredictable, so a group larger than ten gets a different
 * window on every call (no user is always first or always left out), while the same call (a retried
 * webhook) rings the same people. At most two indexed queries, whatever the number of sessions.
 */
export async function sessionsToRing(
  store: Pick<NotifyStore, 'listRingableSessions'>,
  number: string,
  callSid: string,
  liveSince: string,
): Promise<ClientSession[]> {
  const start = ringKey(callSid);
  const clockwise = await store.listRingableSessions(number, {
    liveSince,
    after: start,
    limit: MAX_DIAL_TARGETS,
  });
  if (clockwise.length >= MAX_DIAL_TARGETS) return clockwise.slice(0, MAX_DIAL_TARGETS);
  // Wrapped around: from the start of the ring; users already taken (a ring smaller than ten) come again.
  const wrapped = await store.listRingableSessions(number, {
    liveSince,
    limit: MAX_DIAL_TARGETS - clockwise.length,
  });
  return onePerUser([...clockwise, ...wrapped]).slice(0, MAX_DIAL_TARGETS);
}

/** The first session of each user, in order. */
export function onePerUser(sessions: ClientSession[]): ClientSession[] {
  const seen = new Set<string>();
  return sessions.filter((session) => !seen.has(session.user) && seen.add(session.user));
}

/**
 * Live available sessions of `targetUser` that `callerUser` may ring: only a colleague (a user sharing one of
 * the caller's groups), never the caller. Empty when the user is unknown, offline or not a colleague.
 */
export async function availableSessionsOfUser(
  store: NotifyStore,
  callerUser: string,
  targetUser: string,
  liveSince: string,
): Promise<ClientSession[]> {
  if (targetUser === callerUser) return [];
  // One indexed probe, not the (paged) list of every available colleague.
  if (!(await store.sharesGroup(callerUser, targetUser))) return [];
  const sessions = await store.listSessions({ user: targetUser, liveSince });
  return sessions.filter((s) => s.available).slice(0, MAX_DIAL_TARGETS);
}

/** How far back a live leg makes its session busy: older legs lost their final callback, not a live call. */
const BUSY_WINDOW_MS = 12 * 60 * 60 * 1000;

/**
 * Without the sessions on a call that take no second one (`notifyConfig.callWaiting` 'busy', the default):
 * a call goes to the agents who are free, and rings nobody when nobody is (the caller hears why).
 */
export async function notBusy(ctx: BackendContext, sessions: ClientSession[]): Promise<ClientSession[]> {
  if (!sessions.length) return sessions;
  const since = new Date(Date.now() - BUSY_WINDOW_MS).toISOString();
  const busy = new Set(
    await ctx.store.busySessions(
      sessions.map((s) => s.sys_id),
      since,
    ),
  );
  return sessions.filter((session) => !busy.has(session.sys_id));
}

/**
 * Appends `<Dial><Client>…</Client>…</Dial>` ringing every session; `parameters` reach each SDK as the
 * call's custom parameters. Each child leg reports its status to `/twilio/status`, which records it in
 * notify_call with the callee's session and its parent, so that `GET /calls/:sid/parent` can answer.
 */
export function dialClients(
  ctx: BackendContext,
  twiml: twilio.twiml.VoiceResponse,
  sessions: ClientSession[],
  parameters: Record<string, string>,
  dialAttributes: { action?: string; callerId?: string; answerOnBridge?: boolean } = {},
): void {
  const dial = twiml.dial({ timeout: RING_TIMEOUT_SECONDS, ...dialAttributes });
  for (const session of sessions) {
    const client = dial.client({
      statusCallback: ctx.publicUrlFor('/twilio/status'),
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      statusCallbackMethod: 'POST',
    });
    client.identity(session.identity);
    for (const [name, value] of Object.entries(parameters)) client.parameter({ name, value });
  }
}
