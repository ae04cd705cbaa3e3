import type { BackendContext } from '../context.js';
import { voiceResponse } from '../twilio.js';

/**
 * Twilio's model for hold, warm transfer and three-way calls (docs/decisions.md, "Hold, transfer and
 * three-way through conferences"): the call's parties meet in a `<Conference>`; hold is the participant's
 * `Hold` with the account's hold audio; the agent's browser leg joins and leaves. Everything here goes through
 * the `twilio` library against the Conferences and Participants REST resources.
 */

/** A call's conference is named after the agent's leg of the call: one conference per call, never shared. */
export const conferenceName = (agentCallSid: string): string => `notify-${agentCallSid}`;

/** Labels of the participants, as they show in the REST resource and the status callbacks. */
export type ParticipantRole = 'agent' | 'party';

/** How long a party moved into a conference may take to show up as a participant (REST is eventually consistent). */
const JOIN_WAIT_MS = 8_000;
const JOIN_POLL_MS = 100;

/** `<Dial><Conference>` TwiML that joins a leg to the call's conference. */
export function joinConferenceTwiml(ctx: BackendContext, name: string): string {
  const twiml = voiceResponse();
  twiml.dial().conference(
    {
      beep: 'false',
      startConferenceOnEnter: true,
      // Nobody's leaving ends the conference by itself; the conference callback ends a conference left with one
      // party who is not on hold (server/routes/conference-webhooks.ts), so that anyone can leave a three-way call.
      endConferenceOnExit: false,
      waitUrl: '',
      statusCallback: ctx.publicUrlFor('/twilio/conference'),
      statusCallbackEvent: ['start', 'end', 'join', 'leave', 'hold'],
      statusCallbackMethod: 'POST',
    },
    name,
  );
  return twiml.toString();
}

/** The live (`init` or `in-progress`) conference of this friendly name, if any. */
export async function liveConference(ctx: BackendContext, name: string): Promise<string | undefined> {
  const rest = ctx.twilioRest();
  for (const status of ['in-progress', 'init'] as const) {
    const [conference] = await rest.conferences.list({ friendlyName: name, status, limit: 1 });
    if (conference) return conference.sid;
  }
  return undefined;
}

export interface Participant {
  callSid: string;
  hold: boolean;
  muted: boolean;
}

export async function listParticipants(ctx: BackendContext, conferenceSid: string): Promise<Participant[]> {
  const participants = await ctx.twilioRest().conferences(conferenceSid).participants.list();
  return participants.map((p) => ({ callSid: p.callSid, hold: p.hold, muted: p.muted }));
}

/** Moves a live leg out of whatever it is doing into the conference (a REST redirect with new TwiML). */
export async function moveIntoConference(ctx: BackendContext, callSid: string, name: string): Promise<void> {
  await ctx
    .twilioRest()
    .calls(callSid)
    .update({ twiml: joinConferenceTwiml(ctx, name) });
}

/**
 * Waits until every one of `callSids` is a participant of the live conference `name` (a leg just moved in
 * takes a moment to join); resolves to the conference SID, or undefined when they never show up.
 */
export async function awaitParticipants(
  ctx: BackendContext,
  name: string,
  callSids: string[],
  signal?: AbortSignal,
): Promise<string | undefined> {
  const deadline = Date.now() + JOIN_WAIT_MS;
  for (;;) {
    const sid = await liveConference(ctx, name);
    if (sid) {
      const present = new Set((await listParticipants(ctx, sid)).map((p) => p.callSid));
      if (callSids.every((callSid) => present.has(callSid))) return sid;
    }
    if (Date.now() >= deadline || signal?.aborted) return undefined;
    await new Promise((resolve) => setTimeout(resolve, JOIN_POLL_MS));
  }
}

/** Holds or resumes participants; Twilio plays the account's hold audio (HoldUrl default) to a held one. */
export async function setHold(
  ctx: BackendContext,
  conferenceSid: string,
  callSids: string[],
  hold: boolean,
): Promise<void> {
  const conference = ctx.twilioRest().conferences(conferenceSid);
  await Promise.all(callSids.map((callSid) => conference.participants(callSid).update({ hold })));
}
