import type { BaseStrings, NotifyPhoneStrings } from '../strings.js';
/**
 * The strings of calls (their status and outcome, the call buttons, call waiting, hold, transfer, add to call,
 * the list of calls): part of
 * `NotifyPhoneStrings`, overridden the same way (`strings`), but their English defaults load with the call
 * UI (lazy-parts.ts), not with the first render. `{caller}` and `{name}` are replaced where they appear.
 */
export interface CallStrings {
  /** `{status}`: the translated call status (see `callStatus`). */
  statusInCall: string;
  statusMuted: string;
  /** The status while a call rings (who calls is shown under it); `{caller}` may be used. */
  statusIncoming: string;
  /** Names of `Status` values shown in `statusInCall`. */
  callStatus: Record<'pending' | 'connecting' | 'ringing' | 'open' | 'reconnecting' | 'closed', string>;
  /** Announced through the live region when a call comes in; `{caller}`. */
  announceIncoming: string;
  /** The status line while a placed call is being set up, and while the far end rings. */
  statusCalling: string;
  statusRingingOut: string;
  /** Accessible name of the call timer. */
  callTimer: string;
  /**
   * The status line for a few seconds after a call ended, by its outcome (`NotifyCall.outcome`); `{duration}`
   * (m:ss) in the two for an answered call: hung up here, or by the other party.
   */
  outcomeEnded: string;
  outcomeEndedRemote: string;
  outcomeBusy: string;
  outcomeNoAnswer: string;
  outcomeDeclined: string;
  outcomeFailed: string;
  /** A placed call given up while it rang. */
  outcomeCanceled: string;
  /** An incoming call that ended before it was answered here. */
  outcomeMissed: string;
  /** A call this phone transferred (forward, or a completed warm transfer): `{party}`, the number or agent. */
  outcomeTransferred: string;
  /** Under the caller of a call a colleague transferred here: `{agent}`, the colleague's name. */
  transferredBy: string;
  /** Announced for such a call as it rings: `{caller}`, `{agent}`. */
  announceTransferred: string;
  /** Shown while the browser blocks sound (no interaction with the page yet): calls would ring silently. */
  soundBlocked: string;
  /** The button that turns sound on. */
  enableSound: string;
  /** The visually hidden heading of the incoming call. */
  incomingTitle: string;
  hangUp: string;
  pickUp: string;
  decline: string;
  mute: string;
  /** The mute button's label while muted. */
  unmute: string;
  forward: string;
  /** The disclosure of available agents. */
  agents: string;
  /** `{count}`: the number of available agents. */
  agentsCount: string;
  noAgents: string;
  refreshAgents: string;
  /** `{name}`: the agent's name. */
  callAgent: string;
  forwardTitle: string;
  forwardNumberLabel: string;
  forwardToNumber: string;
  /** `{name}`: the agent's name. */
  forwardToAgent: string;
  cancel: string;
  /** The status line while every call is on hold. */
  statusHeld: string;
  /** The status line while a second call waits; `{caller}`. */
  statusWaiting: string;
  /** The status line during a warm transfer's consultation; `{caller}`: who is consulted. */
  statusConsulting: string;
  /** Announced (assertive live region) when a call comes in during a call; `{caller}`. */
  announceWaiting: string;
  waitingTitle: string;
  /** Answers the waiting call, holding the current one. */
  answerHold: string;
  hold: string;
  resume: string;
  /** Opens the dialog that adds a party to the call. */
  addToCall: string;
  completeTransfer: string;
  cancelTransfer: string;
  /** Accessible name of the group of add / transfer buttons. */
  moreCallControls: string;
  /** Accessible name of the list of calls. */
  calls: string;
  /** The state of one call in the list. */
  callRinging: string;
  callActive: string;
  callHeld: string;
  callConsulting: string;
  /** Legend of the forward dialog's choice between a blind and a warm transfer. */
  transferMode: string;
  transferBlind: string;
  transferWarm: string;
  /** The number button and agent buttons (`{name}`) of a warm transfer. */
  consultNumber: string;
  consultAgent: string;
  /** Title, number button and agent buttons (`{name}`) of the add-to-call dialog. */
  addTitle: string;
  addNumber: string;
  addAgent: string;
}

/** The English defaults. */
export const defaultCallStrings: CallStrings = {
  statusInCall: 'Call {status}',
  statusMuted: 'muted',
  statusIncoming: 'Incoming call',
  callStatus: {
    pending: 'waiting',
    connecting: 'connecting',
    ringing: 'ringing',
    open: 'in progress',
    reconnecting: 'reconnecting',
    closed: 'ended',
  },
  announceIncoming: 'Incoming call from {caller}',
  statusCalling: 'Calling…',
  statusRingingOut: 'Ringing…',
  callTimer: 'Call duration',
  outcomeEnded: 'Call ended · {duration}',
  outcomeEndedRemote: 'Call ended by the other side · {duration}',
  outcomeBusy: 'Busy',
  outcomeNoAnswer: 'No answer',
  outcomeDeclined: 'Declined',
  outcomeFailed: 'Call failed',
  outcomeCanceled: 'Call canceled',
  outcomeMissed: 'Missed call',
  outcomeTransferred: 'Transferred to {party}',
  transferredBy: 'Transferred by {agent}',
  announceTransferred: 'Incoming call from {caller}, transferred by {agent}',
  soundBlocked: 'Sound is off in this browser until you click the page: calls would ring silently.',
  enableSound: 'Turn sound on',
  incomingTitle: 'Incoming call',
  hangUp: 'Hang up',
  pickUp: 'Pick up',
  decline: 'Decline',
  mute: 'Mute',
  unmute: 'Unmute',
  forward: 'Forward…',
  agents: 'Available agents',
  agentsCount: 'Available agents ({count})',
  noAgents: 'No other agent is available.',
  refreshAgents: 'Refresh',
  callAgent: 'Call {name}',
  forwardTitle: 'Forward the call',
  forwardNumberLabel: 'To a number',
  forwardToNumber: 'Forward',
  forwardToAgent: 'Forward to {name}',
  cancel: 'Cancel',
  statusHeld: 'Call on hold',
  statusWaiting: 'Call waiting from {caller}',
  statusConsulting: 'Consulting {caller}, caller on hold',
  announceWaiting: 'Call waiting from {caller}',
  waitingTitle: 'Call waiting',
  answerHold: 'Answer & hold',
  hold: 'Hold',
  resume: 'Resume',
  addToCall: 'Add to call…',
  completeTransfer: 'Complete transfer',
  cancelTransfer: 'Cancel transfer',
  moreCallControls: 'Transfer and add',
  calls: 'Calls',
  callRinging: 'Ringing',
  callActive: 'Active',
  callHeld: 'On hold',
  callConsulting: 'Consulting',
  transferMode: 'Transfer',
  transferBlind: 'Forward now (blind)',
  transferWarm: 'Talk to them first (warm)',
  consultNumber: 'Consult',
  consultAgent: 'Consult {name}',
  addTitle: 'Add to the call',
  addNumber: 'Add',
  addAgent: 'Add {name}',
};

/** The element's strings with the call UI's defaults under them (`callStatus` merged one level deep). */
export function callStrings(base: BaseStrings & Partial<CallStrings>): NotifyPhoneStrings {
  return {
    ...defaultCallStrings,
    ...base,
    callStatus: { ...defaultCallStrings.callStatus, ...base.callStatus },
  };
}

/** Replaces `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) =>
    key in values ? String(values[key]) : match,
  );
}
