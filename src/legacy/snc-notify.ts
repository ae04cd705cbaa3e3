/** The IIFE entry (dist/snc-notify.js): defines `window.SNC.Notify`, keeping other SNC members. */
import { NotifyClient } from '../client/notify-client.js';
import { STD_EVENTS, Status, Vendor } from '../client/constants.js';

interface SncNamespace {
  Notify?: {
    Client: typeof NotifyClient;
    STD_EVENTS: typeof STD_EVENTS;
    Status: typeof Status;
    Vendor: typeof Vendor;
  };
  [key: string]: unknown;
}

const global = globalThis as unknown as { SNC?: SncNamespace };
const snc: SncNamespace = global.SNC ?? (global.SNC = {});
snc.Notify = { ...(snc.Notify ?? {}), Client: NotifyClient, STD_EVENTS, Status, Vendor };
