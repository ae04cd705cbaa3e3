import type { Registration } from './registration.js';

/** What a client uses of its registration: a Registration, or with `shareTabs` a TabShare (tab-share.ts). */
export type AgentRegistration = Pick<
  Registration,
  'driver' | 'row' | 'start' | 'setAvailable' | 'online' | 'close'
>;

/**
 * With `notifyConfig.shareTabs`, the registration the agent's tabs of this browser share (tab-share.ts, a
 * chunk of its own, loaded only then). The SNC.Notify global has null here (src/legacy/without-desk.ts): each
 * of its clients registers on its own.
 */
export const shareTabs:
  ((...args: ConstructorParameters<typeof Registration>) => Promise<AgentRegistration>) | null = async (
  ...args
) => {
  const { TabShare } = await import('./tab-share.js');
  return new TabShare(...(args as ConstructorParameters<typeof TabShare>));
};
