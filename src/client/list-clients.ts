import type { AvailableClient, NotifyBackend } from './backend.js';

// getAvailableClients()'s paging, loaded on its first use (the element follows the list with watchAvailableClients()).

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
