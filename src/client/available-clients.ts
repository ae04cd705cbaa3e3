import type { AvailableClient, NotifyBackend } from './backend.js';

/** At most this many pages are read (2,000 clients at the reference backend's 100 a page). */
const MAX_PAGES = 20;

/**
 * Reads the available clients page after page (`next` cursors) to the end, at most MAX_PAGES. A backend
 * without paging may answer the whole list as an array. Rejects with `signal.reason` once `signal` aborts
 * (checked between pages), and with the backend's error.
 */
export async function listAvailableClients(
  listPage: NotifyBackend['listAvailableClients'],
  signal: AbortSignal,
): Promise<AvailableClient[]> {
  let all: AvailableClient[] = [];
  let cursor: string | null | undefined;
  for (let pages = MAX_PAGES; pages--;) {
    signal.throwIfAborted();
    const page = await listPage(cursor);
    if (Array.isArray(page)) return all.concat(page);
    all = all.concat(page.clients);
    if (!(cursor = page.next)) break;
  }
  signal.throwIfAborted();
  return all;
}

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
