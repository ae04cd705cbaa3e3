import { createParser } from 'eventsource-parser';
import type { AvailableClient, AvailableClientsPage } from './backend.js';

/** Delays before reconnecting: the first, doubled after each failure up to the last. */
const RETRY_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** Pages read after the snapshot, at most (at the server's 100 a page, 2,000 clients in all). */
const MAX_PAGES = 19;

interface PresenceData {
  clients?: unknown;
  next?: unknown;
  client?: AvailableClient;
  available?: boolean;
}

/** The server's order: by name, then sys_id. */
const order = (a: AvailableClient, b: AvailableClient) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.sys_id < b.sys_id ? -1 : 1;

/**
 * The list after one event, or null when the event does not change it: `available` `{clients}` is a
 * snapshot (sent on connect); `availability` `{client, available}` adds or removes one client (backends
 * that send it after the snapshot instead of a new snapshot), keeping the server's order by name.
 */
function applyPresence(
  clients: AvailableClient[] | null,
  event: string | undefined,
  data: PresenceData,
): AvailableClient[] | null {
  if (event === 'available') return Array.isArray(data.clients) ? (data.clients as AvailableClient[]) : null;
  const client = data.client;
  if (event !== 'availability' || !clients || typeof client?.sys_id !== 'string') return null;
  const others = clients.filter((c) => c.sys_id !== client.sys_id);
  if (!data.available) return others;
  return [...others, client].sort(order);
}

/**
 * Reads the backend's presence stream (`GET /presence`, Server-Sent Events) and hands over the list of
 * available clients on connect and after every change, until `signal` aborts; never rejects. `open`
 * performs the request: with `fetch`, since EventSource cannot send the bearer token, and so the stream
 * is parsed here with `eventsource-parser`.
 * The snapshot is the first page of `GET /sessions/available`: when it has a `next`, `list` reads the
 * following pages (at most MAX_PAGES more), each handed over merged into the list, while the changes that
 * arrive meanwhile still apply (a page never brings back a client removed since the snapshot). A page that
 * fails ends the connection (a new one reads a new snapshot).
 * The stream ends when a backend instance stops, and any failure (network, HTTP error) is retried: at the
 * server's `retry` after a stream that delivered a list, otherwise 1 s doubling up to 30 s.
 * @internal
 */
export async function followPresence(
  open: () => Promise<Response>,
  onClients: (clients: AvailableClient[]) => void,
  signal: AbortSignal,
  list?: (cursor: string) => Promise<AvailableClientsPage | AvailableClient[]>,
): Promise<void> {
  let delay = 0;
  let serverRetry = 0;
  while (!signal.aborted) {
    let received = false;
    let failed = false;
    /** The list as this connection knows it: the snapshot, then its pages and changes. */
    let clients: AvailableClient[] | null = null;
    /** While the snapshot's pages load: the changes since it (sys_id → available); null otherwise. */
    let changes: Map<string, boolean> | null = null;
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    const emit = (next: AvailableClient[]) => {
      clients = next;
      received = true;
      onClients(next);
    };
    const loadPages = async (cursor: unknown, mine: Map<string, boolean>) => {
      try {
        for (let pages = 0; typeof cursor === 'string' && pages < MAX_PAGES; pages++) {
          const reply = await list!(cursor);
          if (changes !== mine || signal.aborted) return;
          // An array: the whole list, no further page.
          const page = Array.isArray(reply) ? { clients: reply } : reply;
          const known = new Set(clients!.map((c) => c.sys_id));
          const added = page.clients.filter((c) => !known.has(c.sys_id) && !mine.has(c.sys_id));
          emit([...clients!, ...added].sort(order));
          cursor = page.next;
        }
      } catch {
        if (changes !== mine) return;
        failed = true;
        void reader?.cancel().catch(() => undefined);
      }
      if (changes === mine) changes = null;
    };
    try {
      const response = await open();
      reader = response.ok ? response.body?.getReader() : undefined;
      const decoder = new TextDecoder();
      const parser = createParser({
        onRetry: (ms) => (serverRetry = ms),
        onEvent: ({ event, data }) => {
          let body: PresenceData;
          try {
            body = JSON.parse(data) as PresenceData;
          } catch {
            return;
          }
          const next = applyPresence(clients, event, body);
          if (!next) return;
          if (event === 'available') {
            changes = list && typeof body.next === 'string' ? new Map() : null;
            if (changes) void loadPages(body.next, changes);
          } else changes?.set(body.client!.sys_id, !!body.available);
          emit(next);
        },
      });
      for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader!.read()) {
        parser.feed(decoder.decode(chunk.value, { stream: true }));
      }
    } catch {
      // Network errors and the abort itself: retried below, or the loop ends.
    }
    // Pages still loading belong to this connection: dropped.
    changes = null;
    if (signal.aborted) break;
    delay =
      received && !failed
        ? Math.max(serverRetry, RETRY_MS)
        : Math.min(Math.max(delay * 2, serverRetry, RETRY_MS), RETRY_MAX_MS);
    await new Promise<void>((resolve) => {
      const onAbort = () => (clearTimeout(timer), resolve());
      // Removed when the wait ends: a stream that reconnects for hours must not pile up listeners.
      const timer = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve()), delay);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
