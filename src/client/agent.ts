import { Registration } from './registration.js';

/** What a client uses of its registration: a Registration, or with `shareTabs` a TabShare (tab-share.ts). */
export type AgentRegistration = Pick<
  Registration,
  'driver' | 'row' | 'start' | 'setAvailable' | 'online' | 'close'
>;

/**
 * The registration of a client: its own, or with `notifyConfig.shareTabs` the one its agent's tabs share
 * (tab-share.ts, a chunk of its own, loaded only then).
 */
export async function registrationFor(
  ...args: ConstructorParameters<typeof Registration>
): Promise<AgentRegistration> {
  if (!args[1].shareTabs) return new Registration(...args);
  const { TabShare } = await import('./tab-share.js');
  return new TabShare(...(args as ConstructorParameters<typeof TabShare>));
}
