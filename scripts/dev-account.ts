import { randomBytes } from 'node:crypto';

/** The credentials of one Twilio account, as both the backend and the emulator need them. */
export interface TwilioAccount {
  accountSid: string;
  authToken: string;
  apiKeySid: string;
  apiKeySecret: string;
  twimlAppSid: string;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * A fresh, random development account. Generated at every start so that no secret is ever committed;
 * the emulator and the backend of one run share it.
 */
export function createDevAccount(): TwilioAccount {
  return {
    accountSid: `AC${hex(16)}`,
    authToken: hex(16),
    apiKeySid: `SK${hex(16)}`,
    apiKeySecret: hex(16),
    twimlAppSid: `AP${hex(16)}`,
  };
}
