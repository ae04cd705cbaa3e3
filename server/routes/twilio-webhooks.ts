import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { isValidWebhook, type WebhookParams } from '../twilio.js';
import { dialCompleteRoute } from './twilio-dial-complete.js';
import { twilioStatusRoutes } from './twilio-status.js';
import { twilioVoiceRoute } from './twilio-voice.js';

/**
 * Twilio's webhooks: the TwiML App voice URL (twilio-voice.ts), the `<Dial action>` (twilio-dial-complete.ts)
 * and the call and conference status callbacks (twilio-status.ts). Every request must carry a valid
 * `X-Twilio-Signature` for the public URL it was sent to; anything else gets 403 INVALID_SIGNATURE before
 * the body is validated or anything is recorded.
 */
export const twilioWebhookRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  const prefix = app.prefix;

  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.webhookLatency.observe(
      { route: request.routeOptions.url ?? 'unknown', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.addHook('preValidation', async (request: FastifyRequest) => {
    const path = prefix && request.url.startsWith(prefix) ? request.url.slice(prefix.length) : request.url;
    const signature = request.headers['x-twilio-signature'];
    const params = (request.body ?? {}) as WebhookParams;
    if (typeof params !== 'object' || Array.isArray(params)) throw new NotifyError('INVALID_SIGNATURE');
    const valid = isValidWebhook(
      ctx.account,
      typeof signature === 'string' ? signature : undefined,
      ctx.publicUrlFor(path),
      params,
    );
    if (!valid) throw new NotifyError('INVALID_SIGNATURE');
  });

  // In this plugin's own context, so the signature check and the metrics above cover every one of them.
  twilioVoiceRoute(app, ctx);
  dialCompleteRoute(app, ctx);
  twilioStatusRoutes(app, ctx);
};
