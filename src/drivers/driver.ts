import type { Status, Vendor } from '../client/constants.js';
import type { NotifyError } from '../client/errors.js';
import type { TypedEmitter } from '../client/emitter.js';
import type { CallEnd } from '../client/notify-call.js';

/** An incoming call as a driver reports it. */
export interface IncomingCallInfo {
  callSid: string;
  from: string;
  to: string;
  /** Custom parameters sent with the call (TwiML `<Parameter>`), e.g. `parentId`, `sysId`. */
  params: Record<string, string>;
}

/**
 * One call as a driver knows it: an opaque object the driver creates for each call (an incoming invite, an
 * outgoing connect()) and the client hands back to address that call. Drivers may use their vendor's own
 * call object (Twilio: the SDK's `Call`); the client never looks inside.
 */
export type CallHandle = object;

/**
 * Events every driver emits. Every call event carries the call's handle as its last argument, so a vendor
 * can carry several calls at once. A driver may report the status of an outgoing call before connect()
 * resolves; such an event carries the handle connect() will resolve to.
 */
export interface VendorDriverEvents {
  registered: [];
  /** The vendor no longer routes calls to us (e.g. its signaling is down); `registered` again ends it. */
  unregistered: [];
  error: [error: NotifyError];
  tokenWillExpire: [];
  incoming: [info: IncomingCallInfo, call: CallHandle];
  /** A non-final status change of a call (CLOSED comes as one of the end events). */
  callStatus: [status: Status, call: CallHandle];
  callAccepted: [call: CallHandle];
  /** The call ended; `end` says how, when the vendor knows (busy, declined, who hung up). */
  callDisconnected: [call: CallHandle, end?: CallEnd];
  callCanceled: [call: CallHandle];
  callRejected: [call: CallHandle];
  callError: [error: NotifyError, call: CallHandle];
  /**
   * A media warning of a call raised (`active`) or cleared. `no-audio`: no audio arrives although the
   * connection looks up (RTP stopped; STUN still passes). Optional for a driver.
   */
  callWarning: [warning: 'no-audio', active: boolean, call: CallHandle];
  /**
   * Ours (issue 12): a colleague completed a warm transfer of their caller to this call; `transferredBy` is
   * their name as the backend says it (Twilio: the backend's user-defined message). Optional for a driver.
   */
  callTransferred: [transferredBy: string, call: CallHandle];
  /** Ours (issue 14): the vendor's call-quality warning was raised or cleared. */
  quality: [warning: QualityWarning, call: CallHandle];
  /** Ours (issue 14): the selected microphone went away; the driver already fell back to `fallback`. */
  inputLost: [lost: AudioDevice, fallback: AudioDevice | null];
}

/**
 * A vendor's call-quality warning, one shape for every vendor (Twilio's `warning` / `warning-cleared`
 * names: `high-rtt`, `high-jitter`, `high-packet-loss`, `low-mos`, `constant-audio-input-level`, …).
 */
export interface QualityWarning {
  name: string;
  /** The measured value that crossed the threshold (the latest sample); null when cleared or unknown. */
  value: number | null;
  /** The threshold it crossed (ms for rtt and jitter, % for packet loss, MOS 1–5, …); null when unknown. */
  threshold: number | null;
  /** true: the condition ended (the warning is withdrawn). */
  cleared: boolean;
}

/** A microphone or speaker as `enumerateDevices()` lists it (labels need the microphone permission). */
export interface AudioDevice {
  deviceId: string;
  label: string;
}

/** What a driver's audio can choose from and what it chose. */
export interface AudioDevices {
  inputs: AudioDevice[];
  outputs: AudioDevice[];
  /** The selected microphone's deviceId; null: the browser's default, chosen per call. */
  input: string | null;
  speaker: string[];
  ringer: string[];
  /** Whether outputs can be chosen (`HTMLMediaElement.setSinkId`); false on Firefox before 116 and Safari. */
  outputSelection: boolean;
}

/** min, average and max of one measure over the test's samples. */
export interface PreflightRange {
  min: number;
  average: number;
  max: number;
}

/** What a vendor's pre-call test measured (ours, issue 14; Twilio: its PreflightTest report). */
export interface PreflightReport {
  /** The test call's id at the vendor (Twilio: its CallSid). */
  callSid: string | null;
  /** ms from placing the test call to the signaling answer. */
  signalingMs: number | null;
  /** ms to connect ICE. */
  iceMs: number | null;
  /** ms to establish DTLS. */
  dtlsMs: number | null;
  /** Round-trip time, ms. */
  rtt: PreflightRange | null;
  /** Jitter of the received audio, ms. */
  jitter: PreflightRange | null;
  /** Mean opinion score, 1–5 (4.2 and up is excellent). */
  mos: PreflightRange | null;
  /** Packets lost, % of those sent to the test. */
  packetLoss: number | null;
  /** The vendor's verdict (Twilio: `excellent`, `great`, `good`, `fair`, `degraded`). */
  quality: string | null;
  /** Kinds of ICE candidates of the path used (`host`, `srflx`, `relay`), local and remote. */
  candidates: { local: string; remote: string } | null;
  /** Warnings raised during the test (the quality warnings' names). */
  warnings: string[];
}

/** Device selection (issue 14), for vendors whose SDK owns the media (Twilio's `Device.audio`). */
export interface DriverAudio {
  /** The devices now (after the microphone permission, with labels). */
  devices(): Promise<AudioDevices>;
  /** Opens the microphone `deviceId` (MEDIA_PERMISSION_DENIED, INVALID_ARGUMENT for an unknown id). */
  setInput(deviceId: string): Promise<void>;
  /** Routes the call audio (`speaker`) or the ringtone (`ringer`) to `deviceId` (NOT_SUPPORTED without setSinkId). */
  setOutput(kind: 'speaker' | 'ringer', deviceId: string): Promise<void>;
}

export interface RegisterOptions {
  token: string;
  /** The backend's vendor device configuration, passed through. */
  device: Record<string, unknown>;
}

/**
 * The vendor abstraction (after mediasoup-client's HandlerInterface, and twilio-voice.js's split of `Device`
 * and `Call`): NotifyClient only talks to this interface and never touches vendor objects. The driver is
 * the device (registration, token); calls are addressed by their CallHandle, always the last argument, so
 * one driver can carry several calls (a SIP user agent holds many dialogs). A vendor that takes one media
 * call at a time (the Twilio SDK) rejects a second invite itself, so the client never sees it.
 */
export interface VendorDriver {
  readonly name: string;
  readonly events: TypedEmitter<VendorDriverEvents>;
  /**
   * The DTMF this vendor can send, as a pattern over a whole string (a subset of the client's `0-9 * # A-D w`);
   * the client refuses other digits with INVALID_DTMF before anything is sent. Absent: every DTMF digit.
   */
  readonly dtmfPattern?: RegExp;
  /** Creates the vendor device and registers it; resolves when registered. */
  register(options: RegisterOptions): Promise<void>;
  unregister(): Promise<void>;
  updateToken(token: string): void;
  /** Places an outgoing call; resolves to its handle once the vendor call exists. */
  connect(params: Record<string, string>): Promise<CallHandle>;
  /** Accepts an incoming call (announced by `incoming`). */
  accept(call: CallHandle): Promise<void>;
  /** Rejects an incoming call. */
  reject(call: CallHandle): void;
  /**
   * Ends a call. `endedBy: 'remote'`: the far end already ended it (the backend knows, the vendor could not
   * say yet): the call is released here and reported as ended by the far end, with no error of its own.
   */
  hangup(call: CallHandle, endedBy?: 'local' | 'remote'): void;
  sendDigits(digits: string, call: CallHandle): void;
  mute(muted: boolean, call: CallHandle): void;
  isMuted(call: CallHandle): boolean;
  /**
   * Holds or resumes a call in the media path, for vendors that can (SIP: a re-INVITE with `sendonly` /
   * `sendrecv`, the far end plays its own hold audio); resolves once the far end confirmed it. Vendors without
   * it (Twilio: one media call at a time) are held on the server, in the call's conference
   * (src/client/call-control.ts, docs/decisions.md §13).
   */
  hold?(held: boolean, call: CallHandle): Promise<void>;
  /**
   * Transfers a call in the signaling path (SIP: REFER), for vendors that can, and then hangs up the call (and
   * the consultation), so that they end as hung up from here. `target` is the address the backend named (`POST /calls/:callSid/refer`). Without `replaces`
   * a blind transfer: resolves once the far end reports its new call ringing or answered. With `replaces` (the
   * consultation call) an attended one (REFER with Replaces): resolves once that call is answered. Rejects
   * (CALL_FAILED) when the far end refuses or fails it; both calls are then left as they were. Vendors
   * without it (Twilio) transfer on the server.
   */
  transfer?(target: string, call: CallHandle, replaces?: CallHandle): Promise<void>;
  /** Ours (issue 14): choosing microphone, speaker and ringer; absent: the client answers NOT_SUPPORTED. */
  readonly audio?: DriverAudio;
  /**
   * Ours (issue 14): runs the vendor's own pre-call test with `token` (the session's test identity, see
   * NotifyBackend.preflightToken) and the device configuration it registered with; resolves its report.
   * Absent: the client answers NOT_SUPPORTED.
   */
  preflight?(token: string): Promise<PreflightReport>;
  /**
   * Prepares the media of the next calls now (Twilio: opens the microphone's input stream and keeps it open
   * for every call until destroy()), so that a call skips it. Never rejects: a failure is reported as
   * `error` and the next call acquires its media as usual. Optional: vendors without it acquire per call.
   */
  warmUp?(): Promise<void>;
  /**
   * Lets go of the invites still ringing here without declining them, as the page goes away while another tab
   * of the agent takes over (`shareTabs`, docs/decisions.md §27): the vendor sees this phone gone, not the
   * agent's decline, so the backend rings the call again. Absent: the vendor's own unload handling applies.
   */
  releaseRinging?(): void;
  /** The vendor's identifier of a call (Twilio: CallSid; SIP: Call-ID), once known. */
  getCallSid(call: CallHandle): string | undefined;
  /** Unregisters, ends every call, releases media. Final. */
  destroy(): void;
}

export interface DriverContext {
  vendor: Vendor;
  autoLoadScriptResources: boolean;
}

/** Creates the driver for a vendor. @internal injection point for tests (`notifyConfig.driverFactory`). */
export type DriverFactory = (context: DriverContext) => VendorDriver | Promise<VendorDriver>;
