import type { ErrorDoc } from './error-docs.js';
import type { RECOVERY_ERRORS } from './recovery-errors.js';

/**
 * The one error registry. Codes are stable API: add new ones, never rename or reuse them. Each code has a
 * message here and an explanation and a solution in error-docs.ts (tested for completeness): the long texts
 * stay out of the first load (decision 20) and arrive with `explainError(code)`.
 */

export const NOTIFY_ERRORS = {
  NOT_INITIALIZED: { message: 'The client is not online.' },
  DESTROYED: { message: 'The client has been destroyed.' },
  INVALID_STATE: { message: 'The operation is not possible in the current state.' },
  INVALID_DTMF: { message: 'Invalid DTMF digits.' },
  INVALID_NUMBER: { message: 'Invalid phone number.' },
  INVALID_ARGUMENT: { message: 'Invalid argument.' },
  MISSING_CALLER_ID: { message: 'No caller ID is set.' },
  NO_VENDOR: { message: 'No vendor is set.' },
  VENDOR_MISMATCH: { message: 'The caller ID belongs to a different vendor.' },
  LAZY_CALLBACK_REQUIRES_LAZY_MODE: {
    message: 'setCallerId() got a callback, but the client is not in lazy vendor mode.',
  },
  CALLER_ID_NOT_ALLOWED: { message: 'This caller ID may not be used.' },
  FORBIDDEN: { message: 'This belongs to another user.' },
  BACKEND_UNREACHABLE: { message: 'The backend could not be reached.' },
  BACKEND_ERROR: { message: 'The backend returned an error.' },
  UNAUTHENTICATED: { message: 'The backend needs a signed-in user.' },
  NOT_FOUND: { message: 'The backend does not know the requested resource.' },
  TOKEN_EXPIRED: { message: 'The access token expired.' },
  SESSION_EXPIRED: { message: 'The session expired on the backend.' },
  TOKEN_INVALID: { message: 'The access token is invalid.' },
  VENDOR_SDK_MISSING: { message: 'The vendor SDK is not loaded.' },
  VENDOR_SDK_LOAD_FAILED: { message: 'The vendor SDK could not be loaded.' },
  CLIENT_LOAD_FAILED: { message: "The phone's client could not be loaded." },
  MEDIA_PERMISSION_DENIED: { message: 'Microphone access was denied.' },
  NOT_SUPPORTED: { message: 'Not supported here.' },
  CALL_FAILED: { message: 'The call failed.' },
  VENDOR_ERROR: { message: 'The vendor reported an error.' },
} as const satisfies Record<string, { readonly message: string }>;

/**
 * The codes of NOTIFY_ERRORS and of recovery (recovery-errors.ts, raised only by code init() loads: their
 * messages load with it and join NOTIFY_ERRORS then, so the first load stays within its budget).
 */
export type NotifyErrorCode = keyof typeof NOTIFY_ERRORS | keyof typeof RECOVERY_ERRORS;

export function isNotifyErrorCode(value: unknown): value is NotifyErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(NOTIFY_ERRORS, value);
}

/** An error with a stable `code` from the registry; vendor and network errors are kept as `cause`. */
export class NotifyError extends Error {
  readonly code: NotifyErrorCode;
  declare readonly cause: unknown;

  constructor(code: NotifyErrorCode, message?: string, options?: { cause?: unknown }) {
    super(
      message ?? (NOTIFY_ERRORS as Record<string, { message: string }>)[code]!.message,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'NotifyError';
    this.code = code;
  }
}

/** Wraps anything thrown into a NotifyError, keeping NotifyErrors as they are. */
export function toNotifyError(
  error: unknown,
  fallback: keyof typeof NOTIFY_ERRORS = 'VENDOR_ERROR',
): NotifyError {
  if (error instanceof NotifyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new NotifyError(fallback, `${NOTIFY_ERRORS[fallback].message} ${message}`.trim(), { cause: error });
}

/** What an error code means and how to fix it: the texts load on first use (their own chunk). */
export async function explainError(code: NotifyErrorCode): Promise<ErrorDoc> {
  return (await import('./error-docs.js')).NOTIFY_ERROR_DOCS[code];
}

export type { ErrorDoc };
