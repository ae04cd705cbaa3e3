import type { FastifyPluginAsync } from 'fastify';
import { currentUser, requireUser, stillSignedIn } from '../auth.js';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { availableColleaguesPage } from '../paging.js';
import { PresenceHub, sseEvent } from '../presence-hub.js';
import { errorResponses } from '../schemas.js';

/**
 * `GET /presence`: Server-Sent Events for the signed-in user's groups. On connect `event: available`
 * `{clients:[{sys_id,name}], next}` (the first page of `GET /sessions/available`); then, for each session
 * change of a user sharing a group, `event: session` `{type:'session.created'|'session.updated'|
 * 'session.removed', session:{sys_id,user,name,available}}`, followed by `event: availability`
 * `{client:{sys_id,name}, available}` when that change added the user to or removed them from the available
 * list (never sent about oneself). Changes made on any instance arrive (PostgreSQL LISTEN/NOTIFY; in-process
 * with SQLite), fanned out by one `PresenceHub` per app. Comments keep the stream alive; EventSource
 * reconnects by itself (`retry` is 2 s) and then reads a fresh snapshot. `HEAD /presence` answers the stream's
 * headers and ends.
 */
export const presenceRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  const hub = new PresenceHub(ctx.store, {
    heartbeatMs: ctx.presenceHeartbeatMs,
    closing: ctx.closing,
    gauge: ctx.metrics.presenceSubscribers,
    onError: (error) => app.log.warn({ err: error }, 'presence write failed'),
  });
  app.addHook('onClose', async () => hub.close());

  app.get(
    '/presence',
    {
      // Each open stream keeps its response's headers as long as it is open: this route sends the backend's
      // security headers as one fixed set (on errors too) rather than through the per-request middleware,
      // which stores a copy of each on every response (server/security-headers.ts).
      helmet: false,
      onRequest: async (_request, reply) => {
        reply.headers(ctx.securityHeaders);
      },
      preHandler: requireUser(ctx),
      schema: {
        description: "Server-Sent Events: availability and session changes of the user's groups.",
        response: { 200: { type: 'string', description: 'text/event-stream' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      if (ctx.closing.aborted) throw new NotifyError('NOT_READY');
      // Fastify answers HEAD with this handler: the stream's headers, without holding a stream open (which
      // would take one of the user's streams until the client hung up).
      if (request.method === 'HEAD') {
        return reply
          .type('text/event-stream; charset=utf-8')
          .header('cache-control', 'no-store, no-transform')
          .send();
      }
      const user = currentUser(request).sys_id;
      // Each stream holds a socket and up to a MiB of buffered events: a user gets a bounded number of them.
      if (hub.streamsOf(user) >= ctx.presenceStreamsPerUser) {
        throw new NotifyError(
          'RATE_LIMITED',
          `Too many open presence streams for this user (at most ${ctx.presenceStreamsPerUser}); close one first.`,
        );
      }
      const groups = (await ctx.store.listUserGroups(user)).map((g) => g.sys_id);
      const raw = reply.raw;
      // Subscribed before the snapshot is read: changes committed meanwhile are held, then sent after it.
      const subscriber = await hub.add(raw, user, groups);
      // A sign-out announced before the hub listened would be missed: refuse a token revoked meanwhile.
      if (!(await stillSignedIn(ctx, request)) || subscriber.signedOut) {
        hub.remove(subscriber);
        throw new NotifyError('UNAUTHENTICATED');
      }
      raw.once('close', () => hub.remove(subscriber));
      reply.hijack();
      if (!raw.socket || raw.socket.destroyed) {
        hub.remove(subscriber); // the client left while we subscribed
        return;
      }
      // Headers set by hooks (CORS, request id) live on the reply, which hijack bypasses: copy them.
      const hooked = Object.fromEntries(
        Object.entries(reply.getHeaders()).filter(
          (entry): entry is [string, string | number | string[]] => entry[1] !== undefined,
        ),
      );
      raw.writeHead(200, {
        ...hooked,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      // The header block goes out now, on its own: Node then writes it from the one string it built it into
      // piece by piece, which V8 flattens in place. Sent with the first chunk instead, that string is kept as a
      // rope of ~75 pieces, 2-3 KB per open stream (a heap snapshot of 2,000 streams: 1.7 KB less each).
      raw.flushHeaders();
      raw.write('retry: 2000\n\n');
      try {
        hub.ready(
          subscriber,
          sseEvent(
            'available',
            await availableColleaguesPage(ctx.store, user, undefined, undefined, ctx.liveSince()),
          ),
        );
      } catch (error) {
        request.log.warn({ err: error }, 'presence snapshot failed');
        hub.remove(subscriber);
        raw.end();
      }
    },
  );
};
