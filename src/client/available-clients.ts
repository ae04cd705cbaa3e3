import type { AvailableClient, NotifyBackend } from './backend.js';

/**
 * Follows the available clients (the backend pushes every change): `onClients` with the list when known and
 * after every change, until `signal` aborts (the caller stopped, or the client is destroyed). Rejects only when
 * the stream's code cannot be loaded (the stream itself reconnects). Loaded on first use, like the stream.
 */
export async function watchAvailableClients(
  backend: NotifyBackend,
  signal: AbortSignal,
  onClients: (clients: AvailableClient[]) => void,
): Promise<void> {
  if (signal.aborted) return;
  await backend.watchAvailableClients((clients) => {
    if (!signal.aborted) onClients(clients);
  }, signal);
}
