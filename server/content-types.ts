import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';

/**
 * Request body types, per encapsulated scope. Browser-facing routes read JSON only: a form or text/plain
 * body is what a cross-site `<form>` or a no-cors `fetch` can send without a preflight, so refusing it
 * (415 UNSUPPORTED_MEDIA_TYPE, before any handler runs) closes that CSRF path. Parsers a host app
 * registered globally (the emulator's form parser, Fastify's text/plain) are dropped in these scopes.
 */
export function acceptJsonOnly(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
}

/** Twilio's webhooks post `application/x-www-form-urlencoded` and nothing else. */
export async function acceptFormOnly(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  await app.register(formbody);
}

/**
 * The SIP proxy's call reports: form-encoded, also under `text/plain`, which is all some PBX HTTP clients send
 * with a body (Kamailio's http_client_query). Safe here: the routes authenticate with a bearer token, never a
 * cookie, so a body type a cross-site form can send opens no CSRF path.
 */
export async function acceptProxyForms(app: FastifyInstance): Promise<void> {
  await acceptFormOnly(app);
  app.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}
