/**
 * The one error registry. Codes are stable API: add new ones, never rename or reuse them.
 * Each entry is its own documentation: message, explanation and solution (tested for completeness).
 */
interface ErrorInfo {
  readonly message: string;
  readonly explanation: string;
  readonly solution: string;
}

export const NOTIFY_ERRORS = {
  NOT_INITIALIZED: {
    message: 'The client is not online.',
    explanation: 'The method needs a registered session, but init() has not completed.',
    solution: 'Call init() and wait for the ONLINE event.',
  },
  DESTROYED: {
    message: 'The client has been destroyed.',
    explanation: 'destroy() was called; the client cannot be used any more.',
    solution: 'Create a new client.',
  },
  INVALID_STATE: {
    message: 'The operation is not possible in the current state.',
    explanation:
      'For example a second call while a call is active, or pickupCall() without an incoming call.',
    solution: 'Check getStatus() before calling the method.',
  },
  INVALID_DTMF: {
    message: 'Invalid DTMF digits.',
    explanation: 'Only 0-9, *, #, A-D and w (a pause) are DTMF-valid.',
    solution: 'Remove the invalid characters.',
  },
  INVALID_NUMBER: {
    message: 'Invalid phone number.',
    explanation: 'Phone numbers must be in E.164 format, for example +18001112223.',
    solution: 'Pass the number with + and the country code, digits only.',
  },
  INVALID_ARGUMENT: {
    message: 'Invalid argument.',
    explanation: 'An argument or attribute has the wrong type or value.',
    solution: 'Check the documentation of the method or attribute.',
  },
  MISSING_CALLER_ID: {
    message: 'No caller ID is set.',
    explanation: 'init() needs the Notify number the session calls from.',
    solution: 'Call setCallerId() before init().',
  },
  NO_VENDOR: {
    message: 'No vendor is set.',
    explanation: 'The vendor is unknown, or the caller ID has no compatible vendor.',
    solution: 'Set notifyConfig.vendor, or use lazy mode and check notifyConfig.vendor in the callback.',
  },
  VENDOR_MISMATCH: {
    message: 'The caller ID belongs to a different vendor.',
    explanation: 'The caller ID can change at any time, but only to a number of the same vendor.',
    solution: 'Create a new client for a number of another vendor.',
  },
  LAZY_CALLBACK_REQUIRES_LAZY_MODE: {
    message: 'setCallerId() got a callback, but the client is not in lazy vendor mode.',
    explanation: 'The autoSelectVendorCallback is only allowed with initializeVendorClientLazily = true.',
    solution: 'Pass true as the second constructor argument, or call setCallerId() without a callback.',
  },
  CALLER_ID_NOT_ALLOWED: {
    message: 'This caller ID may not be used.',
    explanation: 'The backend refused the number for the signed-in user.',
    solution: 'Use a Notify number assigned to the user.',
  },
  FORBIDDEN: {
    message: 'This belongs to another user.',
    explanation: 'The backend refused to act on a call or session of another user; nothing was changed.',
    solution: 'Pass only ids of calls this user’s clients take part in.',
  },
  BACKEND_UNREACHABLE: {
    message: 'The backend could not be reached.',
    explanation: 'A network error happened before the backend answered.',
    solution: 'Check notifyConfig.backendUrl and the network.',
  },
  BACKEND_ERROR: {
    message: 'The backend returned an error.',
    explanation: 'The backend answered with an error status the client does not know.',
    solution: 'See the message and the backend logs.',
  },
  UNAUTHENTICATED: {
    message: 'The backend needs a signed-in user.',
    explanation: 'The request had no valid session cookie or bearer token.',
    solution: 'Sign in, or set notifyConfig.authToken.',
  },
  NOT_FOUND: {
    message: 'The backend does not know the requested resource.',
    explanation: 'The session, call or route does not exist.',
    solution: 'Check the identifier; the backend may not implement the route yet.',
  },
  TOKEN_EXPIRED: {
    message: 'The access token expired.',
    explanation: 'The vendor token reached its expiry before it was refreshed.',
    solution: 'Keep forceRefreshToken enabled, or call init() again.',
  },
  SESSION_EXPIRED: {
    message: 'The session expired on the backend.',
    explanation:
      'No heartbeat reached the backend within the session TTL (a suspended tab, a lost network): it removed the session, calls no longer reach this client, which went OFFLINE.',
    solution: 'Call init() again to start a new session.',
  },
  TOKEN_INVALID: {
    message: 'The access token is invalid.',
    explanation: 'The vendor rejected the token (signature, account or grant).',
    solution: 'Check the backend token configuration.',
  },
  VENDOR_SDK_MISSING: {
    message: 'The vendor SDK is not loaded.',
    explanation: 'autoLoadScriptResources is false and window.Twilio.Device does not exist.',
    solution: 'Load the vendor SDK yourself, or set autoLoadScriptResources to true.',
  },
  VENDOR_SDK_LOAD_FAILED: {
    message: 'The vendor SDK could not be loaded.',
    explanation: 'The SDK chunk (twilio-voice-sdk.js) failed to load.',
    solution: 'Serve twilio-voice-sdk.js next to the bundle.',
  },
  MEDIA_PERMISSION_DENIED: {
    message: 'Microphone access was denied.',
    explanation: 'The browser or the user refused getUserMedia.',
    solution: 'Allow microphone access for this site.',
  },
  NOT_SUPPORTED: {
    message: 'Not supported here.',
    explanation: 'The vendor or the browser lacks it.',
    solution: 'Check support first.',
  },
  CALL_FAILED: {
    message: 'The call failed.',
    explanation: 'The call could not be placed or accepted.',
    solution: 'See the cause; try again.',
  },
  VENDOR_ERROR: {
    message: 'The vendor reported an error.',
    explanation: 'A telephony vendor error with no more specific code; the original is the cause.',
    solution: 'See the vendor error code in the message.',
  },
} as const satisfies Record<string, ErrorInfo>;

export type NotifyErrorCode = keyof typeof NOTIFY_ERRORS;

export function isNotifyErrorCode(value: unknown): value is NotifyErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(NOTIFY_ERRORS, value);
}

/** An error with a stable `code` from the registry; vendor and network errors are kept as `cause`. */
export class NotifyError extends Error {
  readonly code: NotifyErrorCode;
  readonly explanation: string;
  readonly solution: string;
  declare readonly cause: unknown;

  constructor(code: NotifyErrorCode, message?: string, options?: { cause?: unknown }) {
    const info: ErrorInfo = NOTIFY_ERRORS[code];
    super(message ?? info.message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NotifyError';
    this.code = code;
    this.explanation = info.explanation;
    this.solution = info.solution;
  }
}

/** Wraps anything thrown into a NotifyError, keeping NotifyErrors as they are. */
export function toNotifyError(error: unknown, fallback: NotifyErrorCode = 'VENDOR_ERROR'): NotifyError {
  if (error instanceof NotifyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new NotifyError(fallback, `${NOTIFY_ERRORS[fallback].message} ${message}`.trim(), { cause: error });
}
