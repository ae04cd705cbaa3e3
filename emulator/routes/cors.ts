import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * CORS for the emulator's own routes, limited to the emulator's own origin and the configured ones: the
 * SDK fetches sounds by XHR from the page's origin, and test pages read the inspection API. Any other
 * page a developer opens must not read call metadata or dial and hang up virtual phones, so a request
 * under these prefixes that carries a foreign `Origin` (preflight or not, read or write) is refused with
 * 403 and no CORS headers. Requests without `Origin` (the backend's and the tests' own HTTP clients,
 * `<audio src>`) are served as before. Done by hand rather than with @fastify/cors so that the emulator,
 * mounted next to the backend in one root app, cannot clash with the backend's own CORS registration.
 */
export function allowOrigins(
  app: FastifyInstance,
  prefixes: string[],
  configuredOrigins: () => readonly string[],
): void {
  // The emulator's own origin, as the browser addressed it: a page elsewhere cannot set Host to it.
  const ownOrigin = (request: FastifyRequest) => `${request.protocol}://${request.headers.host ?? ''}`;
  const allowed = (request: FastifyRequest, origin: string) =>
    origin === ownOrigin(request) || configuredOrigins().includes(origin);

  app.addHook('onRequest', async (request, reply) => {
    if (!prefixes.some((prefix) => request.url.startsWith(prefix))) return;
    const origin = request.headers.origin;
    if (origin === undefined) return;
    reply.header('Vary', 'Origin');
    if (!allowed(request, origin)) {
      return reply.code(403).send({
        error: { code: 'ORIGIN_NOT_ALLOWED', message: `The emulator does not serve pages of ${origin}.` },
      });
    }
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Access-Control-Allow-Credentials', 'true');
  });
  for (const prefix of prefixes) {
    app.options(`${prefix}*`, async (request, reply) => {
      reply
        .header('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS')
        .header('Access-Control-Allow-Headers', request.headers['access-control-request-headers'] ?? '*')
        .header('Access-Control-Max-Age', '600')
        .code(204)
        .send();
    });
  }
}
