import type { FastifyReply } from 'fastify';
import type { BackendContext } from '../context.js';
import { isCallStatus, type CallStatus, type ClientSession, type NotifyStore } from '../store/store.js';
import { voiceResponse } from '../twilio.js';

/**
 * What Twilio's webhooks share (twilio-webhooks.ts and the routes it registers): the parameters read, their
 * schema, the spoken messages and the small TwiML answers.
 */

/** The parameters of a voice or status webhook that the backend reads (Twilio sends more). */
export interface VoiceParams {
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

export const CLIENT_PREFIX = 'client:';

/** How often a call whose ringing tab vanished rings the agents again, a second apart (ringAgain). */
const RING_AGAIN_MAX = 5;

export const webhookBody = {
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

/** The route schema's answer of the TwiML routes. */
export const twimlResponse = { 200: { type: 'string', description: 'TwiML (text/xml)' } } as const;

/**
 * Twilio's own requests are never rate limited: a 429 would drop a live call. They are signed, and a forged
 * one is refused by the cheap HMAC check (twilio-webhooks.ts) before any work is done.
 */
export const twilioTraffic = { rateLimit: false } as const;

export const TWIML_MESSAGES = {
  invalidTo: 'Sorry, that is not a valid phone number. Please dial the number in international format.',
  clientUnavailable: 'Sorry, that person is not available right now. Goodbye.',
  nobodyAvailable: 'Sorry, nobody is available to take your call right now. Please try again later. Goodbye.',
  noVendor: 'Sorry, this number cannot take calls right now. Goodbye.',
  callerIdRevoked: 'Sorry, you may no longer call from this number.',
} as const;

export function sendTwiml(reply: FastifyReply, twiml: { toString(): string }): FastifyReply {
  return reply.code(200).type('text/xml; charset=utf-8').send(twiml.toString());
}

export function say(message: string) {
  const twiml = voiceResponse();
  twiml.say(message);
  twiml.hangup();
  return twiml;
}

export function reject() {
  const twiml = voiceResponse();
  twiml.reject();
  return twiml;
}

export function status(value: string | undefined, fallback: CallStatus): CallStatus {
  return value && isCallStatus(value) ? value : fallback;
}

/** The session a `client:<identity>` address belongs to, if it is one of ours. */
export async function sessionOf(
  store: NotifyStore,
  address: string | undefined,
): Promise<ClientSession | undefined> {
  if (!address?.startsWith(CLIENT_PREFIX)) return undefined;
  return store.getSessionByIdentity(address.slice(CLIENT_PREFIX.length));
}

/**
 * The call rings the agents again after a pause (docs/decisions.md §27): the tab it rang went away (closed
 * while ringing) and another tab of the agent is taking over its registration, which takes about a second or
 * two; nobody available after RING_AGAIN_MAX tries ends it as before.
 */
export function ringAgain(ctx: BackendContext, again: number) {
  if (again >= RING_AGAIN_MAX) return say(TWIML_MESSAGES.nobodyAvailable);
  const twiml = voiceResponse();
  twiml.pause({ length: 1 });
  twiml.redirect({ method: 'POST' }, ctx.publicUrlFor(`/twilio/voice?again=${again + 1}`));
  return twiml;
}
