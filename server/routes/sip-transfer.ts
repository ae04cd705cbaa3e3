import type { FastifyPluginAsync } from 'fastify';
import { currentUser, requireUser } from '../auth.js';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { isE164, isSysId } from '../ids.js';
import { availableSessionsOfUser, notBusy } from '../routing.js';
import { errorResponses, targetBody } from '../schemas.js';
import { mintTransferGrant } from '../sip.js';
import { Vendor } from '../store/store.js';

/** A SIP Call-ID (any visible characters, RFC 3261 `word`s), not only Twilio's CallSids. */
const sipCallParams = {
  type: 'object',
  required: ['callSid'],
  properties: { callSid: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[!-~]+$' } },
} as const;

interface ReferBody {
  type: 'number' | 'userId';
  id: string;
}

/**
 * Transfers on the SIP vendor (our extension, issue 15): the browser transfers in the signaling path, a REFER
 * (with Replaces for an attended transfer) that the far end follows with a call of its own. Before it sends one,
 * the client asks here where to send the far end, and the backend decides as it does for Twilio's forward:
 * only a user with a live SIP session may ask, only for a call of theirs (when the call is on record), and a
 * colleague must be reachable now (an available SIP session, not busy). A colleague's address carries a
 * short-lived grant (server/sip.ts) without which the proxy's routing question (`GET /sip/route`) rings nobody
 * for a call from outside; a number is the proxy's to route, as for the phone's own calls.
 */
export const sipTransferRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  app.post<{ Params: { callSid: string }; Body: ReferBody }>(
    '/calls/:callSid/refer',
    {
      preHandler: requireUser(ctx),
      schema: {
        params: sipCallParams,
        body: targetBody,
        response: {
          200: {
            type: 'object',
            required: ['referTo'],
            properties: { referTo: { type: 'string', description: 'The Refer-To SIP URI.' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const { type, id } = request.body;
      // A call on record must be the user's own (a REFER can only be sent inside one's own call anyway).
      const call = await ctx.store.getCall(request.params.callSid);
      if (call?.session && (await ctx.store.getSession(call.session))?.user !== user.sys_id) {
        throw new NotifyError('FORBIDDEN');
      }
      const sip = ctx.sip;
      const sessions = await ctx.store.listSessions({ user: user.sys_id, liveSince: ctx.liveSince() });
      if (!sip || !sessions.some((session) => session.vendor === Vendor.SIP)) {
        throw new NotifyError('INVALID_STATE', 'Only a call of a live SIP session is transferred this way.');
      }
      if (type === 'number') {
        if (!isE164(id)) throw new NotifyError('INVALID_NUMBER');
        return { referTo: `sip:${id}@${sip.domain}` };
      }
      if (!isSysId(id)) throw new NotifyError('VALIDATION_FAILED', 'id must be a user sys_id.');
      const callees = (
        await notBusy(ctx, await availableSessionsOfUser(ctx.store, user.sys_id, id, ctx.liveSince()))
      ).filter((session) => session.vendor === Vendor.SIP);
      if (!callees.length) throw new NotifyError('BAD_REQUEST', 'That user has no available client.');
      const grant = mintTransferGrant(sip.secret, user.sys_id, id);
      return { referTo: `sip:${id}@${sip.domain};notify-grant=${grant}` };
    },
  );
};
