import type { FastifyPluginAsync } from 'fastify';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { isE164 } from '../ids.js';
import { availableSessionsOfUser, notBusy, sessionsToRing } from '../routing.js';
import { errorResponses } from '../schemas.js';
import { assertSipProxy, readTransferGrant } from '../sip.js';
import { recordSipCallRouted } from '../sip-call-records.js';
import { Vendor } from '../store/store.js';

/**
 * The SIP vendor's routing question (our extension, issue 15): the proxy asks which sessions a call rings, as
 * Twilio asks the voice webhook for TwiML, and forks the INVITE to them (ring all, the first to answer wins,
 * the proxy CANCELs the others: their clients fire CALL_CANCEL). The same rules as Twilio's
 * (server/routing.ts): a call to a Notify number rings one available, not busy session per user of the
 * number's group, at most ten; a session's call to a colleague's user sys_id (`call({userId})`) rings that
 * colleague's available sessions. Only the proxy may ask: it proves it holds the shared secret with a token
 * derived from it.
 *
 * The answer is plain text for the proxy's script: `<Notify number>|<caller's user sys_id or empty>|<parent
 * id>|<SIP user to ring>|…`; the first three go to the browsers as X-Notify-Number, X-Notify-Sys-Id and
 * X-Notify-Parent-Id (Twilio's `<Parameter>`s notifyNumber, sysId and parentId). Asking records the call
 * (server/sip-call-records.ts): the caller's leg and one ringing leg per session named.
 */
export const sipRoutingRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  app.get<{ Querystring: { to: string; from?: string; callId: string; grant?: string; retry?: boolean } }>(
    '/sip/route',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['to', 'callId'],
          additionalProperties: false,
          properties: {
            to: {
              type: 'string',
              minLength: 1,
              maxLength: 32,
              description: 'A Notify number or a user sys_id',
            },
            from: { type: 'string', maxLength: 128 },
            callId: { type: 'string', minLength: 1, maxLength: 256 },
            grant: {
              type: 'string',
              maxLength: 200,
              description: "A transfer grant (the Refer-To's notify-grant parameter, server/sip.ts)",
            },
            retry: {
              type: 'boolean',
              description:
                'The proxy asks again for a call a closing tab let go of (docs/decisions.md §27): naming nobody then does not end the call in the records, as the proxy asks again.',
            },
          },
        },
        response: {
          200: {
            type: 'string',
            description:
              "The sessions' SIP users to fork to, separated by '|' (plain text, for the proxy's script).",
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const sip = assertSipProxy(ctx.sip, request.headers.authorization);
      reply.type('text/plain; charset=utf-8');
      const { to, from, callId, grant, retry } = request.query;
      if (!isE164(to) && grant) return transferRoute(ctx, sip.secret, { to, grant, callId, from });
      if (!isE164(to)) {
        // A colleague's user sys_id, called from one of our live sessions (its INVITE report recorded the call).
        const caller = from ? await ctx.store.getSessionByIdentity(from) : undefined;
        if (!caller || caller.last_seen < ctx.liveSince())
          throw new NotifyError('NOT_FOUND', 'Not a live session.');
        // Only the colleague's SIP sessions: a Twilio tab has no SIP user for the proxy to ring (its INVITE would
        // find nobody, and the ringing leg recorded for it would keep that tab busy).
        const colleagues = await availableSessionsOfUser(ctx.store, caller.user, to, ctx.liveSince());
        const callees = await notBusy(
          ctx,
          colleagues.filter((session) => session.vendor === Vendor.SIP),
        );
        const parent = await recordSipCallRouted(
          ctx,
          { callId, caller: from ?? '', callerSession: caller },
          callees,
        );
        return [
          caller.number,
          caller.user,
          parent.sys_id,
          ...callees.map((session) => session.identity),
        ].join('|');
      }
      const number = await ctx.store.getNumber(to);
      if (!number || number.vendor !== Vendor.SIP)
        throw new NotifyError('NOT_FOUND', 'Not a SIP Notify number.');
      const ringable = await sessionsToRing(ctx.store, number.number, callId, ctx.liveSince());
      let sessions = await notBusy(ctx, ringable);
      if (retry) {
        // Asked again (§27): a session named in an earlier round is "busy" with this very call's ringing leg.
        const ringing = await ctx.store.listCalls({ parent: callId });
        const ours = new Set(ringing.filter((leg) => leg.status === 'ringing').map((leg) => leg.session));
        sessions = ringable.filter((session) => sessions.includes(session) || ours.has(session.sys_id));
      }
      const parent = await recordSipCallRouted(
        ctx,
        { callId, caller: from ?? '', number: number.number, retry },
        sessions,
      );
      return [number.number, '', parent.sys_id, ...sessions.map((session) => session.identity)].join('|');
    },
  );
};

/**
 * The far end's call after a transfer to a colleague (REFER, server/routes/sip-transfer.ts): the grant names
 * the user who transferred; it rings the colleague's available SIP sessions as a call on that user's Notify
 * number, from the far end (no caller's user sys_id: it is not a call between colleagues).
 */
async function transferRoute(
  ctx: BackendContext,
  secret: string,
  { to, grant, callId, from: caller }: { to: string; grant: string; callId: string; from?: string },
): Promise<string> {
  const user = readTransferGrant(secret, grant, to);
  const live = ctx.liveSince();
  const from =
    user && (await ctx.store.listSessions({ user, liveSince: live })).find((s) => s.vendor === Vendor.SIP);
  if (!user || !from) throw new NotifyError('FORBIDDEN', 'No valid transfer grant.');
  const callees = (await notBusy(ctx, await availableSessionsOfUser(ctx.store, user, to, live))).filter(
    (session) => session.vendor === Vendor.SIP,
  );
  // Recorded like any call to the Notify number: the far end's new leg, one ringing leg per colleague's session.
  const parent = await recordSipCallRouted(
    ctx,
    { callId, caller: caller ?? '', number: from.number },
    callees,
  );
  return [from.number, '', parent.sys_id, ...callees.map((session) => session.identity)].join('|');
}
