import type { CallHistoryEntry, CallHistoryPage } from '../../../../src/client/call-history.js';
import type {
  AvailableClient,
  AvailableClientsPage,
  CallAction,
  CreateSessionResult,
  ForwardTarget,
  NotifyBackend,
  TokenResult,
} from '../../../../src/client/backend.js';
import { NotifyError } from '../../../../src/client/errors.js';
import { followPresence } from '../../../../src/client/presence-stream.js';

/** Writes one Server-Sent Event to an open presence stream. */
type PresenceWatcher = (event: string, data: unknown) => void;

/** The server's order: by name, then sys_id. */
const byName = (a: AvailableClient, b: AvailableClient) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.sys_id < b.sys_id ? -1 : 1;

/** The sys_id of the one user every fake session belongs to. */
export const FAKE_USER = 'f'.repeat(32);

/** An in-memory NotifyBackend; `log` records every call. */
export class FakeBackend implements NotifyBackend {
  readonly log: { method: string; args: unknown[] }[] = [];
  /** number → backend vendor name (`null`: no compatible vendor); unlisted numbers are forbidden. */
  numbers: Record<string, string | null> = { '+15550100001': 'TWILIO_DIRECT', '+15550100002': null };
  sessions = new Map<string, { callerId: string; available: boolean }>();
  /** Token lifetime handed out, in ms. */
  tokenLifetimeMs = 3_600_000;
  tokenCounter = 0;
  refreshError: NotifyError | null = null;
  createError: NotifyError | null = null;
  /** Handed out as `heartbeatSeconds` by createSession (undefined: an older backend without heartbeats). */
  heartbeatSeconds: number | undefined = 30;
  /** Thrown by heartbeat() (NOT_FOUND as when the backend expired the session). */
  heartbeatError: NotifyError | null = null;
  /** CallSids the backend knows ended (a heartbeat asking about them lists them). */
  endedCalls = new Set<string>();
  parentIds: Record<string, string> = {};
  clients: AvailableClient[] = [];
  #sysCounter = 0;

  get methods(): string[] {
    return this.log.map((entry) => entry.method);
  }

  async lookupCallerId(number: string) {
    this.#record('lookupCallerId', number);
    if (!(number in this.numbers)) throw new NotifyError('CALLER_ID_NOT_ALLOWED');
    return { number, vendor: this.numbers[number] ?? null };
  }

  async createSession(request: { callerId: string; name?: string }): Promise<CreateSessionResult> {
    this.#record('createSession', request);
    if (this.createError) throw this.createError;
    if (!(request.callerId in this.numbers)) throw new NotifyError('CALLER_ID_NOT_ALLOWED');
    this.#sysCounter += 1;
    const sysId = `sess${this.#sysCounter}`;
    this.sessions.set(sysId, { callerId: request.callerId, available: true });
    return {
      session: {
        sys_id: sysId,
        identity: `s_${sysId}`,
        available: true,
        number: request.callerId,
        user: FAKE_USER,
      },
      vendor: 'TWILIO_DIRECT',
      ...this.#token(),
      device: { chunderw: '127.0.0.1:1', publishEvents: false },
      ...(this.heartbeatSeconds !== undefined && { heartbeatSeconds: this.heartbeatSeconds }),
    };
  }

  async refreshToken(sessionSysId: string): Promise<TokenResult> {
    this.#record('refreshToken', sessionSysId);
    if (this.refreshError) throw this.refreshError;
    if (!this.sessions.has(sessionSysId)) throw new NotifyError('NOT_FOUND');
    return this.#token();
  }

  async heartbeat(sessionSysId: string, calls?: string[]) {
    this.#record('heartbeat', sessionSysId, ...(calls ? [calls] : []));
    if (this.heartbeatError) throw this.heartbeatError;
    if (!this.sessions.has(sessionSysId)) throw new NotifyError('NOT_FOUND');
    return calls && { ended: calls.filter((sid) => this.endedCalls.has(sid)) };
  }

  async deleteSession(sessionSysId: string) {
    this.#record('deleteSession', sessionSysId);
    this.sessions.delete(sessionSysId);
  }

  /**
   * Pages of listAvailableClients() and of the presence snapshot (the server's `limit`). `clients` are in
   * the server's order (name, then sys_id); a cursor is the last client of its page, as on the server.
   */
  pageSize = 100;
  /** Thrown by listAvailableClients() when set. */
  listError: NotifyError | null = null;

  async listAvailableClients(cursor?: string | null): Promise<AvailableClientsPage> {
    this.#record('listAvailableClients', cursor);
    if (this.listError) throw this.listError;
    return this.#page(cursor);
  }

  #page(cursor?: string | null): AvailableClientsPage {
    const last = cursor ? (JSON.parse(cursor) as AvailableClient) : null;
    const rest = last
      ? this.clients.filter((c) => byName(c, last) > 0 && c.sys_id !== last.sys_id)
      : this.clients;
    const clients = rest.slice(0, this.pageSize);
    const end = clients.at(-1);
    return {
      clients,
      next:
        rest.length > clients.length && end ? JSON.stringify({ sys_id: end.sys_id, name: end.name }) : null,
    };
  }

  /** The open presence streams (watchAvailableClients), each sent the first page on connect. */
  readonly watchers = new Set<PresenceWatcher>();

  /** Sets the available clients and sends every stream a new snapshot (`event: available`, first page). */
  pushClients(clients: AvailableClient[]) {
    this.clients = clients;
    for (const watcher of [...this.watchers]) watcher('available', this.#page());
  }

  /** Adds or removes one available client and sends every stream the change (`event: availability`). */
  pushAvailability(client: AvailableClient, available: boolean) {
    const others = this.clients.filter((c) => c.sys_id !== client.sys_id);
    this.clients = available ? [...others, client].sort(byName) : others;
    for (const watcher of [...this.watchers]) watcher('availability', { client, available });
  }

  /** The real presence reader (presence-stream.ts) over in-memory Server-Sent Event streams. */
  watchAvailableClients(onClients: (clients: AvailableClient[]) => void, signal: AbortSignal) {
    this.#record('watchAvailableClients');
    const encoder = new TextEncoder();
    const open = async () => {
      let watcher: PresenceWatcher | undefined;
      const body = new ReadableStream<Uint8Array>({
        start: (controller) => {
          const stream: PresenceWatcher = (event, data) =>
            controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
          const close = () => {
            if (this.watchers.delete(stream)) controller.close();
          };
          if (signal.aborted) return controller.close();
          watcher = stream;
          this.watchers.add(stream);
          signal.addEventListener('abort', close, { once: true });
          stream('available', this.#page());
        },
        // The reader gave up (a page failed): the stream is gone, as on the server.
        cancel: () => void (watcher && this.watchers.delete(watcher)),
      });
      return new Response(body);
    };
    return followPresence(open, onClients, signal, (cursor) => this.listAvailableClients(cursor));
  }

  /** The call history (newest first) listCallHistory() pages through; a cursor is an index into it. */
  history: CallHistoryEntry[] = [];
  /** Thrown by listCallHistory() when set. */
  historyError: NotifyError | null = null;
  /** The queries of listCallHistory(), kept apart from `log` (the element reads the history once online). */
  readonly historyQueries: { limit?: number; cursor?: string }[] = [];

  async listCallHistory(query: { limit?: number; cursor?: string }): Promise<CallHistoryPage> {
    this.historyQueries.push(query);
    if (this.historyError) throw this.historyError;
    const start = query.cursor ? Number(query.cursor) : 0;
    const end = start + (query.limit ?? 100);
    return {
      calls: this.history.slice(start, end),
      next: end < this.history.length ? String(end) : null,
    };
  }

  async getParentId(callSid: string) {
    this.#record('getParentId', callSid);
    return { parentId: this.parentIds[callSid] ?? null };
  }

  async forwardCall(callSid: string, target: ForwardTarget) {
    this.#record('forwardCall', callSid, target);
  }

  /** Answers of callAction() by action (a NotifyError is thrown); conference state: `{live: true}`. */
  callActionResults: Partial<Record<CallAction, unknown>> = {};

  async callAction(callSid: string, action: CallAction, body?: object) {
    this.#record('callAction', callSid, action, body);
    const result = this.callActionResults[action] ?? (action === 'conference' ? { live: true } : {});
    if (result instanceof NotifyError) throw result;
    return result;
  }

  async setAvailability(sessionSysId: string, available: boolean) {
    this.#record('setAvailability', sessionSysId, available);
    const session = this.sessions.get(sessionSysId);
    if (!session) throw new NotifyError('NOT_FOUND');
    session.available = available;
  }

  #token(): TokenResult {
    this.tokenCounter += 1;
    return {
      token: `token-${this.tokenCounter}`,
      ttl: Math.round(this.tokenLifetimeMs / 1000),
      expiresAt: Date.now() + this.tokenLifetimeMs,
    };
  }

  #record(method: string, ...args: unknown[]) {
    this.log.push({ method, args });
  }
}
