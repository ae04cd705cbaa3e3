import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The security headers of one backend, as name → value (lower-case names). */
export type SecurityHeaders = Readonly<Record<string, string>>;

/**
 * Security headers on every backend response. The backend serves JSON, SSE and TwiML, never a document,
 * so its CSP allows nothing and no framing; HSTS pins HTTPS for a year (browsers ignore it on plain HTTP
 * and on IP addresses, so local development is unaffected). Every response is `Cache-Control: no-store`:
 * most carry per-user data or a token (session JWT, Twilio access token), and the rest are cheap.
 *
 * Resolves to the same headers as a fixed set, for routes that opt out of the per-request middleware
 * (`helmet: false`) and send them themselves: see `GET /presence` (server/routes/presence.ts).
 */
export async function securityHeaders(
  app: FastifyInstance,
  { hsts = true }: { hsts?: boolean } = {},
): Promise<SecurityHeaders> {
  // Not annotated as HelmetOptions: helmet's ESM and CommonJS declarations (ours, @fastify/helmet's) differ.
  const options = {
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
  } as const;
  await app.register(fastifyHelmet, options);
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  return headersOf(options);
}

/**
 * The headers helmet sets with `options`, computed once. @fastify/helmet runs helmet on each request's raw
 * response, which keeps every header as a name/value pair of its own on that response for as long as it is
 * open: about 2 KB on each of the thousands of presence streams a backend holds open (measured with a heap
 * snapshot; bench/presence.ts). With no directive computed per request (no nonces), the values are the same
 * every time, so a route may send these instead. Helmet's middleware only sets and removes headers.
 */
function headersOf(options: HelmetOptions): SecurityHeaders {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader(name: string, value: string | number) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let done = false;
  helmet(options)({} as IncomingMessage, collector as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  // Helmet 8 runs its middlewares synchronously; a later one that did not would leave this set partial.
  if (!done) throw new Error('helmet did not finish synchronously: its headers cannot be computed once');
  return Object.freeze(headers);
}
