import { createHash, randomBytes } from 'node:crypto';

/** A new record id in ServiceNow's format: 32 lowercase hex characters. */
export function newSysId(): string {
  return randomBytes(16).toString('hex');
}

const SYS_ID = /^[0-9a-f]{32}$/;

export function isSysId(value: string): boolean {
  return SYS_ID.test(value);
}

const E164 = /^\+[1-9]\d{1,14}$/;

/** True for an E.164 phone number such as `+15005550006`. */
export function isE164(value: string): boolean {
  return E164.test(value);
}

/** The Voice SDK identity of a client session. Alphanumerics and `_` only, as Twilio requires. */
export function sessionIdentity(sessionSysId: string): string {
  return `s_${sessionSysId}`;
}

/**
 * The identity of a session's pre-call test (`client.preflight()`, ours): a Device of its own beside the
 * session's, so the test never takes the session's registration or its incoming calls.
 */
export function preflightIdentity(sessionSysId: string): string {
  return `p_${sessionSysId}`;
}

/** The session sys_id of a preflight identity, or undefined for any other identity. */
export function preflightSession(identity: string): string | undefined {
  return identity.startsWith('p_') ? identity.slice(2) : undefined;
}

/**
 * A user's place on the ring of incoming-call routing: 32 hex digits spread evenly whatever the sys_ids
 * look like (host sys_ids may be sequential). MD5 as a spreading hash, not for security; PostgreSQL's
 * `md5()` computes the same value (the migration fills existing rows with it). Also maps a CallSid to
 * the point of the ring where that call starts.
 */
export function ringKey(id: string): string {
  return createHash('md5').update(id).digest('hex');
}
