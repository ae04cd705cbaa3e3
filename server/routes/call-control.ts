import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { currentUser, requireUser } from '../auth.js';
import type { BackendContext } from '../context.js';
import { NotifyError } from '../errors.js';
import { isE164, isSysId } from '../ids.js';
import { allowedCallerId } from '../caller-id.js';
import { availableSessionsOfUser, notBusy } from '../routing.js';
import { callSidParams, callSidSchema, errorResponses, targetBody } from '../schemas.js';
import { isTerminalStatus } from '../store/store.js';
import { ownCall, otherParty, type OwnCall } from '../calls/parties.js';
import {
  awaitParticipants,
  conferenceName,
  listParticipants,
  liveConference,
  moveIntoConference,
  setHold,
} from '../calls/conference.js';
import { noticeTransfer } from '../calls/transfer-notice.js';

const conferenceAnswer = {
  type: 'object',
  required: ['conference'],
  properties: { conference: { type: 'string' }, held: { type: 'boolean' } },
} as const;

/**
 * Hold, warm transfer and added parties (docs/decisions.md, "Hold, transfer and three-way through
 * conferences"). Every route acts on one of the signed-in user's own legs (`:callSid`, the id the client
 * knows the call by) and on nothing else: another user's call is 403, whatever conference it is in.
 *
 * A call starts as a plain bridge. The first of these actions moves its other party into the call's own
 * conference (`notify-<callSid>`), where hold is Twilio's participant hold with the account's hold audio;
 * the agent's browser leg leaves on hold (its microphone is not sent anywhere) and joins again on resume
 * (the voice webhook's `notifyResume`), so that the one media call the SDK holds is free for a waiting call
 * or a consultation.
 */
export const callControlRoutes: FastifyPluginAsync<BackendContext> = async (app, ctx) => {
  /**
   * The user's own browser legs in a conference (the agent's rejoin legs), by CallSid. A leg's session is not
   * enough: the far party of a call the agent placed is recorded with the agent's session too (it is the
   * child of the agent's leg); a browser leg is the one whose address is the session's `client:` identity.
   */
  async function ownLegs(request: FastifyRequest, name: string): Promise<Set<string>> {
    const user = currentUser(request).sys_id;
    const own = new Set<string>();
    for (const leg of await ctx.store.listConferenceCalls(name)) {
      const session = leg.session ? await ctx.store.getSession(leg.session) : undefined;
      const address = session && `client:${session.identity}`;
      if (session?.user === user && (leg.from === address || leg.to === address)) own.add(leg.call_sid);
    }
    return own;
  }

  /**
   * The live conference of a call, moving the call's other party into it first if it is still a plain
   * bridge (`hold`: that party is held as soon as it is in). 409 INVALID_STATE when nobody is connected.
   */
  async function conferenceOf({ call }: OwnCall, hold: boolean): Promise<{ name: string; sid: string }> {
    const name = conferenceName(call.call_sid);
    if (call.conference) {
      const sid = await liveConference(ctx, call.conference);
      if (!sid) throw new NotifyError('INVALID_STATE', 'The call has ended.');
      return { name: call.conference, sid };
    }
    if (isTerminalStatus(call.status)) throw new NotifyError('INVALID_STATE', 'The call has ended.');
    const other = await otherParty(ctx, call);
    if (!other) throw new NotifyError('INVALID_STATE', 'Nobody is connected to the call yet.');
    await ctx.store.setCallConference(call.call_sid, name);
    await ctx.store.setCallConference(other, name);
    await moveIntoConference(ctx, other, name);
    const sid = await awaitParticipants(ctx, name, [other]);
    if (!sid) throw new NotifyError('INVALID_STATE', 'The other party left the call.');
    if (hold) await setHold(ctx, sid, [other], true);
    return { name, sid };
  }

  app.post<{ Params: { callSid: string }; Body: { hold: boolean } }>(
    '/calls/:callSid/hold',
    {
      preHandler: requireUser(ctx),
      schema: {
        description:
          'Holds (the other parties hear hold audio) or resumes the parties of one of your calls. The agent leg leaves on hold and joins again through the voice webhook (notifyResume).',
        params: callSidParams,
        body: {
          type: 'object',
          required: ['hold'],
          additionalProperties: false,
          properties: { hold: { type: 'boolean' } },
        },
        response: { 200: conferenceAnswer, ...errorResponses },
      },
    },
    async (request) => {
      const own = await ownCall(ctx, request, request.params.callSid, { live: false });
      const { hold } = request.body;
      if (!hold && !own.call.conference) throw new NotifyError('INVALID_STATE', 'The call is not on hold.');
      const fresh = !own.call.conference;
      const { name, sid } = await conferenceOf(own, hold);
      if (!fresh || !hold) {
        const mine = await ownLegs(request, name);
        const others = (await listParticipants(ctx, sid)).filter((p) => !mine.has(p.callSid));
        await setHold(
          ctx,
          sid,
          others.filter((p) => p.hold !== hold).map((p) => p.callSid),
          hold,
        );
      }
      return { conference: name, held: hold };
    },
  );

  app.post<{ Params: { callSid: string }; Body: { consultCallSid: string } }>(
    '/calls/:callSid/transfer',
    {
      preHandler: requireUser(ctx),
      schema: {
        description:
          'Completes a warm transfer: the party of your consultation call joins your held call, which is resumed without you.',
        params: callSidParams,
        body: {
          type: 'object',
          required: ['consultCallSid'],
          additionalProperties: false,
          properties: { consultCallSid: callSidSchema },
        },
        response: {
          200: {
            type: 'object',
            required: ['transferred'],
            properties: {
              transferred: {
                type: 'object',
                required: ['callSid', 'conference'],
                properties: { callSid: { type: 'string' }, conference: { type: 'string' } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const held = await ownCall(ctx, request, request.params.callSid, { live: false });
      const consult = await ownCall(ctx, request, request.body.consultCallSid);
      if (!held.call.conference || consult.call.call_sid === held.call.call_sid) {
        throw new NotifyError('INVALID_STATE', 'No transfer was started on this call: hold it first.');
      }
      const sid = await liveConference(ctx, held.call.conference);
      if (!sid) throw new NotifyError('INVALID_STATE', 'The held call has ended.');
      const target = await otherParty(ctx, consult.call);
      if (!target) throw new NotifyError('INVALID_STATE', 'The consulted party has not answered.');
      await ctx.store.setCallConference(target, held.call.conference);
      await moveIntoConference(ctx, target, held.call.conference);
      if (!(await awaitParticipants(ctx, held.call.conference, [target]))) {
        throw new NotifyError('INVALID_STATE', 'The consulted party left before joining.');
      }
      const waiting = (await listParticipants(ctx, sid)).filter((p) => p.hold).map((p) => p.callSid);
      await setHold(ctx, sid, waiting, false);
      await noticeTransfer(ctx, request.log, target, currentUser(request).name);
      return { transferred: { callSid: target, conference: held.call.conference } };
    },
  );

  app.post<{ Params: { callSid: string }; Body: { type: 'number' | 'userId'; id: string } }>(
    '/calls/:callSid/participants',
    {
      preHandler: requireUser(ctx),
      schema: {
        description:
          'Adds a number or a colleague to one of your calls (a three-way call); your own leg joins the conference again through the voice webhook.',
        params: callSidParams,
        body: targetBody,
        response: {
          201: {
            type: 'object',
            required: ['added', 'conference'],
            properties: {
              conference: { type: 'string' },
              added: {
                type: 'object',
                required: ['callSid', 'to'],
                properties: { callSid: { type: 'string' }, to: { type: 'string' } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { type, id } = request.body;
      const own = await ownCall(ctx, request, request.params.callSid, { live: false });
      const user = currentUser(request).sys_id;
      await allowedCallerId(ctx.store, user, own.session.number);
      let to: string;
      if (type === 'number') {
        if (!isE164(id)) throw new NotifyError('INVALID_NUMBER');
        to = id;
      } else {
        if (!isSysId(id)) throw new NotifyError('VALIDATION_FAILED', 'id must be a user sys_id.');
        const [callee] = await notBusy(
          ctx,
          await availableSessionsOfUser(ctx.store, user, id, ctx.liveSince()),
        );
        if (!callee) throw new NotifyError('BAD_REQUEST', 'That user has no available client.');
        to = `client:${callee.identity}`;
      }
      const { name } = await conferenceOf(own, false);
      const participant = await ctx
        .twilioRest()
        .conferences(name)
        .participants.create({
          from: own.session.number,
          to,
          beep: 'false',
          earlyMedia: true,
          startConferenceOnEnter: true,
          endConferenceOnExit: false,
          statusCallback: ctx.publicUrlFor('/twilio/status'),
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          statusCallbackMethod: 'POST',
        });
      reply.code(201);
      return { conference: name, added: { callSid: participant.callSid, to } };
    },
  );

  app.post<{ Params: { callSid: string } }>(
    '/calls/:callSid/end',
    {
      preHandler: requireUser(ctx),
      schema: {
        description: 'Hangs up one of your calls that is in its conference: everyone in it is released.',
        params: callSidParams,
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: {
          200: { type: 'object', required: ['ended'], properties: { ended: { type: 'boolean' } } },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { call } = await ownCall(ctx, request, request.params.callSid, { live: false });
      if (!call.conference) throw new NotifyError('INVALID_STATE', 'The call is not in a conference.');
      const sid = await liveConference(ctx, call.conference);
      if (sid) await ctx.twilioRest().conferences(sid).update({ status: 'completed' });
      return { ended: !!sid };
    },
  );

  app.get<{ Params: { callSid: string } }>(
    '/calls/:callSid/conference',
    {
      preHandler: requireUser(ctx),
      schema: {
        description: 'Whether one of your calls is in its conference, live, and who is in it.',
        params: callSidParams,
        response: {
          200: {
            type: 'object',
            required: ['conference', 'live', 'participants'],
            properties: {
              conference: { type: ['string', 'null'] },
              live: { type: 'boolean' },
              participants: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['callSid', 'hold', 'muted', 'own'],
                  properties: {
                    callSid: { type: 'string' },
                    hold: { type: 'boolean' },
                    muted: { type: 'boolean' },
                    own: { type: 'boolean' },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { call } = await ownCall(ctx, request, request.params.callSid, { live: false });
      if (!call.conference)
        return { conference: null, live: !isTerminalStatus(call.status), participants: [] };
      const sid = await liveConference(ctx, call.conference);
      if (!sid) return { conference: call.conference, live: false, participants: [] };
      const mine = await ownLegs(request, call.conference);
      const participants = (await listParticipants(ctx, sid)).map((p) => ({
        ...p,
        own: mine.has(p.callSid),
      }));
      return { conference: call.conference, live: true, participants };
    },
  );
};
