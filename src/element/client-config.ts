import { Vendor, normalizeVendor } from '../client/constants.js';
import type { NotifyConfig } from '../client/notify-client.js';

/** What a new client is configured from: NotifyPhone's attributes and properties. */
export interface ClientSettings extends Element {
  readonly backend: string;
  readonly vendor: string;
  readonly autoLoadScriptResources: boolean;
  readonly forceRefreshToken: boolean;
  readonly skipParentId: boolean;
  readonly lazyVendor: boolean;
  readonly displayName: string;
  readonly callWaiting: 'ring' | 'busy';
  readonly authToken: NotifyConfig['authToken'];
  readonly config: Partial<NotifyConfig>;
}

/**
 * The configuration of a new client from the element's attributes (NotifyController asks for it at every
 * client it creates), and whether the client chooses its vendor lazily.
 * @internal
 */
export function clientConfig(phone: ClientSettings): { config: NotifyConfig; lazy: boolean } {
  const config: NotifyConfig = {
    autoLoadScriptResources: phone.autoLoadScriptResources,
    forceRefreshToken: phone.forceRefreshToken,
    // Read at every incoming call, so a change applies to the running client.
    get skipParentId() {
      return phone.skipParentId;
    },
    callWaiting: phone.callWaiting,
    // The attribute alone (no property: the first load's size), read when a session starts.
    shareTabs: phone.hasAttribute('share-tabs'),
    // `''` spreads nothing.
    ...(phone.backend && { backendUrl: phone.backend }),
    // Read at every request, so a new token reaches the running client (no restart, no dropped call).
    authToken: () => phone.authToken,
    ...(phone.displayName && { name: phone.displayName }),
    ...phone.config,
  };
  if (!phone.lazyVendor) config.vendor = normalizeVendor(phone.vendor) ?? Vendor.TWILIO_DIRECT;
  return { config, lazy: phone.lazyVendor };
}
