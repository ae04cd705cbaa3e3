import type { FastifyInstance } from 'fastify';
import type { BackendContext } from '../context.js';
import { isCallStatus, isTerminalStatus } from '../store/store.js';
import { RING_TIMEOUT_SECONDS } from '../routing.js';
import { voiceResponse } from '../twilio.js';
import {
  CLIENT_PREFIX,
  TWIML_MESSAGES,
  ringAgain,
  say,
  sendTwiml,
  twilioTraffic,
  twimlResponse,
  webhookBody,
  type VoiceParams,
} from './twilio-twiml.js';

/** `POST /twilio/dial-complete`, the `<Dial action>` of routed calls: a call nobody took hears why before it ends. */
export function dialCompleteRoute(app: FastifyInstance, ctx: BackendContext): void {
  app.post<{
    Body: VoiceParams & { DialCallStatus?: string; DialBridged?: string };
    Querystring: { rung?: string; again?: string };
  }>(
    '/twilio/dial-complete',
    {
      config: twilioTraffic,
      schema: { body: webhookBody, response: twimlResponse },
    },
    async (request, reply) => {
      const { DialCallStatus: dialStatus, DialBridged: bridged, CallStatus: callStatus } = request.body;
      // Unanswered well before the ring timeout: the callee's tab went away while it rang (no-answer at once),
      // not an agent who let it ring. The caller is still there: ring again (ringAgain).
      const rung = Number(request.query.rung);
      const vanished =
        (dialStatus === 'no-answer' || dialStatus === 'failed') &&
        bridged !== 'true' &&
        !request.body.From.startsWith(CLIENT_PREFIX) &&
        rung > 0 &&
        Date.now() - rung < (RING_TIMEOUT_SECONDS - 5) * 1000 &&
        !(callStatus && isCallStatus(callStatus) && isTerminalStatus(callStatus));
      if (vanished) return sendTwiml(reply, ringAgain(ctx, Number(request.query.again) || 0));
      // Whatever this route answers ends the call (`<Hangup/>`), and a Notify number's own leg gets no status
      // callback unless one is configured on the number: record its end here, or its row stays 'ringing'.
      const parent = await ctx.store.getCall(request.body.CallSid);
      if (parent) {
        await ctx.store.upsertCall({
          call_sid: parent.call_sid,
          direction: parent.direction,
          from: parent.from,
          to: parent.to,
          status:
            callStatus && isCallStatus(callStatus) && isTerminalStatus(callStatus) ? callStatus : 'completed',
        });
      }
      if (dialStatus === 'completed' || bridged === 'true') {
        const twiml = voiceResponse();
        twiml.hangup();
        return sendTwiml(reply, twiml);
      }
      // A client's own unanswered call (answerOnBridge, never answered) ends here with nothing more to run, so
      // Twilio ends it with the dial's outcome (busy, no answer) for the SDK to report: a <Say> would answer it
      // first, and the caller would see a connected call instead of "No answer".
      if (request.body.From.startsWith(CLIENT_PREFIX)) return sendTwiml(reply, voiceResponse());
      return sendTwiml(reply, say(TWIML_MESSAGES.nobodyAvailable));
    },
  );
}
