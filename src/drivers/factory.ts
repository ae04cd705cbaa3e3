import { Vendor } from '../client/constants.js';
import { NotifyError } from '../client/errors.js';
import type { DriverContext, VendorDriver } from './driver.js';

/**
 * The default driver factory: chooses the driver by vendor name. The driver is imported on first use:
 * it is only needed with the vendor SDK, which is loaded lazily too, so the bundle's first load is smaller.
 */
export async function createDriver(context: DriverContext): Promise<VendorDriver> {
  switch (context.vendor) {
    case Vendor.TWILIO_DIRECT:
    case Vendor.TWILIO: {
      const { TwilioDriver } = await import('./twilio/twilio-driver.js').catch((error: unknown) => {
        throw new NotifyError('VENDOR_SDK_LOAD_FAILED', undefined, { cause: error });
      });
      return new TwilioDriver({ autoLoadScriptResources: context.autoLoadScriptResources });
    }
    default:
      throw new NotifyError('NO_VENDOR', `No driver for vendor "${String(context.vendor)}".`);
  }
}
