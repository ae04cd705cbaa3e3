import { Vendor } from '../client/constants.js';
import { TypedEmitter } from '../client/emitter.js';
import { NotifyError } from '../client/errors.js';
import type { DriverContext, VendorDriver } from './driver.js';

/**
 * The default driver factory: chooses the driver by vendor name. The driver is imported on first use:
 * it is only needed with the vendor SDK, which is loaded lazily too, so the bundle's first load is smaller.
 * The SIP driver is one file with its SIP stack (`sip-driver.js` next to the bundles, issue 15) and gets
 * the client's emitter and error class from here.
 */
export async function createDriver({
  vendor,
  autoLoadScriptResources,
}: DriverContext): Promise<VendorDriver> {
  // Every vendor has a driver: SIP its own, TWILIO_DIRECT and its alias TWILIO the Twilio one.
  if (!Object.values(Vendor).includes(vendor))
    throw new NotifyError('NO_VENDOR', `No driver for vendor "${String(vendor)}".`);
  try {
    return vendor === Vendor.SIP
      ? new (await import('./sip/sip-driver.js')).SipDriver(NotifyError, TypedEmitter)
      : new (await import('./twilio/twilio-driver.js')).TwilioDriver({ autoLoadScriptResources });
  } catch (error) {
    throw new NotifyError('VENDOR_SDK_LOAD_FAILED', undefined, { cause: error });
  }
}
