import type { NotifyCall } from './notify-call.js';

/*
 * Ours (issue 12): the transfer facts the element's call UI shows, kept on the NotifyCall. A module of its own
 * so that the SNC.Notify global (ServiceNow's API, which has no such thing, within its own budget) goes
 * without them: rollup.config.mjs resolves this file to src/legacy/without-desk.ts in that build.
 */

/**
 * Who transferred a call here (a user's name, as the backend says it): the `transferredBy` invite parameter of
 * a blind transfer, or the driver's `callTransferred` when a warm transfer to this call completed.
 */
export function noteTransferredBy(call: NotifyCall, params: Record<string, string>): void {
  call.transferredBy = params.transferredBy;
  if (call.transferredBy) call.events.emit('transferred', call.transferredBy);
}

/** Where a call was transferred (a number or a user sys_id); undefined takes it back (the backend refused). */
export function noteTransferredTo(call: NotifyCall, to: string | undefined): void {
  call.transferredTo = to;
}
