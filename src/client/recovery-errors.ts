import { NOTIFY_ERRORS, type ErrorInfo } from './errors.js';

/**
 * The error codes of recovery (docs/decisions.md §19). Only code loaded by init() raises them (the
 * registration, the session, the vendor driver), so their texts load with it and join NOTIFY_ERRORS when this
 * module is first imported: the first load of the bundle stays within its size budget. Codes are stable API.
 */
export const RECOVERY_ERRORS = {
  SIGNALING_LOST: {
    message: 'The connection to the vendor is lost.',
    explanation:
      'Its signaling has been down past the grace (docs/decisions.md §19): calls cannot reach this client. It keeps reconnecting.',
    solution: 'Wait for ONLINE; check the network if it lasts.',
  },
  RECONNECT_FAILED: {
    message: 'Reconnecting gave up.',
    explanation: 'The backend dropped the session and a new one could not be made in the bounded retries.',
    solution: 'Call init() again once the backend is reachable.',
  },
  CALL_LOST: {
    message: 'The call ended during an outage.',
    explanation: 'The far end or the vendor ended it while this client was reconnecting.',
    solution: 'None: the call is over.',
  },
  MEDIA_LOST: {
    message: 'The call lost its audio.',
    explanation: 'No media arrived and the vendor gave up restoring it: the call ended.',
    solution: 'Check the network (UDP) and call again.',
  },
} as const satisfies Record<string, ErrorInfo>;

Object.assign(NOTIFY_ERRORS, RECOVERY_ERRORS);
