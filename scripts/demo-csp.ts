import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Pages that compile templates in the browser: Vue's full build (vue.esm-browser) turns the in-DOM
 * template into a render function with `new Function`, which CSP counts as eval. Only these pages get
 * 'unsafe-eval'.
 */
const COMPILES_TEMPLATES = new Set(['vue.html']);

const INLINE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;

/** CSP source expressions ('sha256-…') for the inline scripts (and import maps) of one page. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const [, attributes = '', body = ''] of html.matchAll(INLINE_SCRIPT)) {
    if (/\bsrc\s*=/i.test(attributes) || body === '') continue;
    hashes.push(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
  }
  return hashes;
}

/** The demo page (`index.html` for `/`) a request is for, if any. */
function pageOf(request: IncomingMessage): string {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  return path === '/' ? 'index.html' : path.slice(1);
}

/**
 * Security headers for everything the development stack serves besides the backend (which sets its own):
 * the demo pages, dist/, vendor files, the emulator. The demo pages' CSP is what the element and the
 * Voice SDK need on one origin: scripts from the origin (inline ones by hash, computed from the files at
 * start), XHR/fetch/EventSource to the origin and the emulator's signaling over wss:// on the same host,
 * media from blob:/mediastream: (remote audio, sounds), workers and audio worklets from the origin or
 * blob:, nothing framed, no plugins. `connectTo` adds sources such as the SIP proxy's wss:// URL.
 */
export async function demoSecurityHeaders(
  app: FastifyInstance,
  demoDir: string,
  connectTo: string[] = [],
): Promise<void> {
  const hashes = new Map<string, string[]>();
  for (const file of await readdir(demoDir)) {
    if (file.endsWith('.html'))
      hashes.set(file, inlineScriptHashes(await readFile(`${demoDir}/${file}`, 'utf8')));
  }
  const scripts = (request: IncomingMessage) => {
    const page = pageOf(request);
    const evaluates = COMPILES_TEMPLATES.has(page) ? ["'unsafe-eval'"] : [];
    return ["'self'", ...(hashes.get(page) ?? []), ...evaluates].join(' ');
  };
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: [(request) => scripts(request as IncomingMessage)],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:', 'mediastream:'],
        connectSrc: [
          "'self'",
          (request) => `wss://${(request as IncomingMessage).headers.host ?? ''}`,
          ...connectTo,
        ],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    // HSTS ignores ports: pinning localhost would break a developer's other local HTTP servers.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    // Test pages on another origin (the browser tests') load the emulator's sounds.
    crossOriginResourcePolicy: false,
  });
}
