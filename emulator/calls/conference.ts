import type { TwilioAccount } from '../../scripts/dev-account.js';
import { attachToMixer, type MediaEnd } from '../media/bridge.js';
import { HoldFrames, silentFrames, type FrameSource } from '../media/hold-music.js';
import { AudioMixer } from '../media/mixer.js';
import type { PhoneCall } from '../phones/virtual-phone.js';
import { newSid } from '../sids.js';
import type { StatusCallbackSpec } from '../twiml/verbs.js';
import { ConferenceCallbacks, type ConferenceEvent } from './conference-callbacks.js';

export type ConferenceStatus = 'init' | 'in-progress' | 'completed';
export type ConferenceEndReason =
  | 'conference-ended-via-api'
  | 'participant-with-end-conference-on-exit-left'
  | 'participant-with-end-conference-on-exit-kicked'
  | 'last-participant-kicked'
  | 'last-participant-left';
/** How a participant got out: its leg left (hang-up, redirect), it was removed (REST), or the conference ended. */
export type LeaveReason = 'left' | 'kicked' | 'conference-ended';

export interface JoinOptions {
  callSid: string;
  label?: string;
  muted: boolean;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  mediaEnd: MediaEnd;
}

/** Loads what a held participant hears from a HoldUrl (see hold-audio.ts). */
export type HoldAudioLoader = (
  holdUrl: string | undefined,
  method: 'GET' | 'POST',
  params: Record<string, string>,
) => Promise<FrameSource>;

/** One leg in a conference, as the Participants resource shows it. */
export class Participant {
  readonly callSid: string;
  readonly label: string | undefined;
  readonly startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  muted: boolean;
  hold = false;
  holdUrl: string | undefined;
  readonly dateCreated = new Date();
  dateUpdated = new Date();
  readonly left: Promise<LeaveReason>;
  /** The phone's call when the participant is a virtual phone (its meter shows what it heard). */
  readonly phone: PhoneCall | undefined;
  resolveLeft!: (reason: LeaveReason) => void;
  detach: () => void = () => undefined;

  constructor(
    readonly conferenceSid: string,
    options: JoinOptions,
  ) {
    this.callSid = options.callSid;
    this.label = options.label;
    this.muted = options.muted;
    this.startConferenceOnEnter = options.startConferenceOnEnter;
    this.endConferenceOnExit = options.endConferenceOnExit;
    this.phone = options.mediaEnd.kind === 'phone' ? options.mediaEnd.phone : undefined;
    this.left = new Promise((resolve) => (this.resolveLeft = resolve));
  }
}

/**
 * A named conference of the account: its participants, their mixed audio and its status callbacks. It starts
 * (`init` → `in-progress`) once two participants are in and one of them has startConferenceOnEnter; before
 * that everyone hears the wait audio (silence). It ends when a participant with endConferenceOnExit leaves
 * (everyone else is removed), when the last participant leaves, or through REST.
 */
export class Conference {
  readonly sid = newSid('CF');
  status: ConferenceStatus = 'init';
  readonly dateCreated = new Date();
  dateUpdated = new Date();
  reasonEnded: ConferenceEndReason | undefined;
  callSidEnding: string | undefined;
  readonly participants = new Map<string, Participant>();
  readonly callbacks: ConferenceCallbacks;
  private readonly mixer = new AudioMixer();

  constructor(
    readonly friendlyName: string,
    account: TwilioAccount,
    statusCallback: StatusCallbackSpec | undefined,
    private readonly loadHoldAudio: HoldAudioLoader,
  ) {
    this.callbacks = new ConferenceCallbacks(account, statusCallback, this);
    this.mixer.open = false;
  }

  join(options: JoinOptions): Participant {
    const participant = new Participant(this.sid, options);
    this.participants.set(participant.callSid, participant);
    participant.detach = attachToMixer(options.mediaEnd, this.mixer, participant.callSid, participant.muted);
    this.mixer.start();
    this.touch();
    this.participantEvent('participant-join', participant);
    const someoneStarts = [...this.participants.values()].some((p) => p.startConferenceOnEnter);
    if (this.status === 'init' && this.participants.size >= 2 && someoneStarts) {
      this.status = 'in-progress';
      this.mixer.open = true;
      this.callbacks.send('conference-start');
    }
    return participant;
  }

  /** Takes a participant out; false when it is not in the conference (any more). */
  leave(callSid: string, reason: Exclude<LeaveReason, 'conference-ended'>): boolean {
    const participant = this.participants.get(callSid);
    if (!participant) return false;
    this.remove(participant, reason);
    const kicked = reason === 'kicked';
    if (participant.endConferenceOnExit) {
      this.end(
        kicked
          ? 'participant-with-end-conference-on-exit-kicked'
          : 'participant-with-end-conference-on-exit-left',
        callSid,
      );
    } else if (!this.participants.size) {
      this.end(kicked ? 'last-participant-kicked' : 'last-participant-left', callSid);
    }
    return true;
  }

  /** Ends the conference: every participant is removed (their `<Dial>` ends and their TwiML goes on). */
  end(reason: ConferenceEndReason, callSidEnding?: string): void {
    if (this.status === 'completed') return;
    for (const participant of [...this.participants.values()]) this.remove(participant, 'conference-ended');
    this.status = 'completed';
    this.reasonEnded = reason;
    this.callSidEnding = callSidEnding;
    this.mixer.stop();
    this.touch();
    this.callbacks.send('conference-end', {
      ReasonConferenceEnded: reason,
      ...(callSidEnding ? { CallSidEndingConference: callSidEnding } : {}),
    });
  }

  setMuted(participant: Participant, muted: boolean): void {
    if (participant.muted === muted) return;
    participant.muted = muted;
    participant.dateUpdated = new Date();
    this.mixer.setMuted(participant.callSid, muted);
    this.participantEvent(muted ? 'participant-mute' : 'participant-unmute', participant);
  }

  /**
   * Holds or resumes a participant. The hold audio comes from `holdUrl` (the built-in hold tone by default);
   * until a fetched HoldUrl has answered, the held participant hears silence.
   */
  setHold(
    participant: Participant,
    hold: boolean,
    holdUrl?: string,
    holdMethod: 'GET' | 'POST' = 'GET',
  ): void {
    if (holdUrl !== undefined) participant.holdUrl = holdUrl;
    if (participant.hold === hold) return;
    participant.hold = hold;
    participant.dateUpdated = new Date();
    const id = participant.callSid;
    if (hold) {
      this.mixer.setHold(id, silentFrames());
      const params = { CallSid: id, ConferenceSid: this.sid, FriendlyName: this.friendlyName };
      void this.loadHoldAudio(participant.holdUrl, holdMethod, params)
        .catch(() => silentFrames())
        .then((source) => participant.hold && this.mixer.setHold(id, source));
    } else this.mixer.setHold(id, undefined);
    this.participantEvent(hold ? 'participant-hold' : 'participant-unhold', participant);
  }

  private remove(participant: Participant, reason: LeaveReason): void {
    this.participants.delete(participant.callSid);
    participant.detach();
    this.touch();
    this.participantEvent('participant-leave', participant);
    participant.resolveLeft(reason);
  }

  private participantEvent(event: ConferenceEvent, participant: Participant): void {
    this.callbacks.send(event, {
      CallSid: participant.callSid,
      Muted: String(participant.muted),
      Hold: String(participant.hold),
      Coaching: 'false',
      EndConferenceOnExit: String(participant.endConferenceOnExit),
      StartConferenceOnEnter: String(participant.startConferenceOnEnter),
      ...(participant.label ? { ParticipantLabel: participant.label } : {}),
    });
  }

  private touch(): void {
    this.dateUpdated = new Date();
  }
}

/** The account's conferences: live ones by friendly name, every one (ended too) by SID for REST. */
export class ConferenceDirectory {
  private readonly bySid = new Map<string, Conference>();

  constructor(
    private readonly account: TwilioAccount,
    private readonly loadHoldAudio: HoldAudioLoader = async () => new HoldFrames(),
  ) {}

  /** The live conference of that name, or a new one (which takes this status callback). */
  open(friendlyName: string, statusCallback: StatusCallbackSpec | undefined): Conference {
    const live = this.list().find((c) => c.friendlyName === friendlyName && c.status !== 'completed');
    if (live) return live;
    const conference = new Conference(friendlyName, this.account, statusCallback, this.loadHoldAudio);
    this.bySid.set(conference.sid, conference);
    return conference;
  }

  get(sid: string): Conference | undefined {
    return this.bySid.get(sid);
  }

  /** Oldest first. */
  list(): Conference[] {
    return [...this.bySid.values()];
  }

  endAll(): void {
    for (const conference of this.bySid.values()) conference.end('conference-ended-via-api');
  }
}
