import Fastify from 'fastify';
import formbody from '@fastify/formbody';
import type { AddressInfo } from 'node:net';

/** Filters of `GET Calls.json` this stand-in honours, as the emulator does; any other is refused. */
const HONOURED_FILTERS = new Set(['ParentCallSid', 'Status', 'PageSize', 'Page']);

/**
 * A stand-in for Twilio's REST Calls resource: records updates, lists the live child of a parent. It applies
 * the list filters the way the emulator (emulator/routes/rest-calls.ts) and Twilio do, so that a route asking
 * for the wrong status finds nothing here as it would there; a filter it does not model answers 400 rather
 * than being ignored.
 */
export async function fakeTwilioRest() {
  const app = Fastify();
  await app.register(formbody);
  const updates: Array<{ sid: string; body: Record<string, string> }> = [];
  /** Parent CallSid → its child's CallSid. */
  const children = new Map<string, string>();
  /** A child's status when it is not `in-progress`. */
  const statuses = new Map<string, string>();
  const call = (sid: string) => ({ sid, status: statuses.get(sid) ?? 'in-progress', parent_call_sid: null });
  app.get('/2010-04-01/Accounts/:account/Calls.json', async (request, reply) => {
    const query = request.query as Record<string, string>;
    const unknown = Object.keys(query).filter((name) => !HONOURED_FILTERS.has(name));
    if (unknown.length) return reply.code(400).send({ message: `fake REST: unmodelled filter ${unknown}` });
    const child = children.get(query.ParentCallSid ?? '');
    const calls = child ? [call(child)] : [];
    return {
      calls: calls.filter((c) => !query.Status || c.status === query.Status),
      page: 0,
      page_size: 50,
      next_page_uri: null,
    };
  });
  app.post<{ Params: { sid: string } }>('/2010-04-01/Accounts/:account/Calls/:sid.json', async (request) => {
    updates.push({
      sid: request.params.sid.replace(/\.json$/, ''),
      body: request.body as Record<string, string>,
    });
    return call(request.params.sid);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { url, updates, children, statuses, close: () => app.close() };
}
