import type { BackendContext } from './context.js';
import { NotifyError } from './errors.js';
import { isE164, isSysId } from './ids.js';
import {
  CallDirection,
  Vendor,
  isTerminalStatus,
  type CallRecord,
  type CallStatus,
  type ClientSession,
} from './store/store.js';

/**
 * SIP calls in notify_call (issue 15), recorded from what the proxy reports (server/routes/sip-calls.ts), in
 * the shape Twilio's webhooks give them, so that call history, parent ids and busy checks read SIP calls
 * exactly as Twilio's:
 * - the caller's side is the PARENT leg, keyed by the SIP Call-ID: a session's outgoing call (outbound, its
 *   session), or a phone's call to a Notify number (inbound, no session);
 * - every party it was offered to is a CHILD leg keyed `<Call-ID>>` + target (`sipLegId`): each session a
 *   routed call rang (inbound, that session), or the number a session dialled (outbound, the caller's session).
 * A proxy forwards a call under one Call-ID to all its branches, so the Call-ID alone cannot name a branch; a
 * session finds its own leg of a call among the Call-ID's children (`sipLegOfUser`).
 */

const CLIENT_PREFIX = 'client:';

/** The notify_call key of the leg of SIP call `callId` that reached `target` (a session identity or a number). */
export function sipLegId(callId: string, target: string): string {
  return `${callId}>${target}`;
}

/** The user's own leg of SIP call `callId`: the call they placed, or the branch that rang one of their sessions. */
export async function sipLegOfUser(
  ctx: BackendContext,
  callId: string,
  userSysId: string,
): Promise<CallRecord | undefined> {
  const children = await ctx.store.listCalls({ parent: callId });
  return children.find((leg) => leg.user === userSysId && leg.direction === CallDirection.INBOUND);
}

/**
 * A session places a call (the proxy's INVITE report): only a live session whose caller ID is still a SIP
 * number of its user may call, as itself. Records the parent leg, and for a number outside (not a Notify number,
 * not a colleague) the dialled leg, as Twilio's `<Dial><Number>` child.
 */
export async function recordSipCallPlaced(
  ctx: BackendContext,
  report: { callId: string; from: string; to: string },
): Promise<CallRecord> {
  const session = await ctx.store.getSessionByIdentity(report.from);
  if (!session || session.last_seen < ctx.liveSince())
    throw new NotifyError('FORBIDDEN', 'The caller is not a live session.');
  const number = await ctx.store.findNumberForUser(session.number, session.user);
  if (!number || number.vendor !== Vendor.SIP) throw new NotifyError('CALLER_ID_NOT_ALLOWED');
  const colleague = isSysId(report.to);
  if (!colleague && !isE164(report.to))
    throw new NotifyError('INVALID_NUMBER', 'Call a number (E.164) or a colleague (user sys_id).');
  const { call } = await ctx.store.upsertCall({
    call_sid: report.callId,
    parent_call_sid: null,
    session: session.sys_id,
    direction: CallDirection.OUTBOUND,
    from: `${CLIENT_PREFIX}${session.identity}`,
    to: colleague ? `${CLIENT_PREFIX}${report.to}` : report.to,
    status: 'initiated',
  });
  if (!colleague && !(await ctx.store.getNumber(report.to))) {
    await ctx.store.upsertCall({
      call_sid: sipLegId(report.callId, report.to),
      parent_call_sid: report.callId,
      session: session.sys_id,
      direction: CallDirection.OUTBOUND,
      from: session.number,
      to: report.to,
      status: 'initiated',
    });
  }
  return call;
}

/**
 * A routed call is about to ring `sessions` (the routing answer, server/routes/sip-routing.ts): records the
 * caller's leg of a call to a Notify number (a colleague's call has it already, from its INVITE report) and one
 * ringing leg per session. Without anyone to ring the call ends here: the proxy refuses it.
 */
export async function recordSipCallRouted(
  ctx: BackendContext,
  route: { callId: string; caller: string; number?: string; callerSession?: ClientSession; retry?: boolean },
  sessions: ClientSession[],
): Promise<CallRecord> {
  // A session's own call (to a colleague, or to a Notify number) was recorded by its INVITE report: kept as is.
  const placed = await ctx.store.getCall(route.callId);
  const parent =
    placed ??
    (route.callerSession
      ? undefined
      : (
          await ctx.store.upsertCall({
            call_sid: route.callId,
            parent_call_sid: null,
            session: null,
            direction: CallDirection.INBOUND,
            from: route.caller,
            to: route.number ?? '',
            status: 'ringing',
          })
        ).call);
  if (!parent) throw new NotifyError('NOT_FOUND', 'The caller did not report this call.');
  for (const session of sessions) {
    await ctx.store.upsertCall({
      call_sid: sipLegId(route.callId, session.identity),
      parent_call_sid: route.callId,
      session: session.sys_id,
      direction: CallDirection.INBOUND,
      from: parent.from,
      to: `${CLIENT_PREFIX}${session.identity}`,
      status: 'ringing',
    });
  }
  // Asked again for a call a closing tab let go of (§27): the proxy asks once more while nobody is there yet.
  if (!sessions.length && !route.retry) await finish(ctx, parent, 'no-answer');
  return parent;
}

/**
 * The call was answered by `answeredBy` (the SIP user of the branch that answered; optional when the call had
 * one branch). Unknown calls are none of ours (a phone calling a phone): NOT_FOUND, nothing written.
 */
export async function recordSipCallAnswered(
  ctx: BackendContext,
  report: { callId: string; answeredBy?: string },
): Promise<void> {
  const parent = await ctx.store.getCall(report.callId);
  if (!parent) throw new NotifyError('NOT_FOUND', 'No such SIP call.');
  const children = await ctx.store.listCalls({ parent: parent.call_sid });
  const answered = report.answeredBy
    ? children.find((leg) => leg.call_sid === sipLegId(parent.call_sid, report.answeredBy!))
    : children.length === 1
      ? children[0]
      : undefined;
  await setStatus(ctx, parent, 'in-progress');
  if (answered) await setStatus(ctx, answered, 'in-progress');
}

/**
 * The call ended: `code` is the SIP status it ended with (200 once answered, whoever hung up; else the final
 * failure response), `duration` the seconds it was connected. The answered legs complete with it; legs still
 * ringing end as the call did (a branch another session won: canceled).
 */
export async function recordSipCallEnded(
  ctx: BackendContext,
  report: { callId: string; code: number; duration?: number },
): Promise<void> {
  const parent = await ctx.store.getCall(report.callId);
  if (!parent) throw new NotifyError('NOT_FOUND', 'No such SIP call.');
  const answered = report.code >= 200 && report.code < 300;
  const failed = answered ? 'canceled' : statusOfFailure(report.code);
  for (const leg of await ctx.store.listCalls({ parent: parent.call_sid })) {
    if (answered && leg.status === 'in-progress') await finish(ctx, leg, 'completed', report.duration);
    else await finish(ctx, leg, failed, 0);
  }
  await finish(ctx, parent, answered ? 'completed' : failed, answered ? report.duration : 0);
}

/** Twilio's CallStatus for a SIP failure response, as Twilio maps the responses it relays (decisions §16). */
export function statusOfFailure(code: number): CallStatus {
  if (code === 486 || code === 600 || code === 603) return 'busy';
  if (code === 408 || code === 480 || code === 487) return 'no-answer';
  return 'failed';
}

async function setStatus(ctx: BackendContext, leg: CallRecord, status: CallStatus): Promise<void> {
  await ctx.store.upsertCall({
    call_sid: leg.call_sid,
    direction: leg.direction,
    from: leg.from,
    to: leg.to,
    status,
  });
}

async function finish(ctx: BackendContext, leg: CallRecord, status: CallStatus, duration?: number) {
  if (isTerminalStatus(leg.status)) return;
  await ctx.store.upsertCall({
    call_sid: leg.call_sid,
    direction: leg.direction,
    from: leg.from,
    to: leg.to,
    status,
    ...(duration !== undefined && { duration }),
  });
}
