/**
 * The strings of the second line (call waiting, hold, transfer, add to call, the list of calls): part of
 * `NotifyPhoneStrings`, overridden the same way (`strings`), but their English defaults load with the call
 * UI (lazy-parts.ts), not with the first render. `{caller}` and `{name}` are replaced where they appear.
 */
export interface CallStrings {
  /** The status line while a placed call is being set up, and while the far end rings. */
  statusCalling: string;
  statusRingingOut: string;
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
  /** Accessible name of the group of hold / add / transfer buttons. */
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
  /** The forward dialog (it opens from the call controls, so its defaults load with them). */
  forwardTitle: string;
  forwardNumberLabel: string;
  forwardToNumber: string;
  /** `{name}`: the agent's name. */
  forwardToAgent: string;
  cancel: string;
  /** Title, number button and agent buttons (`{name}`) of the add-to-call dialog. */
  addTitle: string;
  addNumber: string;
  addAgent: string;
}

/** The English defaults. */
export const defaultCallStrings: CallStrings = {
  statusCalling: 'Calling…',
  statusRingingOut: 'Ringing…',
  outcomeEnded: 'Call ended · {duration}',
  outcomeEndedRemote: 'Call ended by the other side · {duration}',
  outcomeBusy: 'Busy',
  outcomeNoAnswer: 'No answer',
  outcomeDeclined: 'Declined',
  outcomeFailed: 'Call failed',
  outcomeCanceled: 'Call canceled',
  outcomeMissed: 'Missed call',
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
  moreCallControls: 'Hold and transfer',
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
  forwardTitle: 'Forward the call',
  forwardNumberLabel: 'To a number',
  forwardToNumber: 'Forward',
  forwardToAgent: 'Forward to {name}',
  cancel: 'Cancel',
  addTitle: 'Add to the call',
  addNumber: 'Add',
  addAgent: 'Add {name}',
};
