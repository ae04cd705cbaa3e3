import type { CallHistoryPage } from './call-history.js';
import { NotifyError, isNotifyErrorCode, type NotifyErrorCode } from './errors.js';

/** A row of the connected-sessions table as the client sees it. */
export interface NotifySession {
  sys_id: string;
  identity: string;
  available: boolean;
  number?: string;
  /** The session's user (the reference backend sends it). */
  user?: string;
}

export interface CreateSessionResult {
  session: NotifySession;
  /** The backend's vendor name, e.g. `"TWILIO_DIRECT"`. */
  vendor: string;
  token: string;
  /** Token lifetime in seconds. */
  ttl: number;
  /** Token expiry: epoch milliseconds or an ISO date string. */
  expiresAt: number | string;
  /** Vendor device configuration passed through to the driver (Twilio: chunderw, sounds, edge…). */
  device: Record<string, unknown>;
  /**
   * Send `heartbeat()` this often (seconds) while online, or the backend expires the session. Absent (an
   * older backend): no heartbeats.
   */
  heartbeatSeconds?: number;
}

export interface TokenResult {
  token: string;
  ttl: number;
  expiresAt: number | string;
}

/** An entry of getAvailableClients(). `sys_id` is the user's sys_id. */
export interface AvailableClient {
  sys_id: string;
  name: string;
  [key: string]: unknown;
}

/**
 * One page of `GET /sessions/available`: `next` is the cursor of the following page (opaque), null or
 * absent on the last one.
 */
export interface AvailableClientsPage {
  clients: AvailableClient[];
  next?: string | null;
}

export interface ForwardTarget {
  type: 'number' | 'userId';
  id: string;
  dtmf?: string;
}

export type CallAction = 'hold' | 'transfer' | 'participants' | 'conference' | 'end' | 'refer';

/** What NotifyClient needs from a backend. HttpNotifyBackend speaks docs/architecture.md. */
export interface NotifyBackend {
  lookupCallerId(number: string): Promise<{ number: string; vendor: string | null }>;
  createSession(request: {
    callerId: string;
    name?: string;
    callWaiting?: 'ring';
  }): Promise<CreateSessionResult>;
  refreshToken(sessionSysId: string): Promise<TokenResult>;
  /**
   * The signed-in user; optional: `shareTabs` keys the agent's tabs by it (tab-share.ts reads `GET /me` itself
   * for the HTTP backend, whose first-load code stays without it).
   */
  me?(): Promise<{ user: { sys_id: string } }>;
  /**
   * Ours (issue 14): a token for the session's pre-call test (`POST /sessions/:sysId/preflight`), of an identity
   * of its own. Optional: without it preflight() reports NOT_SUPPORTED.
   */
  preflightToken?(sessionSysId: string): Promise<TokenResult>;
  /** Tells the backend the session is alive. Rejects with NOT_FOUND once the session expired. */
  /**
   * The session is alive. With `calls` (its own CallSids, while its signaling is down) it also asks which of
   * them ended: resolves `{ended}` then (an older backend resolves nothing: none known to have ended).
   */
  heartbeat(sessionSysId: string, calls?: string[]): Promise<void | { ended: string[] }>;
  deleteSession(sessionSysId: string): Promise<void>;
  /**
   * One page of the available clients: the first without `cursor`, else the page after the one whose
   * `next` it is. A backend without paging may resolve to the whole list as an array.
   */
  listAvailableClients(cursor?: string | null): Promise<AvailableClientsPage | AvailableClient[]>;
  /**
   * Calls `onClients` with the available clients when known and after every change, until `signal`
   * aborts (then resolves; never rejects). Reconnects by itself.
   */
  watchAvailableClients(onClients: (clients: AvailableClient[]) => void, signal: AbortSignal): Promise<void>;
  /** Resolves the parent call; `parentId` null while it is not known yet. */
  getParentId(callSid: string): Promise<{ parentId: string | null }>;
  forwardCall(callSid: string, target: ForwardTarget): Promise<void>;
  /**
   * Hold, warm transfer and added parties of one of the user's calls (`/calls/:callSid/<action>`, GET when
   * there is no body): see server/routes/call-control.ts. Resolves to the response body.
   */
  callAction(callSid: string, action: CallAction, body?: object): Promise<unknown>;
  setAvailability(sessionSysId: string, available: boolean): Promise<void>;
  /**
   * One page of the signed-in user's call history (`GET /calls`, our extension; see call-history.ts for
   * the entries). Optional: a backend without it makes getCallHistory() report NOT_FOUND.
   */
  listCallHistory?(query: { limit?: number; cursor?: string }): Promise<CallHistoryPage>;
}

/**
 * A bearer token, or a function returning one (called for every request, so it may change). The function
 * may also return another AuthToken, or nothing (then no Authorization header is sent).
 */
export type AuthToken = string | (() => AuthToken | Promise<string> | undefined);

export interface HttpBackendOptions {
  /** Base URL of the backend routes; default `'/api'`. */
  backendUrl?: string;
  /** Sent as `Authorization: Bearer …` when given; the session cookie is always sent. */
  authToken?: AuthToken;
  /** @internal */
  fetch?: typeof fetch;
}

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
