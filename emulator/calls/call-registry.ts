/**
 * Every call leg the emulator has created, in Twilio's terms (a parent leg per call into Twilio, a child
 * leg per `<Dial>` target). This is what the inspection API and, later, the REST Calls resource read.
 */
export const CallStatus = {
  queued: 'queued',
  initiated: 'initiated',
  ringing: 'ringing',
  inProgress: 'in-progress',
  completed: 'completed',
  busy: 'busy',
  failed: 'failed',
  noAnswer: 'no-answer',
  canceled: 'canceled',
} as const;
export type CallStatus = (typeof CallStatus)[keyof typeof CallStatus];

export type CallDirection = 'inbound' | 'outbound-dial' | 'outbound-api';

const FINAL: ReadonlySet<CallStatus> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
export const isFinal = (status: CallStatus): boolean => FINAL.has(status);

export interface CallLeg {
  sid: string;
  parentSid?: string;
  from: string;
  to: string;
  direction: CallDirection;
  status: CallStatus;
  startedAt: Date;
  answeredAt?: Date;
  endedAt?: Date;
}

export type CallLegListener = (leg: Readonly<CallLeg>, previous: CallStatus) => void;

export class CallRegistry {
  private readonly legs = new Map<string, CallLeg>();
  private readonly listeners = new Set<CallLegListener>();

  create(leg: Omit<CallLeg, 'startedAt'>): CallLeg {
    const created = { ...leg, startedAt: new Date() };
    this.legs.set(created.sid, created);
    return created;
  }

  get(sid: string): CallLeg | undefined {
    return this.legs.get(sid);
  }

  list(): CallLeg[] {
    return [...this.legs.values()];
  }

  /** Moves a leg to a new status; a final status never changes again (the first ending wins). */
  setStatus(sid: string, status: CallStatus): void {
    const leg = this.legs.get(sid);
    if (!leg || isFinal(leg.status) || leg.status === status) return;
    const previous = leg.status;
    leg.status = status;
    if (status === 'in-progress') leg.answeredAt = new Date();
    if (isFinal(status)) leg.endedAt = new Date();
    for (const listener of this.listeners) listener(leg, previous);
  }

  /** Seconds between answer and end, as Twilio reports CallDuration. */
  durationSeconds(sid: string): number {
    const leg = this.legs.get(sid);
    if (!leg?.answeredAt) return 0;
    return Math.round(((leg.endedAt ?? new Date()).getTime() - leg.answeredAt.getTime()) / 1000);
  }

  onStatus(listener: CallLegListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
