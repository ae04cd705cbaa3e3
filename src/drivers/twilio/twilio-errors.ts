import { NotifyError, type NotifyErrorCode } from '../../client/errors.js';
// The recovery codes (MEDIA_LOST…) join the registry with the driver, which only init() loads.
import '../../client/recovery-errors.js';

const TWILIO_CODES: Record<number, NotifyErrorCode> = {
  20104: 'TOKEN_EXPIRED',
  31205: 'TOKEN_EXPIRED',
  20101: 'TOKEN_INVALID',
  31204: 'TOKEN_INVALID',
  31208: 'MEDIA_PERMISSION_DENIED',
  31401: 'MEDIA_PERMISSION_DENIED',
  // The SDK gave up restoring the call's media (ICE failed past its restarts).
  53405: 'MEDIA_LOST',
  31003: 'MEDIA_LOST',
};

/** Maps a Twilio error (with a numeric `code`) onto the registry, keeping the original as cause. */
export function mapTwilioError(error: unknown): NotifyError {
  if (error instanceof NotifyError) return error;
  const twilioCode = (error as { code?: unknown } | null)?.code;
  const message = (error as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : String(error);
  if (typeof twilioCode === 'number') {
    const code = TWILIO_CODES[twilioCode] ?? 'VENDOR_ERROR';
    return new NotifyError(code, `Twilio error ${twilioCode}: ${text}`, { cause: error });
  }
  if ((error as { name?: unknown } | null)?.name === 'NotAllowedError') {
    return new NotifyError('MEDIA_PERMISSION_DENIED', text, { cause: error });
  }
  return new NotifyError('VENDOR_ERROR', `Twilio error: ${text}`, { cause: error });
}
