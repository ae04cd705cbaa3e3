import { NOTIFY_ERRORS } from './errors.js';

/**
 * The error codes of recovery (docs/decisions.md §21). Only code loaded by init() raises them (the
 * registration, the session, the vendor driver), so their messages load with it (their explanations are in error-docs.ts with the others) and join NOTIFY_ERRORS when this
 * module is first imported: the first load of the bundle stays within its size budget. Codes are stable API.
 */
export const RECOVERY_ERRORS = {
  SIGNALING_LOST: { message: 'The connection to the vendor is lost.' },
  RECONNECT_FAILED: { message: 'Reconnecting gave up.' },
  CALL_LOST: { message: 'The call ended during an outage.' },
  MEDIA_LOST: { message: 'The call lost its audio.' },
} as const satisfies Record<string, { readonly message: string }>;

Object.assign(NOTIFY_ERRORS, RECOVERY_ERRORS);
