import { childElements, parseXml, textOf, TwimlParseError, type XmlElement } from './parse.js';

/** The TwiML verbs the emulator executes, already validated. */
export type Verb =
  | { verb: 'Say'; text: string; loop: number }
  | { verb: 'Pause'; length: number }
  | { verb: 'Hangup' }
  | { verb: 'Reject'; reason: 'rejected' | 'busy' }
  | { verb: 'Redirect'; url: string; method: 'GET' | 'POST' }
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
  | { kind: 'client'; identity: string; parameters: [string, string][]; statusCallback?: StatusCallbackSpec };

/** Twilio's code for TwiML that parses but does not match the schema (wrong verb, nesting or attribute value). */
export class TwimlSchemaError extends Error {
  readonly code = 12200;
}

const method = (value: string | undefined): 'GET' | 'POST' =>
  value?.toUpperCase() === 'GET' ? 'GET' : 'POST';
const bool = (value: string | undefined): boolean => value === 'true';

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
    case 'Dial': {
      const nested = childElements(el);
      const plain = textOf(el);
      const targets = nested.length
        ? nested.map(dialTarget)
        : plain
          ? [dialTarget(numberElement(plain))]
          : [];
      if (!targets.length) throw new TwimlSchemaError('<Dial> has nothing to dial');
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
