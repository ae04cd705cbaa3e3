import { Status } from './constants.js';

/*
 * Call status (one call at a time; CLOSED doubles as "no call"), held by each NotifyCall's StateMachine
 * (state.ts). Apart from the device's table because no call exists before init(), which loads this module
 * with the calls' code: the first load does without it.
 *
 *   outgoing: closed ─call()─► pending ─► connecting ─► ringing ─► open ⇄ reconnecting
 *   incoming: closed ─incoming─► pending ─pickupCall()─► connecting ─► open ⇄ reconnecting
 *   every non-closed status ─► closed (hangup, remote hangup, cancel, reject, failure)
 *
 * Vendors may skip steps (an answered call can go from connecting straight to open), which the
 * table allows; anything else is a bug in a driver and is logged and ignored.
 */
export const CALL_TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  [Status.CLOSED]: [Status.PENDING],
  [Status.PENDING]: [Status.CONNECTING, Status.RINGING, Status.OPEN, Status.CLOSED],
  [Status.CONNECTING]: [Status.RINGING, Status.OPEN, Status.RECONNECTING, Status.CLOSED],
  [Status.RINGING]: [Status.OPEN, Status.CLOSED],
  [Status.OPEN]: [Status.RECONNECTING, Status.CLOSED],
  [Status.RECONNECTING]: [Status.OPEN, Status.CLOSED],
};
