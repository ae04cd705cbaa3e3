import type twilio from 'twilio';
import type { BackendContext } from './context.js';
import type { ClientSession, NotifyStore } from './store/store.js';

/**
 * Who rings where: the available client sessions of a Notify number (incoming PSTN calls) or of a user
 * (browser-to-browser calls and forwarding), and the `<Dial><Client>` TwiML that rings them all at once.
 * Twilio rings at most ten `<Client>` nouns of one `<Dial>`; the oldest sessions win.
 */
export const MAX_DIAL_TARGETS = 10;

/** Seconds a `<Dial>` rings before giving up (Twilio's default). */
export const RING_TIMEOUT_SECONDS = 30;

/**
 * Live (`last_seen` at or after `liveSince`: expired sessions of vanished clients never ring) available
 * sessions registered on `number` whose user may still use it (a member of the number's group:
 * a user who lost the number keeps their session row until it ends, but no longer gets its calls), oldest
 * first.
 */
export async function availableSessionsOfNumber(
  store: NotifyStore,
  number: string,
  liveSince: string,
): Promise<ClientSession[]> {
  const sessions = (await store.listSessions({ liveSince })).filter(
    (s) => s.number === number && s.available,
  );
  const allowed: ClientSession[] = [];
  const mayUse = new Map<string, boolean>();
  for (const session of sessions) {
    if (allowed.length >= MAX_DIAL_TARGETS) break;
    let ok = mayUse.get(session.user);
    if (ok === undefined) {
      ok = (await store.findNumberForUser(number, session.user)) !== undefined;
      mayUse.set(session.user, ok);
    }
    if (ok) allowed.push(session);
  }
  return allowed;
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
