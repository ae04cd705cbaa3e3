import type { FastifyInstance } from 'fastify';
import type { BackendContext } from '../context.js';
import { isE164, preflightSession } from '../ids.js';
import { preflightTwiml } from '../calls/preflight.js';
import { joinConferenceTwiml, liveConference, listParticipants, setHold } from '../calls/conference.js';
import { CallDirection, Vendor, type ClientSession } from '../store/store.js';
import { availableSessionsOfUser, dialClients, notBusy, sessionsToRing } from '../routing.js';
import { voiceResponse } from '../twilio.js';
import {
  CLIENT_PREFIX,
  TWIML_MESSAGES,
  reject,
  ringAgain,
  say,
  sendTwiml,
  sessionOf,
  status,
  twilioTraffic,
  twimlResponse,
  webhookBody,
  type VoiceParams,
} from './twilio-twiml.js';

/** Where a dialled `To` points. `client` (another Notify session) is recognised but not routed yet. */
type DialTarget =
  { kind: 'number'; number: string } | { kind: 'client'; identity: string } | { kind: 'invalid' };

function dialTarget(to: string | undefined): DialTarget {
  const value = (to ?? '').trim();
  if (isE164(value)) return { kind: 'number', number: value };
  if (value.startsWith(CLIENT_PREFIX) && value.length > CLIENT_PREFIX.length) {
    return { kind: 'client', identity: value.slice(CLIENT_PREFIX.length) };
  }
  return { kind: 'invalid' };
}

/**
 * `POST /twilio/voice`, the TwiML App's voice URL and every Notify number's: a phone calling a Notify number
 * (the agents ring), a client's own call (a number or a colleague, or its held call resumed) and a pre-call test.
 */
export function twilioVoiceRoute(app: FastifyInstance, ctx: BackendContext): void {
  app.post<{ Body: VoiceParams; Querystring: { again?: string } }>(
    '/twilio/voice',
    {
      config: twilioTraffic,
      schema: {
        body: webhookBody,
        response: twimlResponse,
      },
    },
    async (request, reply) => {
      const params = request.body;
      if (params.From.startsWith(CLIENT_PREFIX)) {
        const tested = preflightSession(params.From.slice(CLIENT_PREFIX.length));
        if (tested !== undefined) return sendTwiml(reply, await preflightCall(tested, params.CallSid));
        return sendTwiml(reply, await outgoingFromClient(params));
      }
      return sendTwiml(reply, await incomingToNumber(params, Number(request.query.again) || 0));
    },
  );

  /**
   * A call to a Notify number (the number's voice URL is this route too): one available session of each of
   * up to ten users of the number's group rings (`sessionsToRing`, `<Dial><Client>`), the first to answer
   * gets it and Twilio cancels the others. The parent
   * leg is recorded first, so that the children's rows (from their status callbacks) link to it.
   */
  async function incomingToNumber(params: VoiceParams, again = 0) {
    const number = await ctx.store.getNumber((params.To ?? '').trim());
    if (!number) return reject(); // not a number of ours
    const { call: parent } = await ctx.store.upsertCall({
      call_sid: params.CallSid,
      parent_call_sid: null,
      session: null,
      direction: CallDirection.INBOUND,
      from: params.From,
      to: number.number,
      status: status(params.CallStatus, 'ringing'),
    });
    if (number.vendor !== Vendor.TWILIO_DIRECT) return say(TWIML_MESSAGES.noVendor);
    const sessions = await notBusy(
      ctx,
      await sessionsToRing(ctx.store, number.number, params.CallSid, ctx.liveSince()),
    );
    if (!sessions.length) return again ? ringAgain(ctx, again) : say(TWIML_MESSAGES.nobodyAvailable);
    const twiml = voiceResponse();
    dialClients(
      ctx,
      twiml,
      sessions,
      // The parent's id travels with the invite, so the client announces the call without asking for it
      // (GET /calls/:callSid/parent stays its fallback, e.g. for a backend that does not send it).
      { notifyNumber: number.number, parentId: parent.sys_id },
      {
        // When the ringing started and how often it started again: dial-complete tells a vanished callee
        // from one that let it ring out.
        action: ctx.publicUrlFor(`/twilio/dial-complete?rung=${Date.now()}&again=${again}`),
        answerOnBridge: true,
      },
    );
    return twiml;
  }

  /** A pre-call test of a live session (server/calls/preflight.ts); anyone else's is rejected. */
  async function preflightCall(sessionSysId: string, callSid: string) {
    const session = await ctx.store.getSession(sessionSysId);
    return session ? preflightTwiml(callSid) : reject();
  }

  /** A Voice SDK client placed a call: `From` is `client:s_<session sys_id>`, `To` what it dialled. */
  async function outgoingFromClient(params: VoiceParams) {
    const session = await sessionOf(ctx.store, params.From);
    if (!session) return reject();
    await ctx.store.upsertCall({
      call_sid: params.CallSid,
      // A call a client places is a parent leg. Its connect() parameters are merged flat into this request,
      // so a `ParentCallSid` here is the client's own claim, never Twilio's: trusting it would let the client
      // forward (take over) any call it names.
      parent_call_sid: null,
      session: session.sys_id,
      direction: CallDirection.OUTBOUND,
      from: params.From,
      to: params.To ?? '',
      status: status(params.CallStatus, 'ringing'),
    });
    const number = await ctx.store.findNumberForUser(session.number, session.user);
    if (!number || number.vendor !== Vendor.TWILIO_DIRECT) return say(TWIML_MESSAGES.callerIdRevoked);
    if (params.notifyResume) return resumeHeldCall(session, params.CallSid, params.notifyResume);

    const target = dialTarget(params.To);
    switch (target.kind) {
      case 'number': {
        // answerOnBridge: the client's call stays ringing until the phone answers (the timer starts then), and an
        // unanswered dial ends it with the far end's SIP outcome (busy, declined, no answer): decisions §16.
        const twiml = voiceResponse();
        twiml.dial({ callerId: session.number, answerOnBridge: true }).number(
          {
            statusCallback: ctx.publicUrlFor('/twilio/status'),
            statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
            statusCallbackMethod: 'POST',
          },
          target.number,
        );
        return twiml;
      }
      case 'client': {
        // `client:<user sys_id>` (call({userId})): every available session of that colleague rings.
        const callees = await notBusy(
          ctx,
          await availableSessionsOfUser(ctx.store, session.user, target.identity, ctx.liveSince()),
        );
        if (!callees.length) return say(TWIML_MESSAGES.clientUnavailable);
        const twiml = voiceResponse();
        dialClients(
          ctx,
          twiml,
          callees,
          { sysId: session.user, isFromClient: 'true', notifyNumber: session.number },
          { action: ctx.publicUrlFor('/twilio/dial-complete'), answerOnBridge: true },
        );
        return twiml;
      }
      case 'invalid':
        return say(TWIML_MESSAGES.invalidTo);
    }
  }

  /**
   * The agent's leg joins its held call's conference again (resume, server/routes/call-control.ts): only the
   * user's own call, only while its conference is live; the parties on hold are resumed as the agent joins.
   * Anything else hangs the new leg up, which the client reads as the end of the held call.
   */
  async function resumeHeldCall(session: ClientSession, legSid: string, heldCallSid: string) {
    const held = await ctx.store.getCall(heldCallSid);
    const owner = held?.session ? await ctx.store.getSession(held.session) : undefined;
    const hangup = voiceResponse();
    hangup.hangup();
    if (!held?.conference || owner?.user !== session.user) return hangup;
    const sid = await liveConference(ctx, held.conference);
    if (!sid) return hangup;
    // The new leg belongs to the held call (its history entry, its conference), which the user owns.
    await ctx.store.upsertCall({
      call_sid: legSid,
      parent_call_sid: held.call_sid,
      session: session.sys_id,
      direction: CallDirection.OUTBOUND,
      from: `client:${session.identity}`,
      to: '',
      status: 'in-progress',
    });
    await ctx.store.setCallConference(legSid, held.conference);
    const waiting = (await listParticipants(ctx, sid)).filter((p) => p.hold).map((p) => p.callSid);
    await setHold(ctx, sid, waiting, false);
    return joinConferenceTwiml(ctx, held.conference);
  }
}
