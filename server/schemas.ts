import { errorResponseSchema } from './errors.js';

/** JSON schemas shared by several routes. */

/** The error responses a route can give; fast-json-stringify uses them to serialize `{error}` bodies. */
export const errorResponses = { '4xx': errorResponseSchema, '5xx': errorResponseSchema } as const;

export const userSchema = {
  type: 'object',
  required: ['sys_id', 'name'],
  properties: { sys_id: { type: 'string' }, name: { type: 'string' } },
} as const;

export const sysIdParams = {
  type: 'object',
  required: ['sysId'],
  properties: { sysId: { type: 'string', pattern: '^[0-9a-f]{32}$' } },
} as const;

/** A Twilio CallSid. */
export const callSidSchema = { type: 'string', pattern: '^CA[0-9a-fA-F]{32}$' } as const;

/**
 * A call's id as a client knows it: a Twilio CallSid, or a SIP Call-ID (RFC 3261 `word`s, limited here to what
 * a URL path segment carries unescaped, and `@`).
 */
export const callIdParams = {
  type: 'object',
  required: ['callSid'],
  properties: { callSid: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._~!*+%@-]{0,199}$' } },
} as const;

/** `:callSid` route parameters. */
export const callSidParams = {
  type: 'object',
  required: ['callSid'],
  properties: { callSid: callSidSchema },
} as const;

export const tokenProperties = {
  token: { type: 'string' },
  ttl: { type: 'integer' },
  expiresAt: { type: 'string', format: 'date-time' },
} as const;

/** Where a call goes (forward, refer, add to a call): a number or a colleague's user sys_id. */
export const targetProperties = {
  type: { type: 'string', enum: ['number', 'userId'] },
  id: { type: 'string', minLength: 1, maxLength: 64 },
} as const;

/** A request body that is a target and nothing else. */
export const targetBody = {
  type: 'object',
  required: ['type', 'id'],
  additionalProperties: false,
  properties: targetProperties,
} as const;
