import { normalizeVendor, sameVendor, type Vendor } from './constants.js';
import { NotifyError } from './errors.js';

/**
 * The vendor the backend found for a caller ID, if compatible with the one configured. Only lazy mode
 * (`setCallerId(number, callback)`) needs it, so it loads with the backend's answer.
 */
export function lazyVendor(
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
