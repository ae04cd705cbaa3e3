import { STD_EVENTS } from '../client/constants.js';
import { toNotifyError, type NotifyErrorCode } from '../client/errors.js';
import { NotifyClient, type NotifyConfig } from '../client/notify-client.js';
import type { NotifyCall } from '../client/notify-call.js';
import { clientConfig, type ClientSettings } from './client-config.js';
import {
  NotifyCallCancelEvent,
  NotifyCallDisconnectEvent,
  NotifyCallInitEvent,
  NotifyCallMuteEvent,
  NotifyCallStartEvent,
  NotifyCallUnmuteEvent,
  NotifyErrorEvent,
  NotifyIncomingCallEvent,
  NotifyOfflineEvent,
  NotifyOnlineEvent,
  type NotifyIncomingCallDetail,
} from './events.js';

/**
 * What the client's events change on the element's controller (notify-controller.ts), which this module
 * fills in: the last error, the incoming call, the call that ended last.
 */
export interface LinkedState {
  client: NotifyClient | null;
  lastError: { message: string; code: NotifyErrorCode } | null;
  incoming: NotifyIncomingCallDetail | null;
  ringing: boolean;
  lastEnded: NotifyCall | null;
}

/**
 * Makes the element's client and links it to the element: every STD_EVENT updates the controller's state
 * (`state`), then `after` re-reads the client and dispatches the event's `notify-*` DOM event.
 *
 * This is the element's first use of the client's code, so it loads with it, not with the element
 * (decision 30): an element that is only drawn (no caller ID yet) never loads the client.
 * @internal
 */
export function linkClient(
  host: ClientSettings,
  state: LinkedState,
  after: (event: Event) => void,
  changed: () => void,
): { client: NotifyClient; config: NotifyConfig } {
  const { config, lazy } = clientConfig(host);
  const client = new NotifyClient(config, lazy);
  client.onStateChange(changed);
  const on = client.addEventListener.bind(client);
  on(STD_EVENTS.ONLINE, () => {
    state.lastError = null;
    after(new NotifyOnlineEvent());
  });
  on(STD_EVENTS.OFFLINE, () => after(new NotifyOfflineEvent()));
  on(STD_EVENTS.ERROR, (message, code) => {
    // A replaced client (caller-id changed, element moved) can still fail a request it started:
    // that is not about this element's phone any more.
    if (state.client !== client) return;
    state.lastError = { message, code };
    after(new NotifyErrorEvent({ message, code }));
  });
  on(STD_EVENTS.INCOMING_CALL, (from, to, callId, parentId, sysId, isFromClient) => {
    state.incoming = { from, to, callId, parentId, sysId, isFromClient };
    state.ringing = true;
    after(new NotifyIncomingCallEvent(state.incoming));
  });
  on(STD_EVENTS.CALL_INIT, (status, callId) => {
    // A call that starts is a success: an error of an earlier attempt no longer applies.
    state.lastError = null;
    after(new NotifyCallInitEvent({ status, callId }));
  });
  on(STD_EVENTS.CALL_START, (callId) => after(new NotifyCallStartEvent({ callId })));
  const ended = (callId: string | undefined, call: NotifyCall) => {
    state.lastEnded = call;
    // An ended call has both (calls.ts sets them as it closes the call).
    return { callId, outcome: call.outcome!, endedBy: call.endedBy!, duration: call.duration };
  };
  on(STD_EVENTS.CALL_CANCEL, (...args) => after(new NotifyCallCancelEvent(ended(...args))));
  on(STD_EVENTS.CALL_DISCONNECT, (...args) => after(new NotifyCallDisconnectEvent(ended(...args))));
  on(STD_EVENTS.CALL_MUTE, () => after(new NotifyCallMuteEvent()));
  on(STD_EVENTS.CALL_UNMUTE, () => after(new NotifyCallUnmuteEvent()));
  return { client, config };
}

/**
 * The element's setCallerId(): the client's, with its one documented throw (a callback without lazy
 * vendor mode) reported as the element reports every error, as a `notify-error` event.
 * @internal
 */
export function setCallerIdOf(
  client: NotifyClient,
  value: string,
  callback: (() => void) | undefined,
  report: (code: NotifyErrorCode, message: string) => void,
): void {
  try {
    client.setCallerId(value, callback);
  } catch (error) {
    // A NotifyError as it is; anything else as INVALID_ARGUMENT.
    const { code, message } = toNotifyError(error, 'INVALID_ARGUMENT');
    report(code, message);
  }
}
