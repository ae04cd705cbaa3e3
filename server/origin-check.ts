import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readCookie, SESSION_COOKIE } from './auth.js';
import { NotifyError } from './errors.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF defence for state-changing requests (POST, PUT, PATCH, DELETE) of the browser-facing routes; the
 * Twilio webhooks are outside its scope (they are signed instead). Browsers send `Origin` on every
 * cross-origin request and on same-origin ones other than GET/HEAD, so:
 * - an `Origin` that is neither the backend's own origin (from `publicUrl`) nor a configured CORS origin
 *   is refused with 403 ORIGIN_NOT_ALLOWED (`Origin: null`, from sandboxed frames and some redirects,
 *   included);
 * - no `Origin` means a non-browser client (curl, a server). It is accepted when the request carries no
 *   session cookie or authenticates with a bearer token, which a browser never attaches by itself; a
 *   request that would be authenticated by the cookie alone must show its origin.
 */
export function checkOrigin(app: FastifyInstance, allowedOrigins: () => Iterable<string>): void {
  app.addHook('onRequest', async (request) => {
    if (!STATE_CHANGING.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin === undefined) {
      if (cookieOnly(request)) {
        throw new NotifyError(
          'ORIGIN_NOT_ALLOWED',
          'A request authenticated by the session cookie must carry an Origin header.',
        );
      }
      return;
    }
    if (!new Set(allowedOrigins()).has(origin)) throw new NotifyError('ORIGIN_NOT_ALLOWED');
  });
}

function cookieOnly(request: FastifyRequest): boolean {
  return !request.headers.authorization && readCookie(request.headers.cookie, SESSION_COOKIE) !== undefined;
}
