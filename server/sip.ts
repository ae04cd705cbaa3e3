import { createHmac, timingSafeEqual } from 'node:crypto';
import { NotifyError } from './errors.js';

/**
 * A SIP vendor's account (our extension beside Twilio, issue 15): the proxy the browsers register to and the
 * secret the backend shares with it. Nothing here is a long-lived SIP password: the backend mints time-limited
 * credentials per session from the secret (below), and the proxy checks them with the same secret.
 */
export interface SipAccount {
  /** The SIP domain: the host of every address of record and the credentials' realm. */
  domain: string;
  /** The proxy's secure WebSocket URL, `wss://host:port[/path]`, handed to the browsers. */
  wsUrl: string;
  /** The shared secret of the proxy's time-limited credentials (Kamailio's auth_ephemeral), ≥ 32 characters. */
  secret: string;
}

/** Time-limited SIP digest credentials of one session, as the client receives them. */
export interface SipCredentials {
  /** `<expiry unix seconds>:<user>` */
  username: string;
  /** base64(HMAC-SHA1(secret, username)) */
  password: string;
}

/**
 * Mints credentials for `user` that the proxy accepts until `now + ttlSeconds`: the scheme of the TURN REST
 * API draft (draft-uberti-behave-turn-rest), which Kamailio's auth_ephemeral, Asterisk's res_pjsip setups
 * with a REST-credentials front end and coturn all follow. Hand-written: it is one HMAC, no library wraps it.
 */
export function mintSipCredentials(
  secret: string,
  user: string,
  ttlSeconds: number,
  now: number = Date.now(),
): SipCredentials & { expiresAt: number } {
  const expiresAt = Math.floor(now / 1000) + ttlSeconds;
  const username = `${expiresAt}:${user}`;
  const password = createHmac('sha1', secret).update(username).digest('base64');
  return { username, password, expiresAt: expiresAt * 1000 };
}

/**
 * The credentials as one token string, `<username>:<password>` (userinfo style; the username itself holds one
 * ':' and base64 never does, so the client splits at the last ':').
 */
export function sipToken(credentials: SipCredentials): string {
  return `${credentials.username}:${credentials.password}`;
}

/**
 * What a session on a SIP number receives (the `device` of `POST /sessions`): where to register and as whom.
 * `user` is the session's identity, the address of record `sip:<user>@<domain>` that calls to it reach.
 */
export function sipDevice(account: SipAccount, user: string): Record<string, unknown> {
  return { domain: account.domain, wsUrl: account.wsUrl, user };
}

/**
 * The bearer token the proxy sends when it asks the backend where to route a call (`GET /sip/route`):
 * derived from the shared secret, so the secret itself never travels.
 */
export function sipRoutingToken(secret: string): string {
  return createHmac('sha256', secret).update('notify-sip-routing').digest('base64url');
}

/**
 * Only the proxy may ask where calls go or report them: it proves it holds the shared secret with
 * `Authorization: Bearer <sipRoutingToken(secret)>`. Anything else is 401 UNAUTHENTICATED, before any work.
 */
export function assertSipProxy(
  account: SipAccount | undefined,
  authorization: string | undefined,
): SipAccount {
  const sent = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
  const expected = account ? sipRoutingToken(account.secret) : '';
  if (
    !account ||
    sent.length !== expected.length ||
    !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))
  )
    throw new NotifyError('UNAUTHENTICATED', 'Only the SIP proxy may ask for routes or report calls.');
  return account;
}

/** How long a transfer grant lets the far end's new call reach the colleague it names. */
export const TRANSFER_GRANT_SECONDS = 60;

const transferMac = (secret: string, expiry: string, user: string, target: string) =>
  createHmac('sha256', secret).update(`notify-transfer|${expiry}|${user}|${target}`).digest('base64url');

/**
 * A transfer grant (SIP REFER to a colleague, POST /calls/:callSid/refer): `<expiry>.<user>.<mac>`, the user
 * who transfers and until when the far end's new call to `target` (a user sys_id) may ring that colleague's
 * sessions. It travels in the Refer-To URI (a URI parameter, which the far end's INVITE keeps) and the proxy
 * hands it to `GET /sip/route`. Without it a call from outside to a user sys_id reaches nobody.
 */
export function mintTransferGrant(secret: string, user: string, target: string, now = Date.now()): string {
  const expiry = String(Math.floor(now / 1000) + TRANSFER_GRANT_SECONDS);
  return `${expiry}.${user}.${transferMac(secret, expiry, user, target)}`;
}

/** The user a valid, unexpired grant for `target` names; undefined otherwise. */
export function readTransferGrant(
  secret: string,
  grant: string,
  target: string,
  now = Date.now(),
): string | undefined {
  const [expiry = '', user = '', mac = '', ...rest] = grant.split('.');
  if (rest.length || !/^\d+$/.test(expiry) || Number(expiry) * 1000 < now) return undefined;
  const expected = transferMac(secret, expiry, user, target);
  if (mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected)))
    return undefined;
  return user;
}
