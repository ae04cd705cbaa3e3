import Fastify from 'fastify';
import formbody from '@fastify/formbody';
import type { AddressInfo } from 'node:net';

/** A stand-in for Twilio's REST Calls resource: records updates, lists one live child per parent. */
export async function fakeTwilioRest() {
  const app = Fastify();
  await app.register(formbody);
  const updates: Array<{ sid: string; body: Record<string, string> }> = [];
  const children = new Map<string, string>();
  const call = (sid: string) => ({ sid, status: 'in-progress', parent_call_sid: null });
  app.get('/2010-04-01/Accounts/:account/Calls.json', async (request) => {
    const parent = (request.query as Record<string, string>).ParentCallSid ?? '';
    const child = children.get(parent);
    return { calls: child ? [call(child)] : [], page: 0, page_size: 50, next_page_uri: null };
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
  return { url, updates, children, close: () => app.close() };
}
