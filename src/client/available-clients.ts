import type { AvailableClient, NotifyBackend } from './backend.js';

/**
 * Follows the available clients (the backend pushes every change): `onClients` with the list when known and
 * after every change, until the returned function is called or `signal` aborts (the client is destroyed).
 */
export function watchAvailableClients(
  backend: NotifyBackend,
  signal: AbortSignal,
  onClients: (clients: AvailableClient[]) => void,
  onError: (error: unknown) => void,
): () => void {
  const watch = new AbortController();
  const stop = () => watch.abort();
  signal.addEventListener('abort', stop, { once: true });
  backend
    .watchAvailableClients((clients) => {
      if (!watch.signal.aborted) onClients(clients);
    }, watch.signal)
    // Only loading the stream's code can fail (the stream itself reconnects).
    .catch(onError);
  return () => {
    signal.removeEventListener('abort', stop);
    stop();
  };
}
