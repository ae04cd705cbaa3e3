import { randomBytes } from 'node:crypto';

/** Twilio resource SIDs are a two-letter type prefix and 32 lowercase hex digits. */
export const newSid = (prefix: 'CA' | 'CF' | 'KX'): string => `${prefix}${randomBytes(16).toString('hex')}`;

/** An opaque signaling reconnect token; the SDK only stores and echoes it. */
export const newReconnectToken = (): string => randomBytes(24).toString('base64url');
