import { childElements, parseXml, textOf, TwimlParseError, type XmlElement } from './parse.js';

/** The TwiML verbs the emulator executes, already validated. */
export type Verb =
  | { verb: 'Say'; text: string; loop: number }
  | { verb: 'Pause'; length: number }
  | { verb: 'Hangup' }
  | { verb: 'Reject'; reason: 'rejected' | 'busy' }
  | { verb: 'Redirect'; url: string; method: 'GET' | 'POST' }
  /** `loop` 0 plays until the call ends. The emulator does not fetch the audio; see the README. */
  | { verb: 'Play'; url: string; loop: number }
  | DialVerb;

export interface DialVerb {
  verb: 'Dial';
  callerId?: string;
  answerOnBridge: boolean;
  /** Seconds to ring before giving up with DialCallStatus=no-answer. */
  timeout: number;
  action?: string;
  method: 'GET' | 'POST';
  targets: DialTarget[];
}

export interface StatusCallbackSpec {
  url: string;
  method: 'GET' | 'POST';
  events: string[];
}

export type DialTarget =
  | { kind: 'number'; number: string; sendDigits?: string; statusCallback?: StatusCallbackSpec }
  | { kind: 'client'; identity: string; parameters: [string, string][]; statusCallback?: StatusCallbackSpec }
  | ConferenceTarget;

/** `<Dial><Conference>`: the leg joins the account's conference of that friendly name. */
export interface ConferenceTarget {
  kind: 'conference';
  name: string;
  muted: boolean;
  /** Parsed and validated; the emulator never plays a beep. */
  beep: 'true' | 'false' | 'onEnter' | 'onExit';
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  /** Not fetched: a waiting participant hears silence whatever it says. */
  waitUrl?: string;
  participantLabel?: string;
  maxParticipants: number;
  /** Conference events (`start end join leave mute hold`), not call progress. */
  statusCallback?: StatusCallbackSpec;
}

/** Conference statusCallbackEvent keywords; Twilio's default when none are given is `start end`. */
export const CONFERENCE_EVENTS = [
  'start',
  'end',
  'join',
  'leave',
  'mute',
  'hold',
  'modify',
  'speaker',
  'announcement',
];

/** Twilio's code for TwiML that parses but does not match the schema (wrong verb, nesting or attribute value). */
export class TwimlSchemaError extends Error {
  readonly code = 12200;
}

const method = (value: string | undefined): 'GET' | 'POST' =>
  value?.toUpperCase() === 'GET' ? 'GET' : 'POST';
const bool = (value: string | undefined): boolean => value === 'true';

/** A boolean attribute with a default; anything but true/false is a schema error, as Twilio warns (13219). */
function strictBool(el: XmlElement, name: string, fallback: boolean): boolean {
  const value = el.attributes[name];
  if (value === undefined) return fallback;
  if (value !== 'true' && value !== 'false') {
    throw new TwimlSchemaError(`<${el.name} ${name}="${value}"> must be true or false`);
  }
  return value === 'true';
}

const BEEPS = ['true', 'false', 'onEnter', 'onExit'] as const;

function conferenceTarget(el: XmlElement): ConferenceTarget {
  const a = el.attributes;
  const name = textOf(el).trim();
  if (!name) throw new TwimlSchemaError('<Conference> needs a name');
  const beep = a.beep ?? 'true';
  if (!(BEEPS as readonly string[]).includes(beep)) {
    throw new TwimlSchemaError(`<Conference beep="${beep}"> must be true, false, onEnter or onExit`);
  }
  const events = (a.statusCallbackEvent ?? 'start end').split(/[\s,]+/).filter(Boolean);
  const unknown = events.filter((event) => !CONFERENCE_EVENTS.includes(event));
  if (unknown.length)
    throw new TwimlSchemaError(`unknown conference statusCallbackEvent ${unknown.join(' ')}`);
  const max = Number(a.maxParticipants ?? 250);
  return {
    kind: 'conference',
    name,
    muted: strictBool(el, 'muted', false),
    beep: beep as ConferenceTarget['beep'],
    startConferenceOnEnter: strictBool(el, 'startConferenceOnEnter', true),
    endConferenceOnExit: strictBool(el, 'endConferenceOnExit', false),
    waitUrl: a.waitUrl,
    participantLabel: a.participantLabel,
    maxParticipants: Number.isInteger(max) ? Math.min(250, Math.max(2, max)) : 250,
    statusCallback: a.statusCallback
      ? { url: a.statusCallback, method: method(a.statusCallbackMethod), events }
      : undefined,
  };
}

function statusCallback(el: XmlElement): StatusCallbackSpec | undefined {
  const url = el.attributes.statusCallback;
  if (!url) return undefined;
  const events = (el.attributes.statusCallbackEvent ?? 'completed').split(/[\s,]+/).filter(Boolean);
  return { url, method: method(el.attributes.statusCallbackMethod), events };
}

function dialTarget(el: XmlElement): DialTarget {
  if (el.name === 'Number') {
    return {
      kind: 'number',
      number: textOf(el),
      sendDigits: el.attributes.sendDigits,
      statusCallback: statusCallback(el),
    };
  }
  if (el.name === 'Client') {
    const identityEl = childElements(el).find((child) => child.name === 'Identity');
    const identity = identityEl ? textOf(identityEl) : textOf(el);
    const parameters = childElements(el)
      .filter((child) => child.name === 'Parameter')
      .map((child): [string, string] => [child.attributes.name ?? '', child.attributes.value ?? '']);
    return { kind: 'client', identity, parameters, statusCallback: statusCallback(el) };
  }
  if (el.name === 'Conference') return conferenceTarget(el);
  throw new TwimlSchemaError(`<Dial> cannot contain <${el.name}> in the emulator`);
}

function toVerb(el: XmlElement): Verb {
  const a = el.attributes;
  switch (el.name) {
    case 'Say':
      return { verb: 'Say', text: textOf(el), loop: Math.max(0, Number(a.loop ?? 1) || 0) };
    case 'Pause':
      return { verb: 'Pause', length: Math.max(1, Number(a.length ?? 1) || 1) };
    case 'Hangup':
      return { verb: 'Hangup' };
    case 'Reject':
      return { verb: 'Reject', reason: a.reason === 'busy' ? 'busy' : 'rejected' };
    case 'Redirect':
      return { verb: 'Redirect', url: textOf(el), method: method(a.method) };
    case 'Play': {
      const loop = Number(a.loop ?? 1);
      return { verb: 'Play', url: textOf(el).trim(), loop: Number.isInteger(loop) && loop >= 0 ? loop : 1 };
    }
    case 'Dial': {
      const nested = childElements(el);
      const plain = textOf(el);
      const targets = nested.length
        ? nested.map(dialTarget)
        : plain
          ? [dialTarget(numberElement(plain))]
          : [];
      if (!targets.length) throw new TwimlSchemaError('<Dial> has nothing to dial');
      if (targets.length > 1 && targets.some((target) => target.kind === 'conference')) {
        throw new TwimlSchemaError('<Conference> must be the only noun of its <Dial>');
      }
      const timeout = Number(a.timeout ?? 30);
      return {
        verb: 'Dial',
        callerId: a.callerId,
        answerOnBridge: bool(a.answerOnBridge),
        timeout: Number.isFinite(timeout) ? Math.min(600, Math.max(5, timeout)) : 30,
        action: a.action,
        method: method(a.method),
        targets,
      };
    }
    default:
      throw new TwimlSchemaError(`unsupported verb <${el.name}>`);
  }
}

const numberElement = (number: string): XmlElement => ({
  name: 'Number',
  attributes: {},
  children: [number],
});

/** Parses a TwiML document into verbs; throws {@link TwimlParseError} (12100) or {@link TwimlSchemaError} (12200). */
export function parseTwiml(source: string): Verb[] {
  const root = parseXml(source);
  if (root.name !== 'Response') throw new TwimlParseError('the root element must be <Response>');
  return childElements(root).map(toVerb);
}
