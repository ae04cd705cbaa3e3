import type {
  AvailableClient,
  CreateSessionResult,
  ForwardTarget,
  NotifyBackend,
  TokenResult,
} from '../../../../src/client/backend.js';
import { NotifyError } from '../../../../src/client/errors.js';

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
      session: { sys_id: sysId, identity: `s_${sysId}`, available: true, number: request.callerId },
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

  async heartbeat(sessionSysId: string) {
    this.#record('heartbeat', sessionSysId);
    if (this.heartbeatError) throw this.heartbeatError;
    if (!this.sessions.has(sessionSysId)) throw new NotifyError('NOT_FOUND');
  }

  async deleteSession(sessionSysId: string) {
    this.#record('deleteSession', sessionSysId);
    this.sessions.delete(sessionSysId);
  }

  async listAvailableClients() {
    this.#record('listAvailableClients');
    return this.clients;
  }

  /** The open presence subscriptions (watchAvailableClients), each told the list on start. */
  readonly watchers = new Set<(clients: AvailableClient[]) => void>();

  /** Sets the available clients and pushes them to every watcher, as the presence stream does. */
  pushClients(clients: AvailableClient[]) {
    this.clients = clients;
    for (const watcher of [...this.watchers]) watcher(clients);
  }

  watchAvailableClients(onClients: (clients: AvailableClient[]) => void, signal: AbortSignal) {
    this.#record('watchAvailableClients');
    return new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      this.watchers.add(onClients);
      queueMicrotask(() => onClients(this.clients));
      signal.addEventListener('abort', () => {
        this.watchers.delete(onClients);
        resolve();
      });
    });
  }

  async getParentId(callSid: string) {
    this.#record('getParentId', callSid);
    return { parentId: this.parentIds[callSid] ?? null };
  }

  async forwardCall(callSid: string, target: ForwardTarget) {
    this.#record('forwardCall', callSid, target);
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
