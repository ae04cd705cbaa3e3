import type { NotifyCall } from '../../client/notify-call.js';
import { Status } from '../../client/constants.js';
import type { NotifyController } from '../notify-controller.js';
import type { NotifyPhone } from '../notify-phone.js';
import { formatDuration } from './call-timer.js';
import { format, type CallStrings } from './call-strings.js';
import { partyName } from './display-number.js';

/** How long the status line keeps saying how the last call ended. */
export const OUTCOME_SHOWN_MS = 5000;

/** The ended calls whose outcome has a re-render scheduled to take it off the status line. */
const scheduled = new WeakSet<NotifyCall>();

/** What the status line says about how a call ended; `party` names a transfer's target. */
export function outcomeText(
  call: NotifyCall,
  strings: CallStrings,
  party: (target: string) => string = (target) => target,
): string {
  if (call.transferredTo && call.outcome === 'completed') {
    return format(strings.outcomeTransferred, { party: party(call.transferredTo) });
  }
  const byOutcome = {
    completed: call.endedBy === 'remote' ? strings.outcomeEndedRemote : strings.outcomeEnded,
    busy: strings.outcomeBusy,
    'no-answer': strings.outcomeNoAnswer,
    declined: strings.outcomeDeclined,
    failed: strings.outcomeFailed,
    canceled: call.direction === 'incoming' ? strings.outcomeMissed : strings.outcomeCanceled,
  };
  const text = call.outcome ? byOutcome[call.outcome] : strings.outcomeEnded;
  return format(text, { duration: formatDuration((call.duration ?? 0) * 1000) });
}

/** When the element first saw who transferred a call (0: while it rang, as a blind transfer is announced). */
const transferSeen = new WeakMap<NotifyCall, number>();

/**
 * "Transferred by A" on the status line (a polite live region, so it is announced) for OUTCOME_SHOWN_MS once
 * a warm transfer to the active call completed (the colleague consulted us on it); undefined otherwise. A
 * blind transfer is told as it rings (the announcer), not again here.
 */
export function transferNotice(
  el: NotifyPhone,
  active: NotifyCall | null,
  strings: CallStrings,
): string | undefined {
  const agent = active?.transferredBy;
  if (!agent) return undefined;
  let seen = transferSeen.get(active);
  if (seen === undefined) {
    transferSeen.set(active, (seen = active.status === Status.OPEN ? Date.now() : 0));
    if (seen) setTimeout(() => el.requestUpdate(), OUTCOME_SHOWN_MS + 50);
  }
  return Date.now() - seen < OUTCOME_SHOWN_MS ? format(strings.transferredBy, { agent }) : undefined;
}

/** The status of the current call: an incoming call, or the call's state (and mute); undefined without one. */
export function callStatusText(
  el: NotifyPhone,
  controller: NotifyController,
  t: CallStrings,
): string | undefined {
  const incoming = controller.incoming;
  if (el.ringing && incoming) return format(t.statusIncoming, { caller: incoming.from });
  if (!el.inCall) return undefined;
  const text = format(t.statusInCall, { status: t.callStatus[el.status] });
  return el.muted ? `${text}, ${t.statusMuted}` : text;
}

/**
 * The status line of a call's progress and end, or undefined for the default one: "Calling…" and "Ringing…"
 * while a placed call is set up and rings (answerOnBridge: it opens only when the far end answers), and, with
 * no call left, how the last one ended during OUTCOME_SHOWN_MS. The status part is a polite live region, so
 * the outcome is announced. @internal
 */
export function progressStatus(
  el: NotifyPhone,
  controller: NotifyController,
  strings: CallStrings,
): string | undefined {
  const active = controller.client?.activeCall;
  if (active) {
    if (active.direction !== 'outgoing' || active.held) return undefined;
    if (active.status === Status.RINGING) return strings.statusRingingOut;
    if (active.status === Status.PENDING || active.status === Status.CONNECTING) return strings.statusCalling;
    return undefined;
  }
  const ended = controller.lastEnded;
  if (controller.calls.length || !ended?.endedAt) return undefined;
  const left = ended.endedAt + OUTCOME_SHOWN_MS - Date.now();
  if (left <= 0) return undefined;
  if (!scheduled.has(ended)) {
    scheduled.add(ended);
    setTimeout(() => el.requestUpdate(), left + 50);
  }
  return outcomeText(ended, strings, (target) => partyName(target, controller.agents, el.defaultCountry));
}
