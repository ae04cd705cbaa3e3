import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Conference, Participant } from '../calls/conference.js';
import { dialIntoConference } from '../calls/conference-dial-out.js';
import type { StatusCallbackSpec } from '../twiml/verbs.js';
import type { Switchboard } from '../calls/switchboard.js';
import { API, basicAuth, notFound, page, restError, rfc2822 } from './rest-auth.js';

const CONFERENCE_SID = /^CF[0-9a-fA-F]{32}$/;
const STATUSES = ['init', 'in-progress', 'completed'];

type Body = Record<string, string> | undefined;
/** Form bodies with repeated keys (twilio-node sends arrays that way). */
type ListBody = Record<string, string | string[]> | undefined;

const E164 = /^\+[1-9]\d{1,14}$/;
const CLIENT = /^client:[\w.@+-]+$/;
const HTTP_URL = /^https?:\/\//;

/** The values of a repeated (or space-separated) form parameter. */
const listOf = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .flatMap((v) => v.split(/[\s,]+/))
    .filter(Boolean);
const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[value.length - 1] : value;
type ConferenceParams = { accountSid: string; conferenceSid: string };
type ParticipantParams = ConferenceParams & { participant: string };

/** A boolean form parameter as twilio-node sends it ("true"/"false"); undefined when absent, null when bad. */
function formBool(value: string | undefined): boolean | undefined | null {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : null;
}

const invalid = (reply: FastifyReply, name: string, value: string) =>
  restError(reply, 400, 20001, `Invalid ${name}: ${value} (expected true or false)`);

function conferenceJson(conference: Conference, accountSid: string) {
  const uri = `/2010-04-01/Accounts/${accountSid}/Conferences/${conference.sid}.json`;
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    call_sid_ending_conference: conference.callSidEnding ?? null,
    date_created: rfc2822(conference.dateCreated),
    date_updated: rfc2822(conference.dateUpdated),
    friendly_name: conference.friendlyName,
    reason_conference_ended: conference.reasonEnded ?? null,
    region: 'us1',
    sid: conference.sid,
    status: conference.status,
    uri,
    subresource_uris: {
      participants: uri.replace('.json', '/Participants.json'),
      recordings: uri.replace('.json', '/Recordings.json'),
    },
  };
}

type ParticipantFields = Pick<
  Participant,
  | 'callSid'
  | 'conferenceSid'
  | 'dateCreated'
  | 'dateUpdated'
  | 'endConferenceOnExit'
  | 'hold'
  | 'label'
  | 'muted'
  | 'startConferenceOnEnter'
>;

function participantJson(participant: ParticipantFields, accountSid: string, status = 'connected') {
  const base = `/2010-04-01/Accounts/${accountSid}/Conferences/${participant.conferenceSid}`;
  return {
    account_sid: accountSid,
    call_sid: participant.callSid,
    call_sid_to_coach: null,
    coaching: false,
    conference_sid: participant.conferenceSid,
    date_created: rfc2822(participant.dateCreated),
    date_updated: rfc2822(participant.dateUpdated),
    end_conference_on_exit: participant.endConferenceOnExit,
    hold: participant.hold,
    label: participant.label ?? null,
    muted: participant.muted,
    queue_time: '0',
    start_conference_on_enter: participant.startConferenceOnEnter,
    status,
    uri: `${base}/Participants/${participant.callSid}.json`,
  };
}

/**
 * The REST Conferences resource (list with FriendlyName/Status filters, fetch, update `Status=completed`) and
 * its Participants (list with Muted/Hold filters, fetch by CallSid or label, update Muted/Hold/HoldUrl/
 * HoldMethod/EndConferenceOnExit, delete = remove from the conference), with the Calls resource's auth and
 * errors. Conferences cannot be created (as on Twilio); creating a participant dials a phone or client into
 * a conference given by SID or friendly name (conference-dial-out.ts).
 */
export async function restConferenceRoutes(
  app: FastifyInstance,
  opts: { switchboard: Switchboard },
): Promise<void> {
  const { switchboard } = opts;
  const { account } = switchboard;
  const preHandler = basicAuth(account);
  const conferences = switchboard.conferences;
  const base = `/2010-04-01/Accounts/${account.accountSid}/Conferences`;

  const findConference = (sid: string) => (CONFERENCE_SID.test(sid) ? conferences.get(sid) : undefined);
  /** A live participant by CallSid or label (Twilio accepts either in the path). */
  const findParticipant = (conference: Conference, key: string) =>
    conference.participants.get(key) ?? [...conference.participants.values()].find((p) => p.label === key);

  app.get<{ Params: { accountSid: string }; Querystring: Record<string, string> }>(
    `${API}/Conferences.json`,
    { preHandler },
    async (request, reply) => {
      const q = request.query;
      if (q.Status && !STATUSES.includes(q.Status)) {
        return restError(reply, 400, 20001, `Invalid Status: ${q.Status}`);
      }
      const list = conferences
        .list()
        .filter((c) => !q.FriendlyName || c.friendlyName === q.FriendlyName)
        .filter((c) => !q.Status || c.status === q.Status)
        .reverse() // newest first
        .map((c) => conferenceJson(c, account.accountSid));
      return page('conferences', list, `${base}.json`, q);
    },
  );

  app.get<{ Params: ConferenceParams }>(
    `${API}/Conferences/:conferenceSid.json`,
    { preHandler },
    async (request, reply) => {
      const conference = findConference(request.params.conferenceSid);
      return conference ? conferenceJson(conference, account.accountSid) : notFound(reply);
    },
  );

  app.post<{ Params: ConferenceParams; Body: Body }>(
    `${API}/Conferences/:conferenceSid.json`,
    { preHandler },
    async (request, reply) => {
      const conference = findConference(request.params.conferenceSid);
      if (!conference) return notFound(reply);
      const status = request.body?.Status;
      if (status !== undefined && status !== 'completed') {
        return restError(reply, 400, 20001, `Invalid Status: ${status} (only completed)`);
      }
      if (status === 'completed') conference.end('conference-ended-via-api');
      return conferenceJson(conference, account.accountSid);
    },
  );

  app.get<{ Params: ConferenceParams; Querystring: Record<string, string> }>(
    `${API}/Conferences/:conferenceSid/Participants.json`,
    { preHandler },
    async (request, reply) => {
      const conference = findConference(request.params.conferenceSid);
      if (!conference) return notFound(reply);
      const q = request.query;
      const muted = formBool(q.Muted);
      const hold = formBool(q.Hold);
      if (muted === null) return invalid(reply, 'Muted', q.Muted!);
      if (hold === null) return invalid(reply, 'Hold', q.Hold!);
      const list = [...conference.participants.values()]
        .filter((p) => muted === undefined || p.muted === muted)
        .filter((p) => hold === undefined || p.hold === hold)
        .map((p) => participantJson(p, account.accountSid));
      return page('participants', list, `${base}/${conference.sid}/Participants.json`, q);
    },
  );

  app.get<{ Params: ParticipantParams }>(
    `${API}/Conferences/:conferenceSid/Participants/:participant.json`,
    { preHandler },
    async (request, reply) => {
      const conference = findConference(request.params.conferenceSid);
      const participant = conference && findParticipant(conference, request.params.participant);
      return participant ? participantJson(participant, account.accountSid) : notFound(reply);
    },
  );

  app.post<{ Params: ParticipantParams; Body: Body }>(
    `${API}/Conferences/:conferenceSid/Participants/:participant.json`,
    { preHandler },
    async (request, reply) => {
      const conference = findConference(request.params.conferenceSid);
      const participant = conference && findParticipant(conference, request.params.participant);
      if (!conference || !participant) return notFound(reply);
      const body = request.body ?? {};
      const muted = formBool(body.Muted);
      const hold = formBool(body.Hold);
      const endOnExit = formBool(body.EndConferenceOnExit);
      if (muted === null) return invalid(reply, 'Muted', body.Muted!);
      if (hold === null) return invalid(reply, 'Hold', body.Hold!);
      if (endOnExit === null) return invalid(reply, 'EndConferenceOnExit', body.EndConferenceOnExit!);
      if (body.HoldUrl !== undefined && !/^https?:\/\//.test(body.HoldUrl)) {
        return restError(reply, 400, 21205, 'HoldUrl is not a valid URL');
      }
      // The hold method defaults to GET, as the API definition says.
      const holdMethod = body.HoldMethod?.toUpperCase() === 'POST' ? 'POST' : 'GET';
      if (endOnExit !== undefined) participant.endConferenceOnExit = endOnExit;
      if (muted !== undefined) conference.setMuted(participant, muted);
      if (hold !== undefined || body.HoldUrl !== undefined) {
        conference.setHold(participant, hold ?? participant.hold, body.HoldUrl, holdMethod);
      }
      return participantJson(participant, account.accountSid);
    },
  );

  app.delete<{ Params: ParticipantParams }>(
    `${API}/Conferences/:conferenceSid/Participants/:participant.json`,
    { preHandler },
    async (request, reply) => {
      const conference = findConference(request.params.conferenceSid);
      const participant = conference && findParticipant(conference, request.params.participant);
      if (!conference || !participant) return notFound(reply);
      conference.leave(participant.callSid, 'kicked');
      return reply.code(204).send();
    },
  );

  app.post<{ Params: ConferenceParams; Body: ListBody }>(
    `${API}/Conferences/:conferenceSid/Participants.json`,
    { preHandler },
    async (request, reply) => {
      const body = request.body ?? {};
      const from = single(body.From);
      const to = single(body.To);
      if (!from) return restError(reply, 400, 21603, "A 'From' phone number is required.");
      if (!to) return restError(reply, 400, 21604, "A 'To' phone number is required.");
      if (!E164.test(to) && !CLIENT.test(to)) {
        return restError(reply, 400, 21211, `Invalid 'To' Phone Number: ${to} (+E164 or client:identity)`);
      }
      const flags: Record<string, boolean | undefined> = {};
      for (const name of ['Muted', 'StartConferenceOnEnter', 'EndConferenceOnExit']) {
        const value = formBool(single(body[name]));
        if (value === null) return invalid(reply, name, single(body[name])!);
        flags[name] = value;
      }
      const urls = ['StatusCallback', 'ConferenceStatusCallback'].map((name) => single(body[name]));
      if (urls.some((url) => url !== undefined && !HTTP_URL.test(url))) {
        return restError(
          reply,
          400,
          21205,
          'StatusCallback and ConferenceStatusCallback must be http(s) URLs',
        );
      }
      const spec = (url: string | undefined, method: string | string[] | undefined, events: string[]) =>
        url
          ? ({
              url,
              method: single(method)?.toUpperCase() === 'GET' ? 'GET' : 'POST',
              events,
            } as StatusCallbackSpec)
          : undefined;
      const { conferenceSid } = request.params;
      // Create addresses the conference by SID or by friendly name (which opens it if needed).
      let conference: Conference | undefined;
      if (CONFERENCE_SID.test(conferenceSid)) {
        conference = conferences.get(conferenceSid);
        if (!conference || conference.status === 'completed') return notFound(reply);
      } else {
        const events = listOf(body.ConferenceStatusCallbackEvent);
        conference = conferences.open(
          conferenceSid,
          spec(urls[1], body.ConferenceStatusCallbackMethod, events.length ? events : ['start', 'end']),
        );
      }
      const timeout = Number(single(body.Timeout) ?? 60);
      const events = listOf(body.StatusCallbackEvent);
      const options = {
        label: single(body.Label),
        muted: flags.Muted ?? false,
        startConferenceOnEnter: flags.StartConferenceOnEnter ?? true,
        endConferenceOnExit: flags.EndConferenceOnExit ?? false,
      };
      const callSid = dialIntoConference(
        conference,
        {
          ...options,
          from,
          to,
          timeout: Number.isFinite(timeout) ? Math.min(600, Math.max(5, timeout)) : 60,
          statusCallback: spec(urls[0], body.StatusCallbackMethod, events.length ? events : ['completed']),
        },
        switchboard.dialDeps(),
      );
      const now = new Date();
      const created = {
        ...options,
        callSid,
        conferenceSid: conference.sid,
        hold: false,
        dateCreated: now,
        dateUpdated: now,
      };
      return reply.code(201).send(participantJson(created, account.accountSid, 'queued'));
    },
  );
}
