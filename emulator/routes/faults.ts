import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DelayDirection, FaultBoard, FaultTarget } from '../faults.js';
import { MAX_FAULT_DURATION_MS, MAX_MEDIA_DELAY_MS, MAX_SIGNALING_DELAY_MS } from '../limits.js';

/** A 400 with a code that names what is wrong, so a test (or a person) sees at once which field. */
class BadFault extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

const CALL_SID = /^CA[0-9a-f]{32}$/;

function objectBody(body: unknown, allowed: string[]): Body {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadFault('BAD_REQUEST', 'a JSON object');
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length) throw new BadFault('UNKNOWN_FIELD', `unknown field ${unknown.join(', ')}`);
  return body as Body;
}

function identityOf(value: unknown): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 256)
    throw new BadFault('BAD_FAULT_TARGET', 'identity must be a client identity of 1 to 256 characters');
  return value;
}

/** Exactly one of `identity` and `callSid`. */
function targetOf(body: Body): FaultTarget {
  const { identity, callSid } = body;
  if ((identity === undefined) === (callSid === undefined))
    throw new BadFault('BAD_FAULT_TARGET', 'give exactly one of identity and callSid');
  if (callSid !== undefined) {
    if (typeof callSid !== 'string' || !CALL_SID.test(callSid))
      throw new BadFault('BAD_FAULT_TARGET', 'callSid must be CA followed by 32 hex digits');
    return { callSid };
  }
  return { identity: identityOf(identity) };
}

function millis(value: unknown, field: string, min: number, max: number, code: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new BadFault(code, `${field} must be a whole number of ms from ${min} to ${max}`);
  return value;
}

const duration = (value: unknown) => millis(value, 'durationMs', 1, MAX_FAULT_DURATION_MS, 'BAD_DURATION');
const optionalDuration = (value: unknown) => (value === undefined ? undefined : duration(value));

function oneOf<T extends string>(value: unknown, field: string, options: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !options.includes(value as T))
    throw new BadFault(`BAD_${field.toUpperCase()}`, `${field} must be one of ${options.join(', ')}`);
  return value as T;
}

const noTarget = (reply: FastifyReply, what: string) =>
  reply.code(404).send({ error: { code: 'NO_FAULT_TARGET', message: `no ${what} for that target` } });

/**
 * Fault injection (see emulator/README.md, "Fault injection"). Mounted beside the inspection API under
 * /emulator/, with the same reach (the emulator's own origin and its CORS origins). One-shot faults
 * answer 200 with what they hit; lasting ones answer 201 with the fault, which GET lists and DELETE ends.
 */
export async function faultRoutes(app: FastifyInstance, opts: { faults: FaultBoard }): Promise<void> {
  const { faults } = opts;

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof BadFault)
      return reply.code(400).send({ error: { code: error.code, message: error.message } });
    return reply.send(error);
  });

  app.get('/emulator/faults', async () => ({ faults: faults.list() }));

  app.get<{ Params: { id: string } }>('/emulator/faults/:id', async (request, reply) => {
    const fault = faults.get(request.params.id);
    if (!fault)
      return reply
        .code(404)
        .send({ error: { code: 'NO_SUCH_FAULT', message: 'no active fault with that id' } });
    return fault;
  });

  app.delete<{ Params: { id: string } }>('/emulator/faults/:id', async (request, reply) => {
    if (!faults.end(request.params.id))
      return reply
        .code(404)
        .send({ error: { code: 'NO_SUCH_FAULT', message: 'no active fault with that id' } });
    return reply.code(204).send();
  });

  app.delete('/emulator/faults', async (_request, reply) => {
    faults.endAll();
    return reply.code(204).send();
  });

  app.post('/emulator/faults/signaling/drop', async (request, reply) => {
    const body = objectBody(request.body, ['identity', 'callSid', 'mode']);
    const target = targetOf(body);
    const mode = oneOf(body.mode, 'mode', ['reset', 'close'] as const, 'reset');
    const closed = faults.drop(target, mode);
    if (!closed) return noTarget(reply, 'open signaling connection');
    return { closed, mode };
  });

  app.post('/emulator/faults/signaling/stall', async (request, reply) => {
    const body = objectBody(request.body, ['identity', 'callSid', 'durationMs']);
    const target = targetOf(body);
    const fault = faults.stall(target, optionalDuration(body.durationMs));
    if (!fault) return noTarget(reply, 'open signaling connection');
    return reply.code(201).send(fault);
  });

  app.post('/emulator/faults/signaling/refuse', async (request, reply) => {
    const body = objectBody(request.body, ['identity', 'durationMs']);
    const identity = body.identity === undefined ? undefined : identityOf(body.identity);
    return reply.code(201).send(faults.refuse(identity, duration(body.durationMs)));
  });

  app.post('/emulator/faults/signaling/delay', async (request, reply) => {
    const body = objectBody(request.body, ['identity', 'callSid', 'delayMs', 'direction', 'durationMs']);
    const target = targetOf(body);
    const delayMs = millis(body.delayMs, 'delayMs', 1, MAX_SIGNALING_DELAY_MS, 'BAD_DELAY');
    const direction = oneOf<DelayDirection>(
      body.direction,
      'direction',
      ['inbound', 'outbound', 'both'],
      'both',
    );
    const durationMs = optionalDuration(body.durationMs);
    // A delay follows the identity (its sockets now and after a reconnect); a CallSid names whose.
    const identity = target.identity ?? faults.liveLegs(target)[0]?.identity;
    if (identity === undefined) return noTarget(reply, 'live call');
    return reply.code(201).send(faults.delay(identity, delayMs, direction, durationMs));
  });

  app.post('/emulator/faults/media/blackhole', async (request, reply) => {
    const body = objectBody(request.body, ['identity', 'callSid', 'scope', 'durationMs']);
    const target = targetOf(body);
    const scope = oneOf(body.scope, 'scope', ['rtp', 'all'] as const, 'all');
    const fault = faults.blackhole(target, scope, duration(body.durationMs));
    if (!fault) return noTarget(reply, 'live call');
    return reply.code(201).send(fault);
  });

  app.post('/emulator/faults/media/degrade', async (request, reply) => {
    const body = objectBody(request.body, [
      'identity',
      'callSid',
      'lossPercent',
      'delayMs',
      'jitterMs',
      'durationMs',
    ]);
    const target = targetOf(body);
    const lossPercent = body.lossPercent ?? 0;
    if (
      typeof lossPercent !== 'number' ||
      !Number.isFinite(lossPercent) ||
      lossPercent < 0 ||
      lossPercent > 100
    )
      throw new BadFault('BAD_LOSS', 'lossPercent must be a number from 0 to 100');
    const delayMs = millis(body.delayMs ?? 0, 'delayMs', 0, MAX_MEDIA_DELAY_MS, 'BAD_DELAY');
    const jitterMs = millis(body.jitterMs ?? 0, 'jitterMs', 0, MAX_MEDIA_DELAY_MS, 'BAD_JITTER');
    if (!lossPercent && !delayMs && !jitterMs)
      throw new BadFault('BAD_DEGRADATION', 'give lossPercent, delayMs or jitterMs above 0');
    const fault = faults.degrade(
      target,
      { lossPercent, delayMs, jitterMs },
      optionalDuration(body.durationMs),
    );
    if (!fault) return noTarget(reply, 'live call');
    return reply.code(201).send(fault);
  });

  app.post('/emulator/faults/registration/forget', async (request, reply) => {
    const body = objectBody(request.body, ['identity', 'callSid']);
    const forgotten = faults.forgetRegistrations(targetOf(body));
    if (!forgotten) return noTarget(reply, 'registration');
    return { forgotten };
  });
}
