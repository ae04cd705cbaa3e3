import type { ForwardTarget } from './backend.js';
import { DTMF_PATTERN, E164_PATTERN } from './constants.js';
import { NotifyError } from './errors.js';

/* The client's arguments, checked: a value, or the NotifyError to report. */

/** setCallerId()'s number: E.164 (a number gets its `+`). */
export function callerIdNumber(value: string | number): string | NotifyError {
  const number = typeof value === 'number' ? `+${value}` : typeof value === 'string' ? value.trim() : '';
  if (E164_PATTERN.test(number)) return number;
  return new NotifyError('INVALID_NUMBER', `setCallerId: "${String(value)}" is not an E.164 number.`);
}

/** forwardCall()'s argument checked and copied (only the known fields). */
export function forwardTarget(argument: ForwardTarget): ForwardTarget | NotifyError {
  if (
    !argument ||
    (argument.type !== 'number' && argument.type !== 'userId') ||
    typeof argument.id !== 'string'
  ) {
    return new NotifyError('INVALID_ARGUMENT', 'forwardCall: pass {type: "number"|"userId", id}.');
  }
  if (argument.type === 'number' && !E164_PATTERN.test(argument.id)) {
    return new NotifyError('INVALID_NUMBER', `forwardCall: "${argument.id}" is not an E.164 number.`);
  }
  if (
    argument.dtmf !== undefined &&
    (typeof argument.dtmf !== 'string' || !DTMF_PATTERN.test(argument.dtmf))
  ) {
    return new NotifyError('INVALID_DTMF', `forwardCall: "${String(argument.dtmf)}" is not DTMF.`);
  }
  const target: ForwardTarget = { type: argument.type, id: argument.id };
  if (argument.dtmf) target.dtmf = argument.dtmf;
  return target;
}
