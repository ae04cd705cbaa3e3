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
