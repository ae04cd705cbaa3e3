import { Ajv, type Options } from 'ajv';
import formats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// Fastify's own defaults, minus coercion where it would hide a client's mistake.
const common: Options = { useDefaults: true, removeAdditional: true, allErrors: false };

/**
 * Bodies are JSON with real types: `name: 123` or `available: "false"` is a 400, not silently a string or
 * `true`. Querystrings, params and headers are text on the wire, so they keep Fastify's coercion
 * (`?limit=20` is an integer).
 */
function ajv(options: Options): Ajv {
  const instance = new Ajv({ ...common, ...options });
  // ajv-formats is CommonJS: under NodeNext its default import is the module object.
  (formats as unknown as { default: (ajv: Ajv) => void }).default(instance);
  return instance;
}

export function strictBodyValidator(): FastifySchemaCompiler<object> {
  const body = ajv({ coerceTypes: false });
  const text = ajv({ coerceTypes: 'array' });
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema);
}
