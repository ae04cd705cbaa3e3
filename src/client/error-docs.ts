import type { NotifyErrorCode } from './errors.js';

/** What an error code means and what to do about it. */
export interface ErrorDoc {
  readonly explanation: string;
  readonly solution: string;
}

/**
 * The explanation and solution of every code of NOTIFY_ERRORS (errors.ts), kept apart so that the first
 * load does without them (about 1.5 KB gz): `explainError(code)` imports this module, the README's table
 * (`npm run docs:errors`) reads it.
 */
export const NOTIFY_ERROR_DOCS: Record<NotifyErrorCode, ErrorDoc> = {
  NOT_INITIALIZED: {
    explanation: 'The method needs a registered session, but init() has not completed.',
    solution: 'Call init() and wait for the ONLINE event.',
  },
  DESTROYED: {
    explanation: 'destroy() was called; the client cannot be used any more.',
    solution: 'Create a new client.',
  },
  INVALID_STATE: {
    explanation:
      'For example a second call while a call is active, or pickupCall() without an incoming call.',
    solution: 'Check getStatus() before calling the method.',
  },
  INVALID_DTMF: {
    explanation: 'Only 0-9, *, #, A-D and w (a pause) are DTMF-valid.',
    solution: 'Remove the invalid characters.',
  },
  INVALID_NUMBER: {
    explanation: 'Phone numbers must be in E.164 format, for example +18001112223.',
    solution: 'Pass the number with + and the country code, digits only.',
  },
  INVALID_ARGUMENT: {
    explanation: 'An argument or attribute has the wrong type or value.',
    solution: 'Check the documentation of the method or attribute.',
  },
  MISSING_CALLER_ID: {
    explanation: 'init() needs the Notify number the session calls from.',
    solution: 'Call setCallerId() before init().',
  },
  NO_VENDOR: {
    explanation: 'The vendor is unknown, or the caller ID has no compatible vendor.',
    solution: 'Set notifyConfig.vendor, or use lazy mode and check notifyConfig.vendor in the callback.',
  },
  VENDOR_MISMATCH: {
    explanation: 'The caller ID can change at any time, but only to a number of the same vendor.',
    solution: 'Create a new client for a number of another vendor.',
  },
  LAZY_CALLBACK_REQUIRES_LAZY_MODE: {
    explanation: 'The autoSelectVendorCallback is only allowed with initializeVendorClientLazily = true.',
    solution: 'Pass true as the second constructor argument, or call setCallerId() without a callback.',
  },
  CALLER_ID_NOT_ALLOWED: {
    explanation: 'The backend refused the number for the signed-in user.',
    solution: 'Use a Notify number assigned to the user.',
  },
  FORBIDDEN: {
    explanation: 'The backend refused to act on a call or session of another user; nothing was changed.',
    solution: 'Pass only ids of calls this user’s clients take part in.',
  },
  BACKEND_UNREACHABLE: {
    explanation: 'A network error happened before the backend answered.',
    solution: 'Check notifyConfig.backendUrl and the network.',
  },
  BACKEND_ERROR: {
    explanation: 'The backend answered with an error status the client does not know.',
    solution: 'See the message and the backend logs.',
  },
  UNAUTHENTICATED: {
    explanation: 'The request had no valid session cookie or bearer token.',
    solution: 'Sign in, or set notifyConfig.authToken.',
  },
  NOT_FOUND: {
    explanation: 'The session, call or route does not exist.',
    solution: 'Check the identifier; the backend may not implement the route yet.',
  },
  TOKEN_EXPIRED: {
    explanation: 'The vendor token reached its expiry before it was refreshed.',
    solution: 'Keep forceRefreshToken enabled, or call init() again.',
  },
  SESSION_EXPIRED: {
    explanation:
      'No heartbeat reached the backend within the session TTL (a suspended tab, a lost network): it removed the session, calls no longer reach this client, which went OFFLINE.',
    solution: 'Call init() again to start a new session.',
  },
  TOKEN_INVALID: {
    explanation: 'The vendor rejected the token (signature, account or grant).',
    solution: 'Check the backend token configuration.',
  },
  VENDOR_SDK_MISSING: {
    explanation: 'autoLoadScriptResources is false and window.Twilio.Device does not exist.',
    solution: 'Load the vendor SDK yourself, or set autoLoadScriptResources to true.',
  },
  VENDOR_SDK_LOAD_FAILED: {
    explanation: 'The SDK chunk (twilio-voice-sdk.js) failed to load.',
    solution: 'Serve twilio-voice-sdk.js next to the bundle.',
  },
  CLIENT_LOAD_FAILED: {
    explanation:
      "<notify-phone> loads its client's code (notify-phone.client-link.js) when it first needs a client, and it failed to load.",
    solution:
      'Serve every notify-phone.*.js and notify-client.js file next to notify-phone.js, then reload the page.',
  },
  MEDIA_PERMISSION_DENIED: {
    explanation: 'The browser or the user refused getUserMedia.',
    solution: 'Allow microphone access for this site.',
  },
  NOT_SUPPORTED: {
    explanation: 'The vendor or the browser lacks it.',
    solution: 'Check support first.',
  },
  CALL_FAILED: {
    explanation: 'The call could not be placed or accepted.',
    solution: 'See the cause; try again.',
  },
  VENDOR_ERROR: {
    explanation: 'A telephony vendor error with no more specific code; the original is the cause.',
    solution: 'See the vendor error code in the message.',
  },
  SIGNALING_LOST: {
    explanation:
      'Its signaling has been down past the grace (docs/decisions.md §21): calls cannot reach this client. It keeps reconnecting.',
    solution: 'Wait for ONLINE; check the network if it lasts.',
  },
  RECONNECT_FAILED: {
    explanation: 'The backend dropped the session and a new one could not be made in the bounded retries.',
    solution: 'Call init() again once the backend is reachable.',
  },
  CALL_LOST: {
    explanation: 'The far end or the vendor ended it while this client was reconnecting.',
    solution: 'None: the call is over.',
  },
  MEDIA_LOST: {
    explanation: 'No media arrived and the vendor gave up restoring it: the call ended.',
    solution: 'Check the network (UDP) and call again.',
  },
};
