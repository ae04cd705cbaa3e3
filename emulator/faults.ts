import { randomBytes } from 'node:crypto';
import type { LiveLeg } from './calls/browser-session.js';
import type { BlackholeScope, MediaDegradation } from './media/udp-filter.js';
import type { PStreamConnection, SignalingFaults } from './signaling/pstream-connection.js';

/** Whom a fault hits: every connection or leg of one client identity, or the one call with this CallSid. */
export type FaultTarget =
  { identity: string; callSid?: undefined } | { callSid: string; identity?: undefined };

/** Faults that last (listed by GET /emulator/faults); a drop and a forgotten registration are one-shot. */
export type FaultKind =
  'signaling-stall' | 'signaling-refuse' | 'signaling-delay' | 'media-blackhole' | 'media-degrade';

export type DelayDirection = 'inbound' | 'outbound' | 'both';

/** A lasting fault as the inspection API shows it. */
export interface FaultView {
  id: string;
  kind: FaultKind;
  identity: string | null;
  callSid: string | null;
  startedAt: string;
  /** null: until DELETE (or, for a stall, until its sockets are gone). */
  endsAt: string | null;
  delayMs?: number;
  direction?: DelayDirection;
  scope?: BlackholeScope;
  /** Degrade: the loss, delay and jitter applied. */
  degradation?: MediaDegradation;
  /** Stall: sockets still held. Black-hole: legs covered and datagrams dropped so far. */
  connections?: number;
  legs?: number;
  dropped?: number;
}

interface Fault {
  view: Omit<FaultView, 'connections' | 'legs' | 'dropped'>;
  timer: NodeJS.Timeout | undefined;
  connections: PStreamConnection[];
  legs: LiveLeg[];
  undo(): void;
}

/** What the board needs from the switchboard. */
export interface FaultTargets {
  connectionsOf(identity: string): PStreamConnection[];
  liveLegs(target: FaultTarget): LiveLeg[];
}

/**
 * The emulator's injected faults: the mechanics live where they act (PStreamConnection for sockets,
 * MediaLeg/UdpFilter for media); this board decides whom they hit, ends them on time and lists them.
 * Every PStream connection asks it, frame by frame, for a delay and, at `listen`, whether it is refused.
 */
export class FaultBoard implements SignalingFaults {
  private readonly faults = new Map<string, Fault>();

  constructor(private readonly targets: FaultTargets) {}

  /** Open sockets of the target: of the identity, or the one carrying the call now. */
  connectionsOf(target: FaultTarget): PStreamConnection[] {
    if (target.identity !== undefined) return this.targets.connectionsOf(target.identity);
    return this.targets
      .liveLegs(target)
      .map((leg) => leg.connection)
      .filter((c) => c.isOpen);
  }

  liveLegs(target: FaultTarget): LiveLeg[] {
    return this.targets.liveLegs(target);
  }

  /** One-shot: closes the target's sockets (reset: no close frame; close: 1001). Answers how many. */
  drop(target: FaultTarget, mode: 'reset' | 'close'): number {
    const connections = this.connectionsOf(target);
    for (const c of connections) c.drop(mode === 'reset' ? 'fault-reset' : 'fault-close');
    return connections.length;
  }

  /** One-shot: the target's registrations are forgotten, silently; answers how many there were. */
  forgetRegistrations(target: FaultTarget): number {
    return this.connectionsOf(target).filter((c) => c.forgetRegistration()).length;
  }

  /** Half-opens the target's sockets now, for `durationMs` or until they expire. Undefined: no socket. */
  stall(target: FaultTarget, durationMs?: number): FaultView | undefined {
    const connections = this.connectionsOf(target);
    if (!connections.length) return undefined;
    for (const c of connections) c.stall();
    return this.add('signaling-stall', target, durationMs, { connections, legs: [] }, () => {
      for (const c of connections) c.unstall();
    });
  }

  /** New signaling connections (of an identity, or all) are refused for `durationMs`. */
  refuse(identity: string | undefined, durationMs: number): FaultView {
    const target = identity === undefined ? undefined : { identity };
    return this.add('signaling-refuse', target, durationMs, { connections: [], legs: [] }, () => {});
  }

  /** Every frame of the identity's sockets (now and new ones) waits `delayMs`, in order. */
  delay(identity: string, delayMs: number, direction: DelayDirection, durationMs?: number): FaultView {
    return this.add('signaling-delay', { identity }, durationMs, { connections: [], legs: [] }, () => {}, {
      delayMs,
      direction,
    });
  }

  /** The target's live media legs lose their RTP (or all UDP) both ways. Undefined: no live leg. */
  blackhole(target: FaultTarget, scope: BlackholeScope, durationMs: number): FaultView | undefined {
    const legs = this.targets.liveLegs(target);
    if (!legs.length) return undefined;
    for (const leg of legs) leg.media.blackhole(scope);
    return this.add(
      'media-blackhole',
      target,
      durationMs,
      { connections: [], legs },
      () => {
        for (const leg of legs) leg.media.blackhole(undefined);
      },
      { scope },
    );
  }

  /** The target's live media legs lose and delay RTP both ways. Undefined: no live leg. */
  degrade(target: FaultTarget, degradation: MediaDegradation, durationMs?: number): FaultView | undefined {
    const legs = this.targets.liveLegs(target);
    if (!legs.length) return undefined;
    for (const leg of legs) leg.media.degrade(degradation);
    return this.add(
      'media-degrade',
      target,
      durationMs,
      { connections: [], legs },
      () => {
        for (const leg of legs) leg.media.degrade(undefined);
      },
      { degradation },
    );
  }

  /** Ends one fault early; false when there is no such active fault. */
  end(id: string): boolean {
    const fault = this.faults.get(id);
    if (!fault) return false;
    clearTimeout(fault.timer);
    this.faults.delete(id);
    fault.undo();
    return true;
  }

  endAll(): void {
    for (const id of [...this.faults.keys()]) this.end(id);
  }

  list(): FaultView[] {
    // A stall without an end is over once the half-open expiry (or the peer) closed all its sockets.
    for (const [id, fault] of this.faults) {
      if (fault.view.kind === 'signaling-stall' && fault.connections.every((c) => !c.isOpen)) this.end(id);
    }
    return [...this.faults.values()].map(({ view, connections, legs }) => ({
      ...view,
      ...(view.kind === 'signaling-stall' && { connections: connections.filter((c) => c.isOpen).length }),
      ...((view.kind === 'media-blackhole' || view.kind === 'media-degrade') && {
        legs: legs.length,
        dropped: legs.reduce((sum, leg) => sum + leg.media.blackholeState.dropped, 0),
      }),
    }));
  }

  get(id: string): FaultView | undefined {
    return this.list().find((fault) => fault.id === id);
  }

  // ——— SignalingFaults, asked by every connection ———

  delayMs(identity: string | undefined, direction: 'inbound' | 'outbound'): number {
    let delay = 0;
    for (const { view } of this.faults.values()) {
      if (view.kind !== 'signaling-delay' || view.identity !== identity) continue;
      if (view.direction === 'both' || view.direction === direction) delay = Math.max(delay, view.delayMs!);
    }
    return delay;
  }

  refuses(identity: string | undefined): boolean {
    for (const { view } of this.faults.values()) {
      if (view.kind === 'signaling-refuse' && (view.identity === null || view.identity === identity))
        return true;
    }
    return false;
  }

  private add(
    kind: FaultKind,
    target: FaultTarget | undefined,
    durationMs: number | undefined,
    hits: { connections: PStreamConnection[]; legs: LiveLeg[] },
    undo: () => void,
    extra: Partial<FaultView> = {},
  ): FaultView {
    const id = `FT${randomBytes(8).toString('hex')}`;
    const now = Date.now();
    const view = {
      id,
      kind,
      identity: target?.identity ?? null,
      callSid: target?.callSid ?? null,
      startedAt: new Date(now).toISOString(),
      endsAt: durationMs === undefined ? null : new Date(now + durationMs).toISOString(),
      ...extra,
    };
    const timer = durationMs === undefined ? undefined : setTimeout(() => this.end(id), durationMs);
    this.faults.set(id, { view, timer, ...hits, undo });
    return this.get(id)!;
  }
}
