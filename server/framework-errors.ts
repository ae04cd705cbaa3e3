import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { toNotifyError } from './errors.js';

/**
 * Fastify answers a few errors before any plugin's error handler can see them: an undecodable URL
 * (400) and a path parameter over `maxParamLength` (414). Only the server's `frameworkErrors` option
 * reaches them, so `buildServer` sets it, and a host app mounting `notifyBackend` should pass this too
 * (scripts/stack.ts does) to keep every error in the `{error:{code,message}}` shape.
 */
export const notifyFrameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
) => {
  const notifyError = toNotifyError(error);
  void reply
    .code(notifyError.statusCode)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .type('application/json')
    .send(notifyError.toBody());
};
