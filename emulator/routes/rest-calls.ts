import type { FastifyInstance } from 'fastify';
import type { CallLeg, CallStatus } from '../calls/call-registry.js';
import type { Switchboard } from '../calls/switchboard.js';
import { parseTwiml, type Verb } from '../twiml/verbs.js';
import { API, basicAuth, page, restError, rfc2822 } from './rest-auth.js';

/** The REST status enum has no `initiated`; a dialled leg that has not rung yet reads as queued. */
const restStatus = (status: CallStatus) => (status === 'initiated' ? 'queued' : status);

function callJson(leg: CallLeg, accountSid: string) {
  const uri = `/2010-04-01/Accounts/${accountSid}/Calls/${leg.sid}.json`;
  const ended = leg.endedAt && leg.answeredAt;
  return {
    sid: leg.sid,
    account_sid: accountSid,
    parent_call_sid: leg.parentSid ?? null,
    date_created: rfc2822(leg.startedAt),
    date_updated: rfc2822(leg.endedAt ?? leg.answeredAt ?? leg.startedAt),
    to: leg.to,
    to_formatted: leg.to,
    from: leg.from,
    from_formatted: leg.from,
    phone_number_sid: null,
    status: restStatus(leg.status),
    start_time: rfc2822(leg.answeredAt ?? leg.startedAt),
    end_time: rfc2822(leg.endedAt),
    duration: ended ? String(Math.round((leg.endedAt!.getTime() - leg.answeredAt!.getTime()) / 1000)) : null,
    price: null,
    price_unit: 'USD',
    direction: leg.direction,
    answered_by: null,
    api_version: '2010-04-01',
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: '0',
    trunk_sid: null,
    uri,
    subresource_uris: {
      notifications: uri.replace('.json', '/Notifications.json'),
      recordings: uri.replace('.json', '/Recordings.json'),
      events: uri.replace('.json', '/Events.json'),
      user_defined_messages: uri.replace('.json', '/UserDefinedMessages.json'),
    },
  };
}

/**
 * The REST Calls resource (list, fetch, and update with `Status`, `Twiml` or `Url`), with HTTP Basic auth
 * as the account (AC…/auth token) or an API key (SK…/secret). Creating calls is not emulated yet and
 * answers 400 saying so, rather than pretending.
 */
export async function restCallRoutes(
  app: FastifyInstance,
  opts: { switchboard: Switchboard },
): Promise<void> {
  const { switchboard } = opts;
  const { account } = switchboard;

  const authenticate = basicAuth(account);

  app.get<{ Params: { accountSid: string }; Querystring: Record<string, string> }>(
    `${API}/Calls.json`,
    { preHandler: authenticate },
    async (request) => {
      const q = request.query;
      const calls = switchboard.registry
        .list()
        .filter((leg) => !q.To || leg.to === q.To)
        .filter((leg) => !q.From || leg.from === q.From)
        .filter((leg) => !q.ParentCallSid || leg.parentSid === q.ParentCallSid)
        .filter((leg) => !q.Status || restStatus(leg.status) === q.Status)
        .reverse(); // newest first, as Twilio lists
      const json = calls.map((leg) => callJson(leg, account.accountSid));
      return page('calls', json, `/2010-04-01/Accounts/${account.accountSid}/Calls.json`, q);
    },
  );

  app.get<{ Params: { accountSid: string; callSid: string } }>(
    `${API}/Calls/:callSid.json`,
    { preHandler: authenticate },
    async (request, reply) => {
      const leg = switchboard.registry.get(request.params.callSid);
      if (!leg) return restError(reply, 404, 20404, 'The requested resource was not found');
      return callJson(leg, account.accountSid);
    },
  );

  app.post<{ Params: { accountSid: string; callSid: string }; Body: Record<string, string> | undefined }>(
    `${API}/Calls/:callSid.json`,
    { preHandler: authenticate },
    async (request, reply) => {
      const leg = switchboard.registry.get(request.params.callSid);
      if (!leg) return restError(reply, 404, 20404, 'The requested resource was not found');
      const body = request.body ?? {};
      if (body.Twiml || body.Url) {
        // Twiml wins over Url, as Twilio documents; the call must be live (21220 otherwise).
        let twiml: Verb[] | undefined;
        if (body.Twiml) {
          try {
            twiml = parseTwiml(body.Twiml);
          } catch (error) {
            return restError(reply, 400, 21263, `Twiml is not valid: ${(error as Error).message}`);
          }
        } else if (!/^https?:\/\//.test(body.Url ?? '')) {
          return restError(reply, 400, 21205, 'Url is not a valid URL');
        }
        const method = body.Method?.toUpperCase() === 'GET' ? 'GET' : 'POST';
        const source = twiml ? { twiml } : { url: body.Url!, method: method as 'GET' | 'POST' };
        if (!switchboard.redirectLeg(leg.sid, source, switchboard.voiceUrl())) {
          return restError(reply, 400, 21220, 'Call is not in-progress. Cannot redirect.');
        }
        return callJson(switchboard.registry.get(leg.sid)!, account.accountSid);
      }
      if (body.Status !== undefined && body.Status !== 'completed' && body.Status !== 'canceled') {
        return restError(reply, 400, 21218, `Invalid Status: ${body.Status}`);
      }
      if (body.Status) {
        // `canceled` only ends calls that have not been answered; `completed` ends any live call.
        const cancelable = leg.status === 'queued' || leg.status === 'initiated' || leg.status === 'ringing';
        if (body.Status === 'completed' || cancelable) {
          if (!switchboard.terminateLeg(leg.sid) && leg.status !== 'completed') {
            return restError(reply, 400, 21220, 'Call is not in-progress. Cannot redirect.');
          }
        }
      }
      return callJson(switchboard.registry.get(leg.sid)!, account.accountSid);
    },
  );

  // User-defined messages to the Voice SDK on a live browser leg: Content is a JSON string, which the SDK's
  // `messageReceived` gets parsed. A leg no SDK holds live is refused (Twilio: only during an SDK's call).
  app.post<{ Params: { accountSid: string; callSid: string }; Body: Record<string, string> | undefined }>(
    `${API}/Calls/:callSid/UserDefinedMessages.json`,
    { preHandler: authenticate },
    async (request, reply) => {
      const leg = switchboard.registry.get(request.params.callSid);
      if (!leg) return restError(reply, 404, 20404, 'The requested resource was not found');
      let content: unknown;
      try {
        content = JSON.parse(request.body?.Content ?? '');
      } catch {
        return restError(reply, 400, 21201, 'Content must be a JSON string');
      }
      const sid = switchboard.messageLeg(leg.sid, content);
      if (!sid) return restError(reply, 400, 21220, 'The call is not an active Voice SDK call');
      reply.code(201);
      return {
        account_sid: account.accountSid,
        call_sid: leg.sid,
        sid,
        date_created: rfc2822(new Date()),
      };
    },
  );

  app.post<{ Params: { accountSid: string } }>(
    `${API}/Calls.json`,
    { preHandler: authenticate },
    async (_request, reply) =>
      restError(reply, 400, 20001, 'Creating calls through REST is not emulated yet'),
  );
}
