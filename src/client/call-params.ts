import type { CallIdentifier } from './config.js';
import { E164_PATTERN } from './constants.js';
import { NotifyError } from './errors.js';

/* call()'s argument, checked where the calls' code is (calls.ts, loaded with the first init()). */

/** The vendor parameters of call(): `{To}` for a number (wins when both are given) or `client:<userId>`. */
export function callParams(identifier: CallIdentifier): { To: string } | NotifyError {
  if (!identifier || typeof identifier !== 'object')
    return new NotifyError('INVALID_ARGUMENT', 'call: no target.');
  const { phoneNumber, userId } = identifier;
  if (phoneNumber !== undefined && phoneNumber !== null && phoneNumber !== '') {
    if (typeof phoneNumber !== 'string' || !E164_PATTERN.test(phoneNumber)) {
      return new NotifyError('INVALID_NUMBER', `call: "${String(phoneNumber)}" is not an E.164 number.`);
    }
    return { To: phoneNumber };
  }
  if (typeof userId === 'string' && userId.trim()) return { To: `client:${userId.trim()}` };
  return new NotifyError('INVALID_ARGUMENT', 'call: pass {phoneNumber} or {userId}.');
}
