import type { FastifyInstance } from 'fastify';
import type { BackendContext } from '../context.js';
import { onConferenceEvent, type ConferenceEvent } from '../calls/conference-events.js';
import {
  CALL_STATUSES,
  CallDirection,
  isTerminalStatus,
  parseCallDuration,
  type CallStatus,
} from '../store/store.js';
import { sessionOf, twilioTraffic, webhookBody, type VoiceParams } from './twilio-twiml.js';

/**
 * Twilio's status callbacks: a call leg's (`POST /twilio/status`, recorded in notify_call) and a conference's
 * (`POST /twilio/conference`, acted on by server/calls/conference-events.ts).
 */
export function twilioStatusRoutes(app: FastifyInstance, ctx: BackendContext): void {
  app.post<{ Body: ConferenceEvent }>(
    '/twilio/conference',
    {
      config: twilioTraffic,
      schema: {
        description:
          'Conference status callbacks of the calls moved into conferences (hold, transfer, three-way).',
        body: {
          type: 'object',
          required: ['ConferenceSid', 'FriendlyName', 'StatusCallbackEvent'],
          properties: {
            ConferenceSid: { type: 'string', pattern: '^CF[0-9a-fA-F]{32}$' },
            FriendlyName: { type: 'string', maxLength: 128 },
            StatusCallbackEvent: { type: 'string', maxLength: 64 },
            CallSid: { type: 'string', maxLength: 64 },
          },
        },
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      // A conference that ended meanwhile (404 from REST) is nothing to act on; Twilio needs no retry either way.
      await onConferenceEvent(ctx, request.body).catch((error: unknown) =>
        request.log.warn({ err: error }, 'conference callback: could not act on it'),
      );
      return reply.code(204).send();
    },
  );

  app.post<{ Body: VoiceParams & { CallStatus: CallStatus; CallDuration?: unknown } }>(
    '/twilio/status',
    {
      config: twilioTraffic,
      schema: {
        body: {
          ...webhookBody,
          required: ['CallSid', 'CallStatus'],
          properties: {
            ...webhookBody.properties,
            CallStatus: { type: 'string', enum: [...CALL_STATUSES] },
            // Untyped on purpose: a malformed value is ignored, never a 400 (the status still counts).
            CallDuration: {
              description: 'Seconds, on the terminal callback; recorded as notify_call.duration',
            },
          },
        },
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      const params = request.body;
      const existing = await ctx.store.getCall(params.CallSid);
      const parent = params.ParentCallSid ? await ctx.store.getCall(params.ParentCallSid) : undefined;
      // A <Dial><Client> child belongs to the session it rings (and reaches it inbound), not the parent's.
      const callee =
        params.ParentCallSid && !existing?.session ? await sessionOf(ctx.store, params.To) : undefined;
      let direction = existing?.direction ?? (callee ? CallDirection.INBOUND : parent?.direction);
      let session = existing?.session ?? callee?.sys_id ?? parent?.session ?? null;
      if (!direction) {
        const caller = await sessionOf(ctx.store, params.From);
        const callee = caller ? undefined : await sessionOf(ctx.store, params.To);
        direction = caller ? CallDirection.OUTBOUND : CallDirection.INBOUND;
        session = caller?.sys_id ?? callee?.sys_id ?? null;
      }
      await ctx.store.upsertCall({
        call_sid: params.CallSid,
        parent_call_sid: params.ParentCallSid ?? null,
        session,
        direction,
        from: params.From ?? '',
        to: params.To ?? '',
        status: params.CallStatus,
        // Twilio sends it with the terminal (`completed` event) callback; the store ignores it otherwise.
        duration: isTerminalStatus(params.CallStatus) ? parseCallDuration(params.CallDuration) : undefined,
      });
      return reply.code(204).send();
    },
  );
}
