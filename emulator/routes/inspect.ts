import type { FastifyInstance } from 'fastify';
import type { Switchboard } from '../calls/switchboard.js';
import { isPhoneAnswer } from '../phones/virtual-phone.js';

const E164 = /^\+[1-9]\d{1,14}$/;

const badRequest = (message: string) => ({ error: { code: 'BAD_REQUEST', message } });

/** The inspection API: what tests and the demo read and steer. JSON only. */
export async function inspectRoutes(app: FastifyInstance, opts: { switchboard: Switchboard }): Promise<void> {
  const { switchboard } = opts;

  app.get('/emulator/calls', async () => ({
    calls: switchboard.registry.list().map((leg) => ({
      sid: leg.sid,
      parentSid: leg.parentSid ?? null,
      from: leg.from,
      to: leg.to,
      direction: leg.direction,
      status: leg.status,
      startedAt: leg.startedAt.toISOString(),
      endedAt: leg.endedAt?.toISOString() ?? null,
      events: switchboard.eventsOf(leg.sid),
    })),
  }));

  /** Read-only: the identities registered for incoming calls now (one entry per registered connection). */
  app.get('/emulator/registrations', async () => ({
    registrations: [...switchboard.connections]
      .filter((connection) => connection.isOpen && connection.registered && connection.identity)
      .map((connection) => ({ identity: connection.identity! })),
  }));

  /** This instance's settings (see EmulatorSettings); PUT changes the given ones and answers all. */
  app.get('/emulator/settings', async () => ({ ...switchboard.settings }));
  app.put<{ Body: { parentCallbackDelayMs?: unknown } }>('/emulator/settings', async (request, reply) => {
    const body = request.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body))
      return reply.code(400).send(badRequest('a JSON object'));
    const unknown = Object.keys(body).filter((key) => key !== 'parentCallbackDelayMs');
    if (unknown.length) return reply.code(400).send(badRequest(`unknown setting ${unknown.join(', ')}`));
    const { parentCallbackDelayMs } = body;
    if (
      parentCallbackDelayMs !== undefined &&
      (typeof parentCallbackDelayMs !== 'number' ||
        !Number.isFinite(parentCallbackDelayMs) ||
        parentCallbackDelayMs < 0 ||
        parentCallbackDelayMs > 600_000)
    ) {
      return reply
        .code(400)
        .send(badRequest('parentCallbackDelayMs must be a number of ms from 0 to 600000'));
    }
    if (parentCallbackDelayMs !== undefined)
      switchboard.settings.parentCallbackDelayMs = parentCallbackDelayMs;
    return { ...switchboard.settings };
  });

  app.get<{ Params: { number: string } }>('/emulator/phones/:number', async (request, reply) => {
    const { number } = request.params;
    if (!E164.test(number))
      return reply.code(400).send(badRequest('the number must be E.164, e.g. %2B15551230001'));
    return {
      number,
      behaviour: switchboard.phones.behaviourOf(number),
      calls: switchboard.phones.callsOf(number).map((call) => call.toJSON()),
    };
  });

  app.put<{
    Params: { number: string };
    Body: { answer?: unknown; answerDelayMs?: unknown; toneHz?: unknown };
  }>('/emulator/phones/:number', async (request, reply) => {
    const { number } = request.params;
    const { answer, answerDelayMs, toneHz } = request.body ?? {};
    if (!E164.test(number)) return reply.code(400).send(badRequest('the number must be E.164'));
    if (answer !== undefined && !isPhoneAnswer(answer)) {
      return reply.code(400).send(badRequest("answer must be 'answer', 'busy', 'no-answer' or 'reject'"));
    }
    if (answerDelayMs !== undefined && (typeof answerDelayMs !== 'number' || answerDelayMs < 0)) {
      return reply.code(400).send(badRequest('answerDelayMs must be a non-negative number'));
    }
    if (
      toneHz !== undefined &&
      (typeof toneHz !== 'number' || !Number.isFinite(toneHz) || toneHz < 100 || toneHz > 3000)
    ) {
      return reply.code(400).send(badRequest('toneHz must be a number from 100 to 3000'));
    }
    const behaviour = switchboard.phones.setBehaviour(number, {
      ...(toneHz !== undefined ? { toneHz } : {}),
      ...(answer !== undefined ? { answer } : {}),
      ...(answerDelayMs !== undefined ? { answerDelayMs } : {}),
    });
    return { number, behaviour };
  });

  app.post<{ Params: { number: string }; Body: { to?: unknown } }>(
    '/emulator/phones/:number/dial',
    async (request, reply) => {
      const { number } = request.params;
      const to = request.body?.to;
      if (!E164.test(number) || typeof to !== 'string' || !E164.test(to)) {
        return reply.code(400).send(badRequest('the caller and `to` must be E.164 numbers'));
      }
      if (!switchboard.isNotifyNumber(to)) {
        return reply.code(400).send(badRequest(`${to} is not a Notify number of this account`));
      }
      const call = switchboard.placePhoneCall(number, to);
      return reply.code(201).send({ callSid: call.sid, from: number, to });
    },
  );

  app.post<{ Params: { number: string } }>('/emulator/phones/:number/hangup', async (request, reply) => {
    const call = switchboard.phones.liveCall(request.params.number);
    if (!call?.hangup()) {
      return reply
        .code(404)
        .send({ error: { code: 'NO_LIVE_CALL', message: 'that phone has no live call' } });
    }
    return { callSid: call.callSid, state: call.state };
  });
}
