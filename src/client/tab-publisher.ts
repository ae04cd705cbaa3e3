import { DeviceState, NOTIFY_EVENTS, STD_EVENTS, Status } from './constants.js';
import { NotifyError, toNotifyError } from './errors.js';
import type { NotifyCall } from './notify-call.js';
import type { Registration, RegistrationHooks } from './registration.js';
import type { StateMachine } from './state.js';
import type { TabElection, TabMessage } from './tab-leader.js';
import type { CallView, TabCommand } from './tab-driver.js';
import type { IncomingCallInfo } from '../drivers/driver.js';

/** The leader's events the followers repeat as they are (ours, and its errors); the calls' own come as calls. */
export const RELAYED = [STD_EVENTS.ERROR, ...Object.values(NOTIFY_EVENTS)] as const;

/** A call of the leader, as last sent to the followers. */
interface Sent {
  key: string;
  view: CallView | undefined;
  /** An incoming call's invite, as its INCOMING_CALL told it. */
  info?: IncomingCallInfo;
}

/** A placed call's id is read from its leg, which may not exist yet while CallBook.dial() creates the call. */
const idOf = (call: NotifyCall): string | undefined => {
  try {
    return call.callId;
  } catch {
    return undefined;
  }
};

const viewOf = (call: NotifyCall): CallView => ({
  callId: idOf(call),
  direction: call.direction,
  to: call.to,
  status: call.status,
  muted: call.muted,
  held: call.held,
  outcome: call.outcome,
  endedBy: call.endedBy,
  transferredBy: call.transferredBy,
});

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The leader's side of the tabs' shared registration (tab-share.ts, docs/decisions.md §27): while this tab
 * registers for the agent, it tells the followers every change of its device and calls, repeats its own
 * events to them, and runs the commands they send as if its own page had made them.
 */
export class TabPublisher {
  /** Its calls as last sent. */
  readonly #sent = new Map<NotifyCall, Sent>();
  #sentDevice: unknown;
  /** The follower whose call() is being placed. */
  #placingFor: string | undefined;
  /** A follower's command is running; its errors are answered to that tab only. */
  #commandErrors: NotifyError[] | undefined;
  readonly #subscriptions: (() => void)[];

  constructor(
    private readonly hooks: RegistrationHooks,
    private readonly device: StateMachine<DeviceState>,
    private readonly registration: Registration,
    private readonly election: TabElection | null,
  ) {
    const { client, events } = hooks;
    this.#subscriptions = [
      client.onStateChange(() => this.#changed()),
      events.on(STD_EVENTS.INCOMING_CALL, (from, to, callId, parentId, sysId, isFromClient) => {
        const call = client.calls.find((c) => c.callId === callId);
        const sent = call && this.#sent.get(call);
        if (!call || !sent) return;
        const info: IncomingCallInfo = {
          callSid: callId,
          from,
          to,
          params: {
            notifyNumber: to,
            ...(parentId && { parentId }),
            ...(sysId && { sysId }),
            isFromClient: String(isFromClient),
          },
        };
        sent.view = viewOf(call);
        sent.info = info;
        this.#post({ t: 'incoming', key: sent.key, info, view: sent.view });
      }),
      this.#releaseOnPageHide(),
      ...RELAYED.map((name) =>
        events.on(name, (...args: unknown[]) => {
          if (name === STD_EVENTS.ERROR && this.#commandErrors)
            return void this.#commandErrors.push(new NotifyError(args[1] as never, args[0] as string));
          this.#post({ t: 'event', name, args });
        }),
      ),
    ];
    this.#changed();
  }

  /** A follower's message: a command to run, or a request for everything (`sync`). */
  receive(message: TabMessage): void {
    if (message.t === 'cmd') void this.#run(message);
    else if (message.t === 'sync') this.#resend();
  }

  /** This tab stops leading (or the client is destroyed): nothing more is told. */
  close(): void {
    for (const off of this.#subscriptions) off();
    this.#subscriptions.length = 0;
    this.#sent.clear();
    this.#sentDevice = undefined;
  }

  /**
   * The leader's page goes while a call rings: its invites are let go, not declined (the vendor's unload handler
   * would decline them), so the backend rings the call again to the tab taking over. A capture listener on
   * window runs before the vendor's own. Only with followers: a lone tab's decline stays the vendor's.
   */
  #releaseOnPageHide(): () => void {
    const release = () => {
      if (this.election?.followed) this.registration.driver?.releaseRinging?.();
    };
    addEventListener('pagehide', release, true);
    return () => removeEventListener('pagehide', release, true);
  }

  #post(message: TabMessage): void {
    this.election?.post(message);
  }

  /** After each change of the leader's device or calls: what changed goes to the followers. */
  #changed(): void {
    const { client } = this.hooks;
    const device = { state: this.device.state, row: this.registration.row ?? null };
    if (!same(device, this.#sentDevice)) {
      this.#sentDevice = JSON.parse(JSON.stringify(device));
      this.#post({ t: 'device', ...device });
    }
    const calls = client.calls;
    for (const call of calls) {
      let sent = this.#sent.get(call);
      if (!sent) {
        sent = { key: Math.random().toString(36).slice(2), view: undefined };
        this.#sent.set(call, sent);
        // An incoming call is told once announced (INCOMING_CALL, with its parent id); a placed one at once.
        if (call.direction === 'incoming') continue;
      }
      if (!sent.view) {
        if (call.direction === 'incoming') continue;
        sent.view = viewOf(call);
        this.#post({ t: 'call', key: sent.key, view: sent.view, placedBy: this.#placingFor });
        continue;
      }
      const view = viewOf(call);
      if (!same(view, sent.view)) this.#post({ t: 'call', key: sent.key, view: (sent.view = view) });
    }
    for (const [call, sent] of this.#sent) {
      if (calls.includes(call)) continue;
      this.#sent.delete(call);
      if (sent.view) this.#post({ t: 'call', key: sent.key, view: viewOf(call) });
    }
    if (this.election) this.election.busy = calls.some((call) => call.status !== Status.PENDING);
  }

  /** A follower's command, run here as if this tab's page did it; its answer goes to that tab only. */
  async #run(message: TabMessage): Promise<void> {
    const { client } = this.hooks;
    const name = message.name as TabCommand | 'available';
    const args = (message.args ?? []) as unknown[];
    const call = [...this.#sent].find(([, sent]) => sent.key === message.key)?.[0];
    const errors: NotifyError[] = (this.#commandErrors = []);
    let result: unknown;
    try {
      if (message.key !== undefined && !call) throw new NotifyError('INVALID_STATE', 'The call has ended.');
      if (name === 'answer') result = await call!.answer();
      else if (name === 'hangup') call!.hangup();
      else if (name === 'hold') result = await (args[0] ? call!.hold() : call!.resume());
      else if (name === 'mute') client.mute(args[0] as boolean);
      else if (name === 'digits') client.sendDtmf(args[0] as string);
      else if (name === 'available') client.setClientAvailable(args[0] as boolean);
      else if (name === 'connect') {
        const to = String(args[0]);
        this.#placingFor = message.from;
        client.call(to.startsWith('client:') ? { userId: to.slice(7) } : { phoneNumber: to });
      }
    } catch (error) {
      errors.push(toNotifyError(error));
    } finally {
      this.#placingFor = undefined;
      this.#commandErrors = undefined;
    }
    const failure = errors[0] ?? (result === false ? new NotifyError('INVALID_STATE') : undefined);
    this.#post({
      t: 'ack',
      to: message.from,
      id: message.id,
      ...(failure && { error: { code: failure.code, message: failure.message } }),
    });
  }

  /** A follower joined (or asked again): everything it must know, as if it had been there all along. */
  #resend(): void {
    this.#sentDevice = undefined;
    this.#changed();
    for (const sent of this.#sent.values()) {
      if (sent.info) this.#post({ t: 'incoming', key: sent.key, info: sent.info, view: sent.view });
      else if (sent.view) this.#post({ t: 'call', key: sent.key, view: sent.view });
    }
  }
}
