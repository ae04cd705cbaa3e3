import { createParser } from 'eventsource-parser';
import type { AvailableClient } from './backend.js';

/** Delays before reconnecting: the first, doubled after each failure up to the last. */
const RETRY_MS = 1000;
const RETRY_MAX_MS = 30_000;

interface PresenceData {
  clients?: unknown;
  client?: AvailableClient;
  available?: boolean;
}

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
  const order = (a: AvailableClient, b: AvailableClient) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.sys_id < b.sys_id ? -1 : 1;
  return [...others, client].sort(order);
}

/**
 * Reads the backend's presence stream (`GET /presence`, Server-Sent Events) and hands over the list of
 * available clients on connect and after every change, until `signal` aborts; never rejects. `open`
 * performs the request: with `fetch`, since EventSource cannot send the bearer token, and so the stream
 * is parsed here with `eventsource-parser`.
 * The stream ends when a backend instance stops, and any failure (network, HTTP error) is retried: at the
 * server's `retry` after a stream that delivered a list, otherwise 1 s doubling up to 30 s.
 * @internal
 */
export async function followPresence(
  open: () => Promise<Response>,
  onClients: (clients: AvailableClient[]) => void,
  signal: AbortSignal,
): Promise<void> {
  let delay = 0;
  let serverRetry = 0;
  while (!signal.aborted) {
    let received = false;
    /** The list as this connection knows it: the snapshot, then its changes. */
    let clients: AvailableClient[] | null = null;
    try {
      const response = await open();
      const reader = response.ok ? response.body?.getReader() : undefined;
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
          clients = next;
          received = true;
          onClients(next);
        },
      });
      for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader!.read()) {
        parser.feed(decoder.decode(chunk.value, { stream: true }));
      }
    } catch {
      // Network errors and the abort itself: retried below, or the loop ends.
    }
    if (signal.aborted) break;
    delay = received
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
