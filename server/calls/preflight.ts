import { voiceResponse } from '../twilio.js';

/** The longest a pre-call test's call may last (Twilio's `<Dial timeLimit>`); the SDK's own test ends at 20 s. */
export const PREFLIGHT_TIME_LIMIT_SECONDS = 30;

/**
 * The TwiML of a pre-call test (`client.preflight()`, ours; the caller is a `p_<session>` identity): the test
 * call joins a conference of its own, where the media server sends it a steady RTP stream (the wait audio of a
 * lone participant: silence) and receives its audio, so the SDK's PreflightTest measures ICE, RTT, jitter,
 * packet loss and MOS on a real media path. Not recorded as a call: it is nobody's call history. `timeLimit`
 * ends it even if the test never hangs up.
 */
export function preflightTwiml(callSid: string): string {
  const twiml = voiceResponse();
  twiml
    .dial({ timeLimit: PREFLIGHT_TIME_LIMIT_SECONDS })
    .conference(
      { beep: 'false', startConferenceOnEnter: true, endConferenceOnExit: true, waitUrl: '' },
      `preflight-${callSid}`,
    );
  return twiml.toString();
}
