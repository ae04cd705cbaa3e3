import type { CallHistoryPage } from './call-history.js';

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

/** What HttpNotifyBackend implements of NotifyBackend (`me` is read by tab-share.ts itself). */
type HttpMethods = Required<Omit<NotifyBackend, 'me'>>;

/** The methods of HttpNotifyBackend (all of HttpMethods, or this does not compile), each made from its name. */
const HTTP_METHODS = {
  lookupCallerId: 1,
  createSession: 1,
  refreshToken: 1,
  preflightToken: 1,
  heartbeat: 1,
  deleteSession: 1,
  listAvailableClients: 1,
  watchAvailableClients: 1,
  getParentId: 1,
  forwardCall: 1,
  callAction: 1,
  setAvailability: 1,
  listCallHistory: 1,
} satisfies Record<keyof HttpMethods, 1>;

// The methods of NotifyBackend (documented there), made by the class's static block below.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface HttpNotifyBackend extends HttpMethods {}

/**
 * The HTTP backend of docs/architecture.md (fetch, cookie credentials, optional bearer token). Its requests
 * load with the first one (http-backend.ts): every method returns a Promise and nothing is requested before
 * init() or a method of the client, so the first load carries only these names (about 0.56 KB gz less), and
 * each method is made from its name (HTTP_METHODS), not written out, as a class's method is (not enumerable).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class HttpNotifyBackend {
  readonly baseUrl: string;
  readonly #options: HttpBackendOptions;
  #requests: Promise<HttpMethods> | undefined;

  constructor(options: HttpBackendOptions = {}) {
    this.baseUrl = (options.backendUrl ?? '/api').replace(/\/+$/, '');
    this.#options = options;
  }

  static {
    for (const name of Object.keys(HTTP_METHODS) as Array<keyof HttpMethods>)
      Object.defineProperty(this.prototype, name, {
        configurable: true,
        writable: true,
        value(this: HttpNotifyBackend, ...args: unknown[]) {
          return this.#run(name, args);
        },
      });
  }

  /** Runs one request on the implementation, loaded (and made with these options) at the first. */
  #run(name: keyof HttpMethods, args: unknown[]): Promise<unknown> {
    this.#requests ??= import('./http-backend.js').then((m) => new m.HttpNotifyBackend(this.#options));
    return this.#requests.then((requests) =>
      (requests[name] as (...a: unknown[]) => Promise<unknown>)(...args),
    );
  }
}
