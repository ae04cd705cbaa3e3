import type { FastifyPluginAsync } from 'fastify';
import { currentUser, requireUser } from '../auth.js';
import type { BackendContext } from '../context.js';
import { errorResponses } from '../schemas.js';
import type { PresenceEvent, User } from '../store/store.js';

/**
 * `GET /presence`: Server-Sent Events for the signed-in user's groups. On connect and after every change
 * it sends `event: available` `{clients:[{sys_id,name}]}` (what `GET /sessions/available` would answer,
 * only when it changed), and for each session change of a user sharing a group `event: session`
 * `{type:'session.created'|'session.updated'|'session.removed', session:{sys_id,user,name,available}}`.
 * Changes made on any instance arrive (PostgreSQL LISTEN/NOTIFY; in-process with SQLite). Comments keep
 * the stream alive; EventSource reconnects by itself (`retry` is 2 s).
 */
export const presenceRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  app.get(
    '/presence',
    {
      preHandler: requireUser(ctx),
      schema: {
        description: "Server-Sent Events: availability and session changes of the user's groups.",
        response: { 200: { type: 'string', description: 'text/event-stream' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      let groups = new Set((await ctx.store.listUserGroups(user.sys_id)).map((g) => g.sys_id));
      let lastClients = '';
      let closed = false;
      const raw = reply.raw;
      const write = (chunk: string) => {
        if (!closed) raw.write(chunk);
      };
      const send = (event: string, data: unknown) =>
        write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

      // Refreshes are chained so that `available` events go out in order and never overlap.
      let refreshing: Promise<void> = Promise.resolve();
      const refresh = () => {
        refreshing = refreshing
          .then(async () => {
            if (closed) return;
            groups = new Set((await ctx.store.listUserGroups(user.sys_id)).map((g) => g.sys_id));
            const clients: User[] = await ctx.store.listAvailableColleagues(user.sys_id);
            const json = JSON.stringify(clients);
            if (json === lastClients) return;
            lastClients = json;
            send('available', { clients });
          })
          .catch((error: unknown) => request.log.warn({ err: error }, 'presence refresh failed'));
      };
      const onEvent = (event: PresenceEvent) => {
        const visible = event.session.user === user.sys_id || event.groups.some((g) => groups.has(g));
        if (!visible) return;
        send('session', { type: event.type, session: event.session });
        refresh();
      };

      const unsubscribe = await ctx.store.onPresence(onEvent);
      reply.hijack();
      // Headers set by hooks (CORS, request id) live on the reply, which hijack bypasses: copy them.
      const hooked = Object.fromEntries(
        Object.entries(reply.getHeaders()).filter(
          (entry): entry is [string, string | number | string[]] => entry[1] !== undefined,
        ),
      );
      raw.writeHead(200, {
        ...hooked,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      write('retry: 2000\n\n');
      refresh();
      ctx.metrics.presenceSubscribers.inc();
      const heartbeat = setInterval(() => write(': keep-alive\n\n'), ctx.presenceHeartbeatMs);
      const end = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        ctx.metrics.presenceSubscribers.dec();
        ctx.closing.removeEventListener('abort', end);
        void unsubscribe();
        raw.end();
      };
      raw.on('close', end);
      ctx.closing.addEventListener('abort', end);
    },
  );
};
