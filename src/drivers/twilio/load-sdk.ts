import { NotifyError } from '../../client/errors.js';
import type * as TwilioSdk from './sdk.js';

/** The part of the Twilio SDK the driver uses. */
export type TwilioSdkModule = Pick<typeof TwilioSdk, 'Device' | 'Call'>;

let pending: Promise<TwilioSdkModule> | null = null;

/**
 * Loads the Twilio Voice SDK.
 * - `autoLoadScriptResources` true: imports the separate chunk (`./twilio-voice-sdk.js` next to the
 *   bundle; the build rewrites this import), once.
 * - false: uses the page's `window.Twilio.Device` (backwards compatible); VENDOR_SDK_MISSING if absent.
 */
export function loadTwilioSdk(autoLoadScriptResources: boolean): Promise<TwilioSdkModule> {
  if (!autoLoadScriptResources) {
    const global = (globalThis as { Twilio?: Partial<TwilioSdkModule> }).Twilio;
    if (global?.Device) return Promise.resolve(global as TwilioSdkModule);
    return Promise.reject(new NotifyError('VENDOR_SDK_MISSING'));
  }
  pending ??= import('./sdk.js').catch((error: unknown) => {
    pending = null;
    throw new NotifyError('VENDOR_SDK_LOAD_FAILED', undefined, { cause: error });
  });
  return pending;
}
