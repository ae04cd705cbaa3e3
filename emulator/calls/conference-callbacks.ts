import type { TwilioAccount } from '../../scripts/dev-account.js';
import type { StatusCallbackSpec } from '../twiml/verbs.js';
import { sendWebhook } from '../webhooks.js';

/** StatusCallbackEvent values and the statusCallbackEvent keyword that subscribes to each. */
const KEYWORD_OF = {
  'conference-start': 'start',
  'conference-end': 'end',
  'participant-join': 'join',
  'participant-leave': 'leave',
  'participant-mute': 'mute',
  'participant-unmute': 'mute',
  'participant-hold': 'hold',
  'participant-unhold': 'hold',
} as const;
export type ConferenceEvent = keyof typeof KEYWORD_OF;

/**
 * A conference's signed status callbacks (the first participant's `statusCallback`; later values are ignored,
 * as Twilio does): one request per subscribed event, sent one after the other so that the backend receives
 * them in the order they happened, each with AccountSid, ConferenceSid, FriendlyName, StatusCallbackEvent,
 * Timestamp and a SequenceNumber from 1, plus the event's own parameters. Failures are ignored (Twilio only
 * logs them).
 */
export class ConferenceCallbacks {
  private sequenceNumber = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** Every event sent (subscribed or not), for the inspection API. */
  readonly log: Array<{ event: ConferenceEvent; callSid?: string }> = [];

  constructor(
    private readonly account: TwilioAccount,
    private readonly spec: StatusCallbackSpec | undefined,
    private readonly conference: { sid: string; friendlyName: string },
  ) {}

  send(event: ConferenceEvent, params: Record<string, string> = {}): void {
    this.log.push({ event, ...(params.CallSid ? { callSid: params.CallSid } : {}) });
    const spec = this.spec;
    if (!spec || !spec.events.includes(KEYWORD_OF[event])) return;
    const body: Record<string, string> = {
      AccountSid: this.account.accountSid,
      ConferenceSid: this.conference.sid,
      FriendlyName: this.conference.friendlyName,
      StatusCallbackEvent: event,
      Timestamp: new Date().toUTCString(),
      SequenceNumber: String(++this.sequenceNumber),
      ...params,
    };
    this.queue = this.queue
      .then(() => sendWebhook(this.account.authToken, spec.url, body, spec.method))
      .catch(() => undefined);
  }
}
