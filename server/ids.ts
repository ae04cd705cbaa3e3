import { randomBytes } from 'node:crypto';

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
