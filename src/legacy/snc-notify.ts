/** The IIFE entry (dist/snc-notify.js): defines `window.SNC.Notify`, keeping other SNC members. */
import { NotifyClient } from '../client/notify-client.js';
import { STD_EVENTS, Status, Vendor } from '../client/constants.js';
// Before init() can import the later units (snc-notify.online.js), which read the shared modules from the global.
import './snc-shared.js';

/** What the script puts at `window.SNC.Notify`. */
export interface SncNotify {
  Client: typeof NotifyClient;
  STD_EVENTS: typeof STD_EVENTS;
  Status: typeof Status;
  Vendor: typeof Vendor;
}

interface SncNamespace {
  Notify?: SncNotify;
  [key: string]: unknown;
}

// Types only, for `import 'notify-phone/snc-notify.js'` in TypeScript: once the script ran, `SNC.Notify` exists.
declare global {
  // `var`: a global declared on globalThis (`let`/`const` would not be).
  var SNC: SncNamespace & { Notify: SncNotify };
}

const global = globalThis as unknown as { SNC?: SncNamespace };
const snc: SncNamespace = global.SNC ?? (global.SNC = {});
snc.Notify = { ...(snc.Notify ?? {}), Client: NotifyClient, STD_EVENTS, Status, Vendor };
