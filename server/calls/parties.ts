import type { FastifyRequest } from 'fastify';
import { currentUser } from '../auth.js';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { CallDirection, isTerminalStatus, type CallRecord, type ClientSession } from '../store/store.js';

/** One of the signed-in user's call legs, with the session it belongs to. */
export interface OwnCall {
  call: CallRecord;
  session: ClientSession;
}

/**
 * The user's own leg `callSid`: 404 NOT_FOUND when nobody's, 403 FORBIDDEN when another user's (a gone
 * session's calls are nobody's), 409 INVALID_STATE when it has ended and `live` is asked.
 */
export async function ownCall(
  ctx: BackendContext,
  request: FastifyRequest,
  callSid: string,
  { live = true } = {},
): Promise<OwnCall> {
  const call = await ctx.store.getCall(callSid);
  if (!call?.session) throw new NotifyError('NOT_FOUND', 'No such call.');
  const session = await ctx.store.getSession(call.session);
  if (!session || session.user !== currentUser(request).sys_id) throw new NotifyError('FORBIDDEN');
  if (live && isTerminalStatus(call.status)) throw new NotifyError('INVALID_STATE', 'The call has ended.');
  return { call, session };
}

/**
 * The other party of a plain bridged call: of a child leg (an incoming `<Dial><Client>` call) its parent; of
 * a parent leg (a call the client placed) its live child, found through the REST API. Undefined when
 * nobody is connected (yet).
 */
export async function otherParty(ctx: BackendContext, call: CallRecord): Promise<string | undefined> {
  // Only a child leg Twilio reported has a parent; a leg the client placed is a parent itself.
  if (call.direction === CallDirection.INBOUND && call.parent_call_sid) return call.parent_call_sid;
  const [child] = await ctx.twilioRest().calls.list({
    parentCallSid: call.call_sid,
    status: 'in-progress',
    limit: 1,
  });
  return child?.sid;
}
