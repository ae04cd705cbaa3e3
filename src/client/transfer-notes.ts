import type { NotifyCall } from './notify-call.js';

/*
 * Ours (issue 12): the transfer facts the element's call UI shows, kept on the NotifyCall. A module of its own
 * so that the SNC.Notify global (ServiceNow's API, which has no such thing, within its own budget) goes
 * without them: rollup.config.mjs resolves this file to src/legacy/without-desk.ts in that build.
 */

/** Who transferred an incoming call here: the backend's `transferredBy` invite parameter (a user's name). */
export function noteTransferredBy(call: NotifyCall, params: Record<string, string>): void {
  call.transferredBy = params.transferredBy;
}

/** Where a call was transferred (a number or a user sys_id); undefined takes it back (the backend refused). */
export function noteTransferredTo(call: NotifyCall, to: string | undefined): void {
  call.transferredTo = to;
}
