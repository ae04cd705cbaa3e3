import type { AgentRegistration } from './agent.js';
import { CallBook } from './calls.js';
import type { ClientCore } from './client-core.js';
import { Registration } from './registration.js';

/**
 * What the first init() loads (ClientCore.start(), client-core.ts): the client's calls (their book, made once)
 * and its registration (session, driver factory, token renewal, heartbeat), or with `shareTabs` the one the
 * agent's tabs share. No call exists before, so the first load does without all of it. A later init() keeps
 * both. Rejects when a chunk cannot load (start() reports it).
 * @internal
 */
export async function register(core: ClientCore): Promise<AgentRegistration> {
  const calls = (core.calls ??= new CallBook(core.emitter, core.config, {
    backend: core.backend,
    changed: () => core.notifyObservers(),
    report: (error) => core.reportError(error),
    driver: () => core.driver,
  }));
  const args: ConstructorParameters<typeof Registration> = [
    core.backend,
    core.config,
    core.device,
    {
      report: (error) => core.reportError(error),
      attach: (driver) => calls.attach(driver),
      events: core.emitter,
      lost: () => calls.endAll(),
      client: core.client,
    },
    core.pendingAvailability,
  ];
  // With shareTabs, one registration for the agent's tabs of this browser (tab-share.ts).
  const shared = core.config.shareTabs && (await import('./agent.js')).shareTabs;
  return (core.registration ??= shared ? await shared(...args) : new Registration(...args));
}
