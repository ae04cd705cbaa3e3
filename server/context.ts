import type { TwilioAccount } from '../scripts/dev-account.js';
import type { SessionTokens } from './auth.js';
import type { NotifyStore } from './store/store.js';

/** What every route plugin gets: the resolved options and shared services. */
export interface BackendContext {
  store: NotifyStore;
  account: TwilioAccount;
  tokens: SessionTokens;
  devSignIn: boolean;
  tokenTtlSeconds: number;
  twilioDevice: Record<string, unknown>;
  /**
   * The public URL Twilio calls for a backend path such as `/twilio/voice?x=1`: the configured public
   * base URL (prefix included) + the path. Webhook signatures are checked against it.
   */
  publicUrlFor(path: string): string;
}
