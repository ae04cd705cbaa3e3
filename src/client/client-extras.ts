import type { AvailableClient, ForwardTarget } from './backend.js';
import type { CallCommands } from './call-control.js';
import type { CallHistoryOptions, CallHistoryPage } from './call-history.js';
import type { ClientCore } from './client-core.js';
import { DeviceState } from './constants.js';
import { answer, safeCall } from './emitter.js';
import { NotifyError, toNotifyError } from './errors.js';
import { findParent } from './find-parent.js';
import type { ParentIdResult } from './parent-id.js';
import { forwardTarget } from './targets.js';

/*
 * What NotifyClient's methods beyond ServiceNow's API do (the agents list and its watch, the parent call,
 * the call history, the desk's devices and pre-call test, warm transfer and three-way calls): each loads its
 * code on first use and reports its error the client's way.
 */

/** getAvailableClients(): the paging loop (list-clients.ts) loads on first use; the element watches instead. */
export function listAvailableClients(
  core: ClientCore,
  callback?: (clients: AvailableClient[]) => void,
): Promise<AvailableClient[]> {
  if (!core.usable()) return Promise.resolve([]);
  const list = import('./list-clients.js')
    .then((m) =>
      m.listAvailableClients((cursor) => core.backend.listAvailableClients(cursor), core.life.signal),
    )
    .then((clients) => core.others(clients))
    .catch((error: unknown) => {
      if (!core.destroyed) core.reportError(toNotifyError(error, 'BACKEND_ERROR'));
      return [];
    });
  return answer(list, 'getAvailableClients callback', callback);
}

/** watchAvailableClients(): its code (available-clients.ts, then the stream's) loads on first use. */
export function watchAvailableClients(
  core: ClientCore,
  callback: (clients: AvailableClient[]) => void,
): () => void {
  if (!core.usable()) return () => undefined;
  const watch = new AbortController();
  const stop = () => watch.abort();
  const life = core.life.signal;
  life.addEventListener('abort', stop, { once: true });
  import('./available-clients.js')
    .then((m) =>
      m.watchAvailableClients(core.backend, watch.signal, (clients) =>
        safeCall('watchAvailableClients callback', callback, core.others(clients)),
      ),
    )
    .catch((error: unknown) => core.reportError(toNotifyError(error, 'BACKEND_UNREACHABLE')));
  return () => {
    life.removeEventListener('abort', stop);
    stop();
  };
}

/** getParentId(): the bounded look-up (parent-id.ts, loaded on first use); never rejects. */
export function parentIdOf(
  core: ClientCore,
  callId: string,
  callback?: (result: ParentIdResult) => void,
): Promise<ParentIdResult> {
  if (!core.usable()) return Promise.resolve({ parentId: null, error: 'destroyed' });
  let result: Promise<ParentIdResult>;
  if (typeof callId !== 'string' || !callId) {
    core.report('INVALID_ARGUMENT', 'getParentId: callId is required.');
    result = Promise.resolve({ parentId: null, error: 'callId is required' });
  } else {
    const lookup = (callSid: string) => core.backend.getParentId(callSid);
    result = findParent(lookup, callId, core.life.signal, (error) => core.reportError(error));
  }
  return answer(result, 'getParentId callback', callback);
}

/** getCallHistory(): its code (call-history.ts, in the desk's chunk) loads on first use; needs no session. */
export function callHistory(
  core: ClientCore,
  options?: CallHistoryOptions | ((page: CallHistoryPage) => void),
  callback?: (page: CallHistoryPage) => void,
): Promise<CallHistoryPage> {
  const backend = core.usable() && core.backend;
  return import('./desk.js').then((m) =>
    m.getCallHistory(backend, core.life.signal, (e) => core.reportError(e), options, callback),
  );
}

/** Runs one of the desk's steps (desk.ts, loaded on first use); its error is reported, `failed` resolved. */
export function deskStep<T>(
  core: ClientCore,
  failed: T,
  name: 'listAudioDevices' | 'selectAudioDevice' | 'runPreflight',
  ...args: unknown[]
): Promise<T> {
  if (!core.usable()) return Promise.resolve(failed);
  return import('./desk.js')
    .then((m) => (m[name] as (...a: unknown[]) => Promise<T>)(core.driver, ...args))
    .catch((error: unknown) => {
      if (!core.destroyed) core.reportError(toNotifyError(error));
      return failed;
    });
}

/** Runs a call-control command (call-control.ts, loaded on first use); its error is reported. */
export function callCommand<K extends keyof CallCommands>(
  core: ClientCore,
  name: K,
  target?: ForwardTarget,
): Promise<CallCommands[K]> {
  const failed = (name === 'transfer' ? null : false) as CallCommands[K];
  if (!core.usable()) return Promise.resolve(failed);
  const calls = core.calls;
  if (!calls) {
    // Never initialized: the target's own error first (as call-control.ts checks it), else NOT_INITIALIZED.
    const checked = name === 'transfer' || name === 'add' ? forwardTarget(target!) : null;
    const error = checked instanceof NotifyError ? checked : new NotifyError('NOT_INITIALIZED');
    return Promise.resolve().then(() => (core.reportError(error), failed));
  }
  return calls.run(
    (control) =>
      control.command(name, target, core.device.state === DeviceState.ONLINE, core.config.callerId),
    failed,
  );
}
