import { randomInt } from 'node:crypto';
import { linearToMulaw, mulawToLinear, SAMPLES_PER_FRAME } from './g711.js';
import { silentFrames, type FrameSource } from './hold-music.js';

/** Sends one mixed PCMU frame to a member (its sequence number and timestamp advance per frame). */
export type MixSink = (payload: Buffer, sequenceNumber: number, timestamp: number, marker: boolean) => void;

const FRAME_MS = 20;
/**
 * Frames kept per member between two ticks: senders and the mixer run on their own timers, so a frame or two
 * may pile up; beyond this the oldest go (bounded delay rather than a growing one).
 */
const MAX_QUEUED_FRAMES = 4;
const LIMIT = 32_767;

interface Member {
  sink: MixSink;
  muted: boolean;
  /** While set, the member hears this source instead of the mix and is not mixed into the others. */
  hold: FrameSource | undefined;
  queue: Int16Array[];
  sequenceNumber: number;
  timestamp: number;
  first: boolean;
}

/**
 * A conference's audio: every 20 ms (one timer per conference) each member hears the sum of the others'
 * latest frames, never its own, clipped to 16 bits and encoded back to μ-law. Muted members are not mixed
 * in; held members hear their hold audio and are not mixed in either. While `open` is false (a conference
 * that has not started) everyone hears the wait audio (silence) and nobody is mixed.
 */
export class AudioMixer {
  private readonly members = new Map<string, Member>();
  private timer: NodeJS.Timeout | undefined;
  open = true;

  constructor(private readonly waitAudio: FrameSource = silentFrames()) {}

  add(id: string, sink: MixSink, options: { muted?: boolean } = {}): void {
    this.members.set(id, {
      sink,
      muted: options.muted ?? false,
      hold: undefined,
      queue: [],
      sequenceNumber: randomInt(0, 0x10000),
      timestamp: randomInt(0, 0x100000000),
      first: true,
    });
  }

  remove(id: string): void {
    this.members.delete(id);
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  setMuted(id: string, muted: boolean): void {
    const member = this.members.get(id);
    if (member) member.muted = muted;
  }

  /** Puts a member on hold with its own hold audio, or takes it off hold (undefined). */
  setHold(id: string, source: FrameSource | undefined): void {
    const member = this.members.get(id);
    if (member) member.hold = source;
  }

  /** One PCMU frame a member sent (from its phone or browser). */
  receive(id: string, payload: Uint8Array): void {
    const member = this.members.get(id);
    if (!member) return;
    const samples = new Int16Array(SAMPLES_PER_FRAME);
    for (let i = 0; i < Math.min(payload.length, SAMPLES_PER_FRAME); i++)
      samples[i] = mulawToLinear(payload[i]!);
    member.queue.push(samples);
    if (member.queue.length > MAX_QUEUED_FRAMES) member.queue.shift();
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), FRAME_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Mixes and sends one frame to every member (the timer calls it; unit tests call it directly). */
  tick(): void {
    const frames = new Map<Member, Int16Array>();
    const total = new Int32Array(SAMPLES_PER_FRAME);
    for (const member of this.members.values()) {
      const frame = member.queue.shift();
      if (!frame || !this.open || member.muted || member.hold) continue;
      frames.set(member, frame);
      for (let i = 0; i < SAMPLES_PER_FRAME; i++) total[i]! += frame[i]!;
    }
    for (const member of this.members.values()) {
      let payload: Buffer;
      if (member.hold) payload = member.hold.next();
      else if (!this.open) payload = this.waitAudio.next();
      else {
        const own = frames.get(member);
        payload = Buffer.alloc(SAMPLES_PER_FRAME);
        for (let i = 0; i < SAMPLES_PER_FRAME; i++) {
          const sample = total[i]! - (own ? own[i]! : 0);
          payload[i] = linearToMulaw(Math.max(-LIMIT - 1, Math.min(LIMIT, sample)));
        }
      }
      member.sink(payload, member.sequenceNumber, member.timestamp, member.first);
      member.first = false;
      member.sequenceNumber = (member.sequenceNumber + 1) & 0xffff;
      member.timestamp = (member.timestamp + SAMPLES_PER_FRAME) >>> 0;
    }
  }
}
