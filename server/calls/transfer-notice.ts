import type { FastifyBaseLogger } from 'fastify';
import type { BackendContext } from '../context.js';

/** The `type` of the user-defined message that tells a colleague's browser who transferred its call. */
export const TRANSFERRED_MESSAGE = 'notify.transferred';

/**
 * Tells the consulted colleague's browser that the warm transfer completed and who made it
 * (docs/decisions.md §26): a Voice SDK user-defined message (REST `Calls/{sid}/UserDefinedMessages`) on
 * `legSid`, the leg that browser answered. Twilio delivers it over that SDK's own signaling socket to the
 * `Call` of that CallSid only, so no other session learns of it, and no route of ours is involved. Sent
 * only when the leg is a session's browser leg (`to` is its `client:` identity): a consulted phone has
 * nobody to tell. `transferredBy` is the user's name from the directory, as for a blind transfer. Best
 * effort: the transfer is done whatever happens here; a failure is logged.
 */
export async function noticeTransfer(
  ctx: BackendContext,
  log: FastifyBaseLogger,
  legSid: string,
  transferredBy: string,
): Promise<void> {
  try {
    const leg = await ctx.store.getCall(legSid);
    const session = leg?.session ? await ctx.store.getSession(leg.session) : undefined;
    if (!leg || !session || leg.to !== `client:${session.identity}`) return;
    await ctx
      .twilioRest()
      .calls(legSid)
      .userDefinedMessages.create({ content: JSON.stringify({ type: TRANSFERRED_MESSAGE, transferredBy }) });
  } catch (error) {
    log.warn({ err: error }, 'telling the consulted colleague about the transfer failed');
  }
}
