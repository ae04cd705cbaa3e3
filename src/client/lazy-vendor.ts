import type { ClientCore } from './client-core.js';
import { Vendor, normalizeVendor } from './constants.js';
import { NotifyError } from './errors.js';

// Here, not in constants.ts: only lazy vendor mode compares vendors, so the first load does without it.
/** Vendors that share a driver count as the same vendor (TWILIO is an alias of TWILIO_DIRECT). */
function sameVendor(a: Vendor, b: Vendor): boolean {
  const canon = (v: Vendor): Vendor => (v === Vendor.TWILIO ? Vendor.TWILIO_DIRECT : v);
  return canon(a) === canon(b);
}

/**
 * The vendor the backend found for a caller ID, if compatible with the one configured. Only lazy mode
 * (`setCallerId(number, callback)`) needs it, so it loads with the backend's answer.
 */
function lazyVendor(
  found: unknown,
  number: string,
  configured: Vendor | string | undefined,
): Vendor | NotifyError {
  const vendor = normalizeVendor(found);
  const current = normalizeVendor(configured);
  if (!vendor) return new NotifyError('NO_VENDOR', `The number ${number} has no compatible vendor.`);
  if (configured && (!current || !sameVendor(current, vendor))) {
    return new NotifyError('VENDOR_MISMATCH', `${number} belongs to ${vendor}, not ${String(configured)}.`);
  }
  return vendor;
}

/**
 * setCallerId(number, callback) in lazy mode, once the backend answered: the vendor found and the number go
 * to the configuration, or its error is reported (nothing changes). Nothing after destroy().
 */
export function applyLazyVendor(core: ClientCore, found: unknown, number: string): void {
  if (core.destroyed) return;
  const vendor = lazyVendor(found, number, core.config.vendor);
  if (vendor instanceof NotifyError) return core.reportError(vendor);
  core.config.vendor = vendor;
  core.config.callerId = number;
}
