import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers on every backend response. The backend serves JSON, SSE and TwiML, never a document,
 * so its CSP allows nothing and no framing; HSTS pins HTTPS for a year (browsers ignore it on plain HTTP
 * and on IP addresses, so local development is unaffected). Every response is `Cache-Control: no-store`:
 * most carry per-user data or a token (session JWT, Twilio access token), and the rest are cheap.
 */
export async function securityHeaders(
  app: FastifyInstance,
  { hsts = true }: { hsts?: boolean } = {},
): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    strictTransportSecurity: hsts ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    // CORS-mode fetches (the element's) are unaffected; no-cors embedding of API responses is refused.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
}
