import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignJWT, jwtVerify } from 'jose';
import { NotifyError } from './errors.js';
import type { NotifyStore, User } from './store/store.js';

/** Name of the cookie that carries the session JWT (the same token as the Bearer one). */
export const SESSION_COOKIE = 'notify_session';

/** How long a sign-in lasts. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

const ISSUER = 'notify-phone';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, set by `requireUser`; null on routes that do not require one. */
    notifyUser: User | null;
  }
}

/** Signs and checks the backend's own session JWTs (HS256, `sub` = sys_user sys_id). */
export class SessionTokens {
  readonly #key: Uint8Array;

  constructor(secret: string) {
    this.#key = new TextEncoder().encode(secret);
  }

  async sign(user: User, ttlSeconds = SESSION_TTL_SECONDS): Promise<string> {
    return new SignJWT({ name: user.name })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(user.sys_id)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.#key);
  }

  /** The user sys_id of a valid token, or undefined for anything else (expired, forged, malformed). */
  async verify(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { issuer: ISSUER, algorithms: ['HS256'] });
      return typeof payload.sub === 'string' ? payload.sub : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The value of one cookie from a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/** The Set-Cookie value that stores a session token in the browser. */
export function sessionCookie(token: string, maxAgeSeconds = SESSION_TTL_SECONDS): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Lax`;
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** A preHandler that resolves the signed-in user or answers 401 UNAUTHENTICATED. */
export function requireUser(tokens: SessionTokens, store: NotifyStore) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const token =
      bearerToken(request.headers.authorization) ?? readCookie(request.headers.cookie, SESSION_COOKIE);
    const sysId = token ? await tokens.verify(token) : undefined;
    const user = sysId ? await store.getUser(sysId) : undefined;
    if (!user) throw new NotifyError('UNAUTHENTICATED');
    request.notifyUser = user;
  };
}

/** The user `requireUser` resolved; throws if a route forgot the preHandler. */
export function currentUser(request: FastifyRequest): User {
  if (!request.notifyUser) throw new NotifyError('UNAUTHENTICATED');
  return request.notifyUser;
}
