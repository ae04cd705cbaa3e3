import { request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  event: string;
  data: unknown;
}

export interface SseStream {
  response: IncomingMessage;
  events: SseEvent[];
  /** Resolves with the first event (already received or coming) that matches, or rejects after `ms`. */
  waitFor(match: (event: SseEvent) => boolean, ms?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens an SSE stream with Node's http client (EventSource is not in Node 20). */
export function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest | undefined = undefined;
    req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      const events: SseEvent[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length) events.push({ event, data: JSON.parse(data.join('\n')) });
        }
        for (const wake of waiters) wake();
      });
      resolve({
        response,
        events,
        waitFor(match, ms = 5000) {
          return new Promise((resolveEvent, rejectEvent) => {
            const check = () => {
              const found = events.find(match);
              if (!found) return;
              clearTimeout(timer);
              waiters.delete(check);
              resolveEvent(found);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              rejectEvent(new Error(`no matching SSE event within ${ms} ms; got ${JSON.stringify(events)}`));
            }, ms);
            waiters.add(check);
            check();
          });
        },
        close() {
          req?.destroy();
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}
