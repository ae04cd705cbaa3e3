import type { BackendContext } from '../context.js';
import { listParticipants } from './conference.js';

/** The parameters of a conference status callback that the backend reads. */
export interface ConferenceEvent {
  ConferenceSid: string;
  FriendlyName: string;
  StatusCallbackEvent: string;
  CallSid?: string;
}

/**
 * A conference status callback of a call's conference (conference.ts): a joining leg is recorded in it, and a
 * conference left with a single party who is not on hold ends, since nobody is on the other end any more
 * (everyone joins with endConferenceOnExit=false, so that any one of three can leave). A single party on hold
 * stays: that is a held call whose agent is away (on another call, or consulting).
 */
export async function onConferenceEvent(ctx: BackendContext, event: ConferenceEvent): Promise<void> {
  if (!event.FriendlyName.startsWith('notify-')) return;
  if (event.StatusCallbackEvent === 'participant-join' && event.CallSid) {
    await ctx.store.setCallConference(event.CallSid, event.FriendlyName);
  } else if (event.StatusCallbackEvent === 'participant-leave') {
    const rest = ctx.twilioRest();
    const conference = await rest.conferences(event.ConferenceSid).fetch();
    if (conference.status === 'completed') return;
    const left = await listParticipants(ctx, event.ConferenceSid);
    if (left.length === 1 && !left[0]!.hold) {
      await rest.conferences(event.ConferenceSid).update({ status: 'completed' });
    }
  }
}
