/** A detail-less event takes no argument; any other needs its detail. */
type DetailArgs<D> = Record<string, never> extends D ? [detail?: D] : [detail: D];

/** What notifyEvent() makes: a CustomEvent class with its name as the static `eventName`. */
export interface NotifyEventClass<D, N extends string> {
  new (...args: DetailArgs<D>): CustomEvent<D>;
  readonly prototype: CustomEvent<D>;
  readonly eventName: N;
}

/**
 * The class of one of <notify-phone>'s DOM events: named `name` (also its static `eventName`), bubbling and
 * crossing shadow roots, with `detail` typed. One factory for events.ts and desk-events.ts instead of a
 * constructor each (bytes of the first load).
 */
export const notifyEvent = <D, N extends string>(name: N): NotifyEventClass<D, N> =>
  class extends CustomEvent<D> {
    static readonly eventName = name;
    constructor(...[detail = {} as D]: DetailArgs<D>) {
      super(name, { bubbles: true, composed: true, detail });
    }
  };
