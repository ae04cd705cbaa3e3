import type { TwilioAccount } from '../../scripts/dev-account.js';
import type { StatusCallbackSpec } from '../twiml/verbs.js';
import { sendWebhook } from '../webhooks.js';
import { isFinal, type CallLeg, type CallRegistry, type CallStatus } from './call-registry.js';

/** statusCallbackEvent names by the status that triggers them. */
const EVENT_OF: Partial<Record<CallStatus, string>> = {
  initiated: 'initiated',
  ringing: 'ringing',
  'in-progress': 'answered',
};

const SIP_CODE: Partial<Record<CallStatus, string>> = {
  completed: '200',
  busy: '486',
  'no-answer': '487',
  canceled: '487',
  failed: '500',
};

/**
 * Signed status callbacks for one leg (`statusCallback` / `statusCallbackEvent` on `<Number>` and `<Client>`,
 * or the parent leg's from the TwiML App's or the called number's StatusCallback):
 * one request per subscribed event, each with the call parameters plus Timestamp, CallbackSource and a
 * SequenceNumber from 0. Failures are ignored, as Twilio only logs them (warning 15003).
 * `delayMs()` (read at each event) sends the request that much later, as a slow Twilio would; the
 * parameters (Timestamp included) are those of the moment of the event, and the order is kept.
 */
export function watchStatusCallbacks(
  registry: CallRegistry,
  account: TwilioAccount,
  sid: string,
  spec: StatusCallbackSpec,
  delayMs: () => number = () => 0,
  /** Parameters of the leg's synchronous requests that every callback repeats (e.g. `ApplicationSid`). */
  extraParams: Readonly<Record<string, string>> = {},
): void {
  let sequenceNumber = 0;
  let sentNoEarlierThan = 0;
  const send = (leg: Readonly<CallLeg>) => {
    const final = isFinal(leg.status);
    const event = final ? 'completed' : EVENT_OF[leg.status];
    if (!event || !spec.events.includes(event)) return;
    const params: Record<string, string> = {
      ...extraParams,
      AccountSid: account.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: leg.sid,
      CallStatus: leg.status,
      Direction: leg.direction,
      From: leg.from,
      Caller: leg.from,
      To: leg.to,
      Called: leg.to,
      Timestamp: new Date().toUTCString(),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(sequenceNumber++),
      ...(leg.parentSid ? { ParentCallSid: leg.parentSid } : {}),
    };
    if (final) {
      const seconds = registry.durationSeconds(leg.sid);
      params.CallDuration = String(seconds);
      params.Duration = String(Math.ceil(seconds / 60));
      params.SipResponseCode = SIP_CODE[leg.status] ?? '200';
    }
    const post = () =>
      void sendWebhook(account.authToken, spec.url, params, spec.method).catch(() => undefined);
    // Never before an earlier callback of this leg (the delay may change during the call); timers that are
    // due at the same time fire in the order they were set.
    const due = Math.max(Date.now() + Math.max(0, delayMs()), sentNoEarlierThan);
    sentNoEarlierThan = due;
    if (due > Date.now()) setTimeout(post, due - Date.now()).unref();
    else post();
  };
  const leg = registry.get(sid);
  if (leg) send(leg); // the leg already exists in `initiated` when the watch starts
  const stop = registry.onStatus((changed) => {
    if (changed.sid !== sid) return;
    send(changed);
    if (isFinal(changed.status)) stop();
  });
}
