import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { TwilioAccount } from '../scripts/dev-account.js';

/** The voice grant of a Twilio access token, as `twilio.jwt.AccessToken.VoiceGrant` writes it. */
export interface VoiceGrant {
  incoming?: { allow?: boolean };
  outgoing?: { application_sid?: string; params?: Record<string, string> };
}

export interface VerifiedToken {
  identity: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
  voice: VoiceGrant;
}

/** Signaling error codes the SDK maps: 31204 → AccessTokenInvalid (20101), 31205 → AccessTokenExpired (20104). */
export interface TokenRejection {
  code: 31204 | 31205;
  message: string;
}

export type TokenCheck = { ok: true; token: VerifiedToken } | { ok: false; error: TokenRejection };

const invalid = (message: string): TokenCheck => ({ ok: false, error: { code: 31204, message } });

/**
 * Checks an access token the way Twilio's edge does before it accepts `listen`: HMAC signature with the API
 * key secret, `iss` a key of this account, `sub` the account, `cty: twilio-fpa;v=1`, not expired, and a voice
 * grant. Every fault other than expiry answers 31204, because that is the one code the SDK reports as an
 * invalid token (20101); 31202 would surface as a generic 53000.
 */
export async function verifyAccessToken(jwt: unknown, account: TwilioAccount): Promise<TokenCheck> {
  if (typeof jwt !== 'string' || jwt.split('.').length !== 3) return invalid('Invalid Access Token');
  let header;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    return invalid('Invalid Access Token');
  }
  if (header.cty !== 'twilio-fpa;v=1') return invalid('Invalid Access Token: content type');
  try {
    const { payload } = await jwtVerify(jwt, new TextEncoder().encode(account.apiKeySecret), {
      algorithms: ['HS256', 'HS384', 'HS512'],
      issuer: account.apiKeySid,
      subject: account.accountSid,
      requiredClaims: ['exp'],
    });
    const grants = payload.grants as { identity?: unknown; voice?: VoiceGrant } | undefined;
    if (!grants?.voice || typeof grants.voice !== 'object')
      return invalid('Invalid Access Token: no voice grant');
    const identity = typeof grants.identity === 'string' ? grants.identity : '';
    if (!identity) return invalid('Invalid Access Token: no identity');
    return { ok: true, token: { identity, exp: payload.exp as number, voice: grants.voice } };
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      return { ok: false, error: { code: 31205, message: 'Token is expired' } };
    return invalid('Invalid Access Token');
  }
}
