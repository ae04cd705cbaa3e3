import twilio from 'twilio';
import type { TwilioAccount } from '../scripts/dev-account.js';

const { AccessToken } = twilio.jwt;
const { VoiceGrant } = AccessToken;

export interface MintedToken {
  token: string;
  ttl: number;
  /** ISO-8601 time of the token's `exp`. */
  expiresAt: string;
}

/**
 * A Voice access token for one client identity: HS256 with the API key secret, `iss` = API key SID,
 * `sub` = account SID, and a voice grant that lets the client place calls through the TwiML App and
 * receive calls to its identity.
 */
export function mintVoiceToken(account: TwilioAccount, identity: string, ttl: number): MintedToken {
  const accessToken = new AccessToken(account.accountSid, account.apiKeySid, account.apiKeySecret, {
    identity,
    ttl,
  });
  accessToken.addGrant(new VoiceGrant({ outgoingApplicationSid: account.twimlAppSid, incomingAllow: true }));
  const token = accessToken.toJwt('HS256');
  // Read `exp` back from what was signed rather than recomputing a clock that may have ticked meanwhile.
  const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
    exp: number;
  };
  return { token, ttl, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Webhook parameters as the form body parser hands them over. */
export type WebhookParams = Record<string, string | string[] | undefined>;

/**
 * Checks `X-Twilio-Signature` for a form-encoded webhook. `url` must be the URL Twilio was configured to
 * call (the backend's public base URL + the route path + any query), not what the socket saw: behind the
 * demo's single origin or a proxy the two differ.
 */
export function isValidWebhook(
  account: TwilioAccount,
  signature: string | undefined,
  url: string,
  params: WebhookParams,
): boolean {
  if (!signature) return false;
  return twilio.validateRequest(account.authToken, signature, url, params);
}

/** A TwiML voice response builder (`<Response>…</Response>`). */
export function voiceResponse(): twilio.twiml.VoiceResponse {
  return new twilio.twiml.VoiceResponse();
}

/**
 * A REST client authenticated with the API key. With `apiBaseUrl` (the emulator) the API domain is pointed
 * there; use `localhost` or an IP there, as twilio-node rewrites two-label host names for edges/regions.
 */
export function createRestClient(account: TwilioAccount, apiBaseUrl?: string, ca?: string): twilio.Twilio {
  const client = twilio(account.apiKeySid, account.apiKeySecret, {
    accountSid: account.accountSid,
    ...(ca ? { httpClient: new twilio.RequestClient({ ca }) } : {}),
  });
  if (apiBaseUrl) client.api.baseUrl = apiBaseUrl.replace(/\/+$/, '');
  return client;
}
