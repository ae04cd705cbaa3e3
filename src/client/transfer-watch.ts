import type { CallHandle, VendorDriverEvents } from '../drivers/driver.js';
import type { TypedEmitter } from './emitter.js';
import type { NotifyCall } from './notify-call.js';

/*
 * Ours (issue 12, docs/decisions.md §26): a colleague completed a warm transfer to one of our calls. Loaded with
 * the calls' code only (never in the first load), and resolved to a no-op in the SNC.Notify global
 * (rollup.config.mjs, src/legacy/without-desk.ts), whose calls have no such fields.
 */

/**
 * Listens to the driver's `callTransferred`: the call of that handle (`callOf`; undefined for a handle no longer
 * ours) gets `transferredBy` and emits `transferred`, then `changed()` (the page and the other tabs see it).
 * Returns the unsubscribe.
 */
export function watchTransfers(
  events: TypedEmitter<VendorDriverEvents>,
  callOf: (handle: CallHandle) => NotifyCall | undefined,
  changed: () => void,
): () => void {
  return events.on('callTransferred', (transferredBy, handle) => {
    const call = callOf(handle);
    if (!call) return;
    call.transferredBy = transferredBy;
    call.events.emit('transferred', transferredBy);
    changed();
  });
}
