import type {
  AuthToken,
  AvailableClient,
  AvailableClientsPage,
  CallAction,
  CreateSessionResult,
  ForwardTarget,
  HttpBackendOptions,
  NotifyBackend,
  TokenResult,
} from './backend.js';
import type { CallHistoryPage } from './call-history.js';
import { NotifyError, isNotifyErrorCode, type NotifyErrorCode } from './errors.js';

/*
 * The HTTP backend's requests, loaded by the first request of an HttpNotifyBackend (backend.ts, the class
 * the package exports) so that the first load does without them: no request is made before the element or
 * the client is used. The classic script's builds import this class in backend.ts's place
 * (rollup.config.mjs, `eagerBackend`): it cannot load chunks of its own.
 */

const HTTP_STATUS_CODES: Record<number, NotifyErrorCode> = {
  401: 'UNAUTHENTICATED',
  404: 'NOT_FOUND',
};

/** Backend codes with another name here (server/errors.ts). */
const BACKEND_CODE_ALIASES: Record<string, NotifyErrorCode> = {
  NO_COMPATIBLE_VENDOR: 'NO_VENDOR',
  UNKNOWN_SESSION: 'NOT_FOUND',
};

/** The HTTP backend of docs/architecture.md (fetch, cookie credentials, optional bearer token). */
export class HttpNotifyBackend implements NotifyBackend {
  readonly baseUrl: string;
  readonly #authToken: AuthToken | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: HttpBackendOptions = {}) {
    this.baseUrl = (options.backendUrl ?? '/api').replace(/\/+$/, '');
    this.#authToken = options.authToken;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  lookupCallerId(number: string) {
    return this.#request<{ number: string; vendor: string | null }>(
      'GET',
      `/caller-ids/${encodeURIComponent(number)}`,
    );
  }

  createSession(request: { callerId: string; name?: string; callWaiting?: 'ring' }) {
    return this.#request<CreateSessionResult>('POST', '/sessions', request);
  }

  refreshToken(sessionSysId: string) {
    return this.#request<TokenResult>('POST', `/sessions/${encodeURIComponent(sessionSysId)}/token`);
  }

  preflightToken(sessionSysId: string) {
    return this.#request<TokenResult>('POST', `/sessions/${encodeURIComponent(sessionSysId)}/preflight`);
  }

  heartbeat(sessionSysId: string, calls?: string[]) {
    return this.#request<void | { ended: string[] }>(
      'POST',
      `/sessions/${encodeURIComponent(sessionSysId)}/heartbeat`,
      calls && { calls },
    );
  }

  async deleteSession(sessionSysId: string) {
    await this.#request('DELETE', `/sessions/${encodeURIComponent(sessionSysId)}`);
  }

  /** One page as the backend sends it: `{clients, next}`, or an array (the whole list, older backends). */
  async listAvailableClients(cursor?: string | null) {
    const path = `/sessions/available${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`;
    return (await this.#request<AvailableClientsPage | AvailableClient[] | undefined>('GET', path)) ?? [];
  }

  /**
   * Follows `GET /presence` (Server-Sent Events) and hands over the list: the snapshot, completed with
   * the following pages of `GET /sessions/available`, then its changes; reconnects when the stream ends
   * or fails (see presence-stream.ts, imported on first use: most pages never show the agent list, so the
   * bundle's first load does without it).
   */
  async watchAvailableClients(onClients: (clients: AvailableClient[]) => void, signal: AbortSignal) {
    const { followPresence } = await import('./presence-stream.js');
    await followPresence(
      async () =>
        this.#fetch(`${this.baseUrl}/presence`, {
          headers: await this.#headers('text/event-stream'),
          credentials: 'include',
          cache: 'no-store',
          signal,
        }),
      onClients,
      signal,
      (cursor) => this.listAvailableClients(cursor),
    );
  }

  async getParentId(callSid: string) {
    const body = await this.#request<{ parentId?: string | null }>(
      'GET',
      `/calls/${encodeURIComponent(callSid)}/parent`,
    );
    return { parentId: body?.parentId ?? null };
  }

  async forwardCall(callSid: string, target: ForwardTarget) {
    await this.#request('POST', `/calls/${encodeURIComponent(callSid)}/forward`, target);
  }

  callAction(callSid: string, action: CallAction, body?: object) {
    return this.#request(body ? 'POST' : 'GET', `/calls/${encodeURIComponent(callSid)}/${action}`, body);
  }

  async setAvailability(sessionSysId: string, available: boolean) {
    await this.#request('PATCH', `/sessions/${encodeURIComponent(sessionSysId)}`, { available });
  }

  listCallHistory(query: { limit?: number; cursor?: string }) {
    return this.#request<CallHistoryPage>(
      'GET',
      `/calls?${new URLSearchParams(query as Record<string, string>)}`,
    );
  }

  async #headers(accept: string): Promise<Record<string, string>> {
    const headers: Record<string, string> = { Accept: accept };
    let token = this.#authToken;
    while (typeof token === 'function') token = await token();
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers = await this.#headers('application/json');
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        credentials: 'include',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new NotifyError('BACKEND_UNREACHABLE', undefined, { cause: error });
    }
    const text = await response.text().catch(() => '');
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (!response.ok) {
      const err = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const message =
        typeof err?.message === 'string'
          ? err.message
          : `${method} ${path} failed with HTTP ${response.status}`;
      const backendCode = typeof err?.code === 'string' ? err.code : '';
      const code: NotifyErrorCode = isNotifyErrorCode(backendCode)
        ? backendCode
        : (BACKEND_CODE_ALIASES[backendCode] ?? HTTP_STATUS_CODES[response.status] ?? 'BACKEND_ERROR');
      throw new NotifyError(code, message, { cause: { status: response.status, body: json ?? text } });
    }
    return json as T;
  }
}
