/**
 * The one registry of error codes the backend answers with. Codes are stable: clients switch on them, and
 * `server/README.md` lists every one (a test keeps the two in step). Every error response body is
 * `{ "error": { "code", "message" } }`.
 */
export const ERRORS = {
  UNAUTHENTICATED: { statusCode: 401, message: 'Sign in first: no valid session token was sent.' },
  FORBIDDEN: { statusCode: 403, message: 'This belongs to another user.' },
  CALLER_ID_NOT_ALLOWED: { statusCode: 403, message: 'You may not use this number as your caller ID.' },
  ORIGIN_NOT_ALLOWED: {
    statusCode: 403,
    message:
      'This origin may not change anything here (not the backend origin nor a configured CORS origin).',
  },
  INVALID_SIGNATURE: { statusCode: 403, message: 'The X-Twilio-Signature header is missing or wrong.' },
  DEV_SIGN_IN_DISABLED: { statusCode: 404, message: 'Development sign-in is disabled on this server.' },
  UNKNOWN_SESSION: { statusCode: 404, message: 'No such client session.' },
  NOT_FOUND: { statusCode: 404, message: 'No such route.' },
  INVALID_NUMBER: { statusCode: 400, message: 'Not an E.164 phone number (e.g. +15005550006).' },
  VALIDATION_FAILED: { statusCode: 400, message: 'The request is not valid.' },
  INVALID_NAME: { statusCode: 400, message: 'The name is empty, too long or holds invisible characters.' },
  BAD_REQUEST: { statusCode: 400, message: 'The request could not be read.' },
  NO_COMPATIBLE_VENDOR: { statusCode: 409, message: 'This number has no compatible telephony vendor.' },
  INVALID_STATE: { statusCode: 409, message: 'The call is not in a state that allows this.' },
  URI_TOO_LONG: { statusCode: 414, message: 'The request URL (or one of its path parameters) is too long.' },
  PAYLOAD_TOO_LARGE: { statusCode: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, message: 'This content type is not accepted here.' },
  RATE_LIMITED: { statusCode: 429, message: 'Too many requests; slow down and retry later.' },
  NOT_READY: {
    statusCode: 503,
    message: 'The server cannot serve requests right now (database unreachable or shutting down).',
  },
  INTERNAL_ERROR: { statusCode: 500, message: 'Something went wrong on the server.' },
} as const satisfies Record<string, { statusCode: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** An error with a registered code; the app's error handler turns it into `{error:{code,message}}`. */
export class NotifyError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;

  constructor(code: ErrorCode, message: string = ERRORS[code].message, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NotifyError';
    this.code = code;
    this.statusCode = ERRORS[code].statusCode;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/** JSON schema of an error response, for route `response` maps. */
export const errorResponseSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

/** Turns anything thrown inside a route (ours, Fastify's, a bug) into a registered error. */
export function toNotifyError(error: unknown): NotifyError {
  if (error instanceof NotifyError) return error;
  const e = error as { validation?: unknown; statusCode?: number; message?: string; code?: string };
  if (e && e.validation)
    return new NotifyError('VALIDATION_FAILED', e.message ?? ERRORS.VALIDATION_FAILED.message);
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status === 414) return new NotifyError('URI_TOO_LONG', undefined, { cause: error });
  if (status === 413) return new NotifyError('PAYLOAD_TOO_LARGE', undefined, { cause: error });
  if (status === 429) return new NotifyError('RATE_LIMITED', undefined, { cause: error });
  if (status === 503) return new NotifyError('NOT_READY', undefined, { cause: error });
  if (status === 415) return new NotifyError('UNSUPPORTED_MEDIA_TYPE', undefined, { cause: error });
  if (status === 404) return new NotifyError('NOT_FOUND', undefined, { cause: error });
  if (status >= 400 && status < 500) return new NotifyError('BAD_REQUEST', e.message, { cause: error });
  return new NotifyError('INTERNAL_ERROR', undefined, { cause: error });
}
