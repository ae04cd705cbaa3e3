import type { DialResult } from '../twiml/interpreter.js';
import type { ConferenceTarget } from '../twiml/verbs.js';
import type { ConferenceDirectory } from './conference.js';
import type { DialingCall } from './dial.js';

/**
 * `<Dial><Conference>`: answers the leg, joins it to the account's live conference of that name (creating
 * it) and waits until it is out again: its call left (hang-up, redirect: the Dial's signal aborts), it was
 * removed through REST, or the conference ended. Then the `<Dial action>` runs with DialCallStatus
 * `answered`, as Twilio reports a conference.
 */
export async function joinConference(
  call: DialingCall,
  target: ConferenceTarget,
  conferences: ConferenceDirectory,
): Promise<DialResult> {
  const signal = call.signal;
  await call.answer();
  if (signal.aborted) return { status: 'canceled', durationSeconds: 0, bridged: false };
  const conference = conferences.open(target.name, target.statusCallback);
  if (conference.participants.size >= target.maxParticipants) {
    call.record('error', { code: 16025, message: `Conference ${target.name} is full` }); // Twilio's code for a full conference
    return { status: 'failed', durationSeconds: 0, bridged: false };
  }
  const participant = conference.join({
    callSid: call.sid,
    label: target.participantLabel,
    muted: target.muted,
    startConferenceOnEnter: target.startConferenceOnEnter,
    endConferenceOnExit: target.endConferenceOnExit,
    mediaEnd: call.mediaEnd,
  });
  call.record('conference-joined', { conferenceSid: conference.sid, friendlyName: conference.friendlyName });
  const joinedAt = Date.now();
  const leave = () => conference.leave(call.sid, 'left');
  signal.addEventListener('abort', leave, { once: true });
  const reason = await participant.left;
  signal.removeEventListener('abort', leave);
  call.record('conference-left', { conferenceSid: conference.sid, reason });
  return { status: 'answered', durationSeconds: Math.round((Date.now() - joinedAt) / 1000), bridged: true };
}
