import { Vendor } from '../client/constants.js';
import { NotifyError } from '../client/errors.js';
import type { DriverContext, VendorDriver } from './driver.js';
import { TwilioDriver } from './twilio/twilio-driver.js';

/** The default driver factory: chooses the driver by vendor name. */
export function createDriver(context: DriverContext): VendorDriver {
  switch (context.vendor) {
    case Vendor.TWILIO_DIRECT:
    case Vendor.TWILIO:
      return new TwilioDriver({ autoLoadScriptResources: context.autoLoadScriptResources });
    default:
      throw new NotifyError('NO_VENDOR', `No driver for vendor "${String(context.vendor)}".`);
  }
}
