import type { FastifyInstance } from 'fastify';

/**
 * Open CORS for the emulator's own routes: the SDK fetches sounds by XHR from the page's origin, and test
 * pages read the inspection API. Done by hand rather than with @fastify/cors so that the emulator, mounted
 * next to the backend in one root app, cannot clash with the backend's own CORS registration.
 */
export function allowAnyOrigin(app: FastifyInstance, prefixes: string[]): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!prefixes.some((prefix) => request.url.startsWith(prefix))) return;
    reply.header('Access-Control-Allow-Origin', request.headers.origin ?? '*');
    reply.header('Vary', 'Origin');
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
