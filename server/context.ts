import type twilio from 'twilio';
import type { TwilioAccount } from '../scripts/dev-account.js';
import type { Authenticator, SessionTokens, UserGate } from './auth.js';
import type { BackendMetrics } from './metrics.js';
import type { SecurityHeaders } from './security-headers.js';
import type { SipAccount } from './sip.js';
import type { NotifyStore } from './store/store.js';

/** What every route plugin gets: the resolved options and shared services. */
export interface BackendContext extends UserGate {
  store: NotifyStore;
  account: TwilioAccount;
  tokens: SessionTokens;
  auth: Authenticator;
  metrics: BackendMetrics;
  devSignIn: boolean;
  tokenTtlSeconds: number;
  /** Seconds after its last heartbeat (`last_seen`) that a client session expires. */
  sessionTtlSeconds: number;
  /**
   * The liveness cutoff now (ISO time): sessions whose last_seen is before it are expired: never rung,
   * listed or refreshed, and removed by the sweep.
   */
  liveSince(): string;
  /** Sessions one user may hold; creating one more closes their oldest (`POST /sessions`). */
  maxSessionsPerUser: number;
  twilioDevice: Record<string, unknown>;
  /** The SIP vendor's proxy and secret, when SIP numbers are served. */
  sip?: SipAccount;
  /**
   * The backend's security headers as a fixed set (server/security-headers.ts), for a route that sends them
   * itself instead of through the per-request middleware.
   */
  securityHeaders: SecurityHeaders;
  /** Interval of SSE keep-alive comments on `GET /presence`, in ms. */
  presenceHeartbeatMs: number;
  /** Open `GET /presence` streams one user may hold at once. */
  presenceStreamsPerUser: number;
  /** The bearer token `GET /metrics` requires; undefined: `/metrics` is not served. */
  metricsToken?: string;
  /** Resolves when the app is closing: long-lived responses (SSE) end then. */
  closing: AbortSignal;
  /**
   * The public URL Twilio calls for a backend path such as `/twilio/voice?x=1`: the configured public
   * base URL (prefix included) + the path. Webhook signatures are checked against it.
   */
  publicUrlFor(path: string): string;
  /** The Twilio REST client (API key auth; pointed at the emulator when configured), made on first use. */
  twilioRest(): twilio.Twilio;
}
