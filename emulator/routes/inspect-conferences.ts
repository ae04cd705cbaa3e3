import type { FastifyInstance } from 'fastify';
import type { Switchboard } from '../calls/switchboard.js';

/**
 * `GET /emulator/conferences` (inspection API): every conference, oldest first, with its live participants
 * and, for a virtual phone, what it has heard (its audio meter). `?friendlyName=` narrows the list.
 */
export async function inspectConferenceRoutes(
  app: FastifyInstance,
  opts: { switchboard: Switchboard },
): Promise<void> {
  const { conferences } = opts.switchboard;
  app.get<{ Querystring: { friendlyName?: string } }>('/emulator/conferences', async (request) => ({
    conferences: conferences
      .list()
      .filter((c) => !request.query.friendlyName || c.friendlyName === request.query.friendlyName)
      .map((conference) => ({
        sid: conference.sid,
        friendlyName: conference.friendlyName,
        status: conference.status,
        reasonEnded: conference.reasonEnded ?? null,
        callSidEndingConference: conference.callSidEnding ?? null,
        createdAt: conference.dateCreated.toISOString(),
        participants: [...conference.participants.values()].map((p) => ({
          callSid: p.callSid,
          label: p.label ?? null,
          muted: p.muted,
          hold: p.hold,
          holdUrl: p.holdUrl ?? null,
          startConferenceOnEnter: p.startConferenceOnEnter,
          endConferenceOnExit: p.endConferenceOnExit,
          kind: p.phone ? 'phone' : 'browser',
          /** What the phone heard so far (null for a browser leg: the browser measures that itself). */
          audio: p.phone ? p.phone.audio.reading() : null,
        })),
        /** Every conference event in order, whether or not the status callback subscribed to it. */
        events: conference.callbacks.log,
      })),
  }));
}
