import { NotifyError } from './errors.js';
import { isE164 } from './ids.js';
import type { NotifyNumber, NotifyStore } from './store/store.js';

/**
 * The caller-ID rule shared by the lookup route, session creation and the voice webhook: a user may use a
 * number only if it is assigned to a group they are a member of. Unknown numbers get the same answer as
 * someone else's, so the route does not reveal which numbers exist.
 */
export async function allowedCallerId(
  store: NotifyStore,
  userSysId: string,
  number: string,
): Promise<NotifyNumber> {
  if (!isE164(number)) throw new NotifyError('INVALID_NUMBER');
  const found = await store.findNumberForUser(number, userSysId);
  if (!found) throw new NotifyError('CALLER_ID_NOT_ALLOWED');
  return found;
}
