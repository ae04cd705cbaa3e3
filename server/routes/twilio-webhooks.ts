import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { isE164, preflightSession } from '../ids.js';
import { preflightTwiml } from '../calls/preflight.js';
import {
  CALL_STATUSES,
  CallDirection,
  Vendor,
  isCallStatus,
  isTerminalStatus,
  parseCallDuration,
  type CallStatus,
  type ClientSession,
  type NotifyStore,
} from '../store/store.js';
import {
  RING_TIMEOUT_SECONDS,
  availableSessionsOfUser,
  dialClients,
  notBusy,
  sessionsToRing,
} from '../routing.js';

/** How often a call whose ringing tab vanished rings the agents again, a second apart (ringAgain). */
const RING_AGAIN_MAX = 5;
import { joinConferenceTwiml, liveConference, listParticipants, setHold } from '../calls/conference.js';
import { onConferenceEvent, type ConferenceEvent } from '../calls/conference-events.js';
import { isValidWebhook, voiceResponse, type WebhookParams } from '../twilio.js';

/** The parameters of a voice or status webhook that the backend reads (Twilio sends more). */
interface VoiceParams {
  CallSid: string;
  AccountSid?: string;
  From: string;
  To?: string;
  CallStatus?: string;
  Direction?: string;
  ParentCallSid?: string;
  /** connect() parameter of a client resuming its held call: the call's id (server/routes/call-control.ts). */
  notifyResume?: string;
}

const CLIENT_PREFIX = 'client:';

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

const webhookBody = {
  type: 'object',
  required: ['CallSid', 'From'],
  // No additionalProperties:false: every parameter Twilio sent is part of the signature.
  properties: {
    CallSid: { type: 'string', minLength: 1, maxLength: 64 },
    AccountSid: { type: 'string' },
    From: { type: 'string' },
    To: { type: 'string' },
    CallStatus: { type: 'string' },
    Direction: { type: 'string' },
    ParentCallSid: { type: 'string' },
  },
} as const;

const TWIML_MESSAGES = {
  invalidTo: 'Sorry, that is not a valid phone number. Please dial the number in international format.',
  clientUnavailable: 'Sorry, that person is not available right now. Goodbye.',
  nobodyAvailable: 'Sorry, nobody is available to take your call right now. Please try again later. Goodbye.',
  noVendor: 'Sorry, this number cannot take calls right now. Goodbye.',
  callerIdRevoked: 'Sorry, you may no longer call from this number.',
} as const;

function sendTwiml(reply: FastifyReply, twiml: { toString(): string }): FastifyReply {
  return reply.code(200).type('text/xml; charset=utf-8').send(twiml.toString());
}

function say(message: string) {
  const twiml = voiceResponse();
  twiml.say(message);
  twiml.hangup();
  return twiml;
}

function reject() {
  const twiml = voiceResponse();
  twiml.reject();
  return twiml;
}

function status(value: string | undefined, fallback: CallStatus): CallStatus {
  return value && isCallStatus(value) ? value : fallback;
}

/** The session a `client:<identity>` address belongs to, if it is one of ours. */
async function sessionOf(
  store: NotifyStore,
  address: string | undefined,
): Promise<ClientSession | undefined> {
  if (!address?.startsWith(CLIENT_PREFIX)) return undefined;
  return store.getSessionByIdentity(address.slice(CLIENT_PREFIX.length));
}

/**
 * Twilio's webhooks: the TwiML App voice URL and call status callbacks. Every request must carry a valid
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

  // Twilio's own requests are never rate limited: a 429 would drop a live call. They are signed, and a forged
  // one is refused by the cheap HMAC check above before any work is done.
  const twilioTraffic = { rateLimit: false } as const;

  app.post<{ Body: VoiceParams; Querystring: { again?: string } }>(
    '/twilio/voice',
    {
      config: twilioTraffic,
      schema: {
        body: webhookBody,
        response: { 200: { type: 'string', description: 'TwiML (text/xml)' } },
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
    if (!sessions.length) return again ? ringAgain(again) : say(TWIML_MESSAGES.nobodyAvailable);
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

  /**
   * The call rings the agents again after a pause (docs/decisions.md §27): the tab it rang went away (closed
   * while ringing) and another tab of the agent is taking over its registration, which takes about a second or
   * two; nobody available after RING_AGAIN_MAX tries ends it as before.
   */
  function ringAgain(again: number) {
    if (again >= RING_AGAIN_MAX) return say(TWIML_MESSAGES.nobodyAvailable);
    const twiml = voiceResponse();
    twiml.pause({ length: 1 });
    twiml.redirect({ method: 'POST' }, ctx.publicUrlFor(`/twilio/voice?again=${again + 1}`));
    return twiml;
  }

  /** The `<Dial action>` of routed calls: a call nobody took hears why before it ends. */
  app.post<{
    Body: VoiceParams & { DialCallStatus?: string; DialBridged?: string };
    Querystring: { rung?: string; again?: string };
  }>(
    '/twilio/dial-complete',
    {
      config: twilioTraffic,
      schema: { body: webhookBody, response: { 200: { type: 'string', description: 'TwiML (text/xml)' } } },
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
      if (vanished) return sendTwiml(reply, ringAgain(Number(request.query.again) || 0));
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

  /** A Voice SDK client placed a call: `From` is `client:s_<session sys_id>`, `To` what it dialled. */
  /** A pre-call test of a live session (server/calls/preflight.ts); anyone else's is rejected. */
  async function preflightCall(sessionSysId: string, callSid: string) {
    const session = await ctx.store.getSession(sessionSysId);
    return session ? preflightTwiml(callSid) : reject();
  }

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
};
