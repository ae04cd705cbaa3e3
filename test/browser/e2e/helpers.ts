/**
 * Test seams for the end-to-end group: the stack's addresses, development sign-in, the emulator's
 * inspection API, and the page's RTCPeerConnections (recorded so a test can read real getStats()).
 */
import { waitUntil } from '@open-wc/testing';
import { toneMs, type AudioReading } from '../../../emulator/media/audio-meter.js';
// @ts-expect-error served by the stack plugin at test time
import { stack as served } from '/__stack.js';

export interface StackInfo {
  origin: string;
  backendUrl: string;
  shortTokens: { origin: string; backendUrl: string };
  demoNumber: string;
  foreignNumber: string;
  /** The tone the page's fake microphone plays (scripts/fake-microphone.ts). */
  pageToneHz: number;
  /** The tone every virtual phone plays (emulator/media/g711.ts). */
  phoneToneHz: number;
}
export const stack = served as StackInfo;

/** Every RTCPeerConnection the page creates from now on (the SDK creates one per call). */
export const peerConnections: RTCPeerConnection[] = [];
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class RecordedPeerConnection extends NativePeerConnection {
  constructor(configuration?: RTCConfiguration) {
    super(configuration);
    peerConnections.push(this);
  }
};

/** Signs a development user in and returns the backend's bearer token. */
export async function signIn(name: string, backendUrl = stack.backendUrl): Promise<string> {
  const response = await fetch(`${backendUrl}/auth/dev-sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`dev sign-in failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export interface PhoneCall {
  callSid: string;
  parentCallSid: string | null;
  state: string;
  digits: string;
  audioPacketsReceived: number;
  audioPacketsSent: number;
  /** What the phone heard, cumulative (emulator/media/audio-meter.ts). */
  audio: AudioReading;
}

/** Milliseconds a phone call has heard the page's microphone tone so far. */
export const heardPageMs = (call: Pick<PhoneCall, 'audio'> | undefined): number =>
  call ? toneMs(call.audio, stack.pageToneHz) : 0;

/** What a virtual PSTN phone of the emulator has seen. */
export async function phone(number: string, origin = stack.origin): Promise<{ calls: PhoneCall[] }> {
  const response = await fetch(`${origin}/emulator/phones/${encodeURIComponent(number)}`);
  return (await response.json()) as { calls: PhoneCall[] };
}

export async function emulatorCalls(origin = stack.origin): Promise<Array<{ sid: string; status: string }>> {
  const response = await fetch(`${origin}/emulator/calls`);
  const body = (await response.json()) as
    { calls: Array<{ sid: string; status: string }> } | Array<{ sid: string; status: string }>;
  return Array.isArray(body) ? body : body.calls;
}

/** Inbound RTP packets counted by the browser on the most recent call. */
export async function inboundAudioPackets(): Promise<number> {
  const pc = peerConnections.at(-1);
  if (!pc) return 0;
  let packets = 0;
  (await pc.getStats()).forEach((report: { type: string; kind?: string; packetsReceived?: number }) => {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') packets += report.packetsReceived ?? 0;
  });
  return packets;
}

/** Records every event a NotifyClient fires, in order, with its arguments. */
export function recordEvents(
  client: { addEventListener(event: string, fn: (...args: unknown[]) => void): () => void },
  events: Record<string, string>,
): Array<{ event: string; args: unknown[] }> {
  const log: Array<{ event: string; args: unknown[] }> = [];
  for (const event of Object.values(events))
    client.addEventListener(event, (...args) => log.push({ event, args }));
  return log;
}

/** Signs a development user in and returns the user with the token. */
export async function signInUser(
  name: string,
  backendUrl = stack.backendUrl,
): Promise<{ token: string; user: { sys_id: string; name: string } }> {
  const response = await fetch(`${backendUrl}/auth/dev-sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`dev sign-in failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { token: string; user: { sys_id: string; name: string } };
}

/** A backend JSON body, loosely typed for assertions. */
export interface ApiBody {
  error?: { code: string; message: string };
  clients?: Array<{ sys_id: string; name: string }>;
  [key: string]: unknown;
}

/** A call leg of the emulator, with the event log of calls that ran TwiML. */
export interface EmulatorLeg {
  sid: string;
  parentSid: string | null;
  to: string;
  status: string;
  events?: Array<{ event: string; detail?: Record<string, unknown> }>;
}

/** A backend request as a signed-in user; resolves with the status and the JSON body. */
export async function api(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: ApiBody }> {
  const response = await fetch(`${stack.backendUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as ApiBody };
}

/** A virtual phone calls a number (a Notify number: its voice URL routes the call); the parent CallSid. */
export async function dialFromPhone(from: string, to: string): Promise<string> {
  const response = await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(from)}/dial`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to }),
  });
  if (response.status !== 201) throw new Error(`dial failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { callSid: string }).callSid;
}

/** Every call leg of the emulator with its event log (parents only). */
export async function emulatorLegs(): Promise<EmulatorLeg[]> {
  const response = await fetch(`${stack.origin}/emulator/calls`);
  return ((await response.json()) as { calls: EmulatorLeg[] }).calls;
}

/** Inbound audio packets of one recorded RTCPeerConnection. */
export async function inboundPacketsOf(pc: RTCPeerConnection): Promise<number> {
  let packets = 0;
  (await pc.getStats()).forEach((report: { type: string; kind?: string; packetsReceived?: number }) => {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') packets += report.packetsReceived ?? 0;
  });
  return packets;
}

/**
 * The loudest frequency the page hears from the far end on a recorded RTCPeerConnection, measured over
 * `windowMs` with Web Audio (the remote track is also playing through the SDK's audio element, so it flows);
 * `hz` is null when what arrives is below `minDb` (silence).
 */
export async function remoteTone(
  pc: RTCPeerConnection | undefined = peerConnections.at(-1),
  windowMs = 300,
  minDb = -70,
): Promise<{ hz: number | null; db: number }> {
  const track = pc?.getReceivers().find((receiver) => receiver.track.kind === 'audio')?.track;
  if (!track) return { hz: null, db: -Infinity };
  const context = new AudioContext();
  try {
    const analyser = context.createAnalyser();
    analyser.fftSize = 4096;
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    await new Promise((resolve) => setTimeout(resolve, windowMs)); // fill the analyser's window
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let peak = 0;
    for (let i = 1; i < bins.length; i++) if (bins[i]! > bins[peak]!) peak = i;
    const db = bins[peak]!;
    return { hz: db < minDb ? null : (peak * context.sampleRate) / analyser.fftSize, db };
  } finally {
    await context.close();
  }
}

/** Whether the page hears `hz` (give or take two analyser bins) from the far end now. */
export async function pageHears(hz: number, pc?: RTCPeerConnection): Promise<boolean> {
  const { hz: heard } = await remoteTone(pc);
  return heard !== null && Math.abs(heard - hz) <= 25;
}

/** A client as far as tearing it down goes. */
interface Destroyable {
  getSession(): { identity: string } | null;
  destroy(): void;
}

/**
 * Destroys clients and waits until the emulator no longer has them registered, so that the next test starts
 * from a settled stack (a positive signal, where a fixed pause would only guess).
 */
export async function destroyAndSettle(clients: Destroyable[], origin = stack.origin): Promise<void> {
  const identities = clients.map((client) => client.getSession()?.identity).filter(Boolean) as string[];
  for (const client of clients) client.destroy();
  if (!identities.length) return;
  const registered = async () => {
    const response = await fetch(`${origin}/emulator/registrations`);
    const { registrations } = (await response.json()) as { registrations: Array<{ identity: string }> };
    return registrations.map((r) => r.identity);
  };
  await waitUntil(
    async () => !(await registered()).some((identity) => identities.includes(identity)),
    'a destroyed client stayed registered',
    { timeout: 15000, interval: 50 },
  );
}
