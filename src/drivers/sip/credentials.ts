import type { NotifyError, NotifyErrorCode } from '../../client/errors.js';

type MakeError = (code: NotifyErrorCode, message?: string) => NotifyError;

/** Time-limited SIP digest credentials as the backend mints them (server/sip.ts). */
export interface SipCredentials {
  /** `<expiry unix seconds>:<user>` */
  username: string;
  password: string;
  /** When the proxy stops accepting them (ms since the epoch). */
  expiresAt: number;
}

/**
 * Reads the token of a SIP session: `<expiry>:<user>:<password>` (the username holds one ':', base64 none,
 * so the password is after the last one). TOKEN_INVALID for anything else.
 */
export function parseSipToken(token: string, error: MakeError): SipCredentials {
  const split = token.lastIndexOf(':');
  const username = token.slice(0, split);
  const password = token.slice(split + 1);
  const expiry = Number(username.slice(0, username.indexOf(':')));
  if (split < 0 || !password || !Number.isSafeInteger(expiry) || expiry <= 0 || !username.includes(':')) {
    throw error('TOKEN_INVALID', 'The SIP credentials are not <expiry>:<user>:<password>.');
  }
  return { username, password, expiresAt: expiry * 1000 };
}

/** The device configuration of a SIP session (`POST /sessions` → `device`). */
export interface SipDeviceConfig {
  domain: string;
  wsUrl: string;
  user: string;
}

export function readSipDevice(device: Record<string, unknown>, error: MakeError): SipDeviceConfig {
  const { domain, wsUrl, user } = device;
  if (
    typeof domain !== 'string' ||
    typeof wsUrl !== 'string' ||
    typeof user !== 'string' ||
    !/^wss?:\/\//.test(wsUrl)
  ) {
    throw error('VENDOR_ERROR', 'The backend sent no usable SIP device configuration (domain, wsUrl, user).');
  }
  return { domain, wsUrl, user };
}
