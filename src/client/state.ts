import { DeviceState } from './constants.js';

/*
 * Device (registration) state:
 *
 *   offline ──init()──► initializing ──registered──► online
 *      ▲                     │                         │
 *      └──── failure ────────┘◄── unregistered/expired ┘
 *   any ──destroy()──► destroyed (final)
 *
 * A call's status has its table and diagram in call-state.ts, which loads with the calls' code at init().
 */
export const DEVICE_TRANSITIONS: Readonly<Record<DeviceState, readonly DeviceState[]>> = {
  [DeviceState.OFFLINE]: [DeviceState.INITIALIZING, DeviceState.ONLINE, DeviceState.DESTROYED],
  [DeviceState.INITIALIZING]: [DeviceState.ONLINE, DeviceState.OFFLINE, DeviceState.DESTROYED],
  [DeviceState.ONLINE]: [DeviceState.OFFLINE, DeviceState.DESTROYED],
  [DeviceState.DESTROYED]: [],
};

/**
 * A state holder with one transition function: checks the table, logs, then notifies.
 * `transition` returns false (and changes nothing) for a same-state or illegal move.
 */
export class StateMachine<S extends string> {
  #state: S;

  constructor(
    private readonly name: string,
    initial: S,
    private readonly table: Readonly<Record<S, readonly S[]>>,
    private readonly onChange: (to: S, from: S) => void,
  ) {
    this.#state = initial;
  }

  get state(): S {
    return this.#state;
  }

  can(to: S): boolean {
    return this.table[this.#state].includes(to);
  }

  transition(to: S): boolean {
    const from = this.#state;
    if (from === to) return false;
    if (!this.can(to)) {
      console.warn(`[notify] ${this.name}: ignored illegal transition ${from} → ${to}`);
      return false;
    }
    this.#state = to;
    console.debug(`[notify] ${this.name}: ${from} → ${to}`);
    this.onChange(to, from);
    return true;
  }
}
