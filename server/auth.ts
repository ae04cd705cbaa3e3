import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignJWT, createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { firstAcceptableName } from './names.js';
import { NotifyError } from './errors.js';
import { isSysId } from './ids.js';
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

/**
 * How the backend trusts the host application's sign-in: a JWT the host signs (HS256 with a shared secret,
 * or any asymmetric algorithm with keys from its JWKS URL), checked for issuer, audience and expiry.
 */
export interface HostIdentityOptions {
  /** Shared HS256 secret (at least 32 characters). One of `secret` and `jwksUrl` is required. */
  secret?: string;
  /** The host's JWKS URL (keys are fetched and cached by `jose`). */
  jwksUrl?: string;
  /** Required `iss`. */
  issuer: string;
  /** Required `aud`. */
  audience: string;
  /** Claim holding the user's display name. Default `name` (falls back to `sub`). */
  nameClaim?: string;
  /**
   * Claim holding the user's group names (string array); the user's memberships are set to exactly these on
   * each sign-in. Default `groups`. `false` leaves memberships to whoever manages the database.
   */
  groupsClaim?: string | false;
  /** Clock skew tolerated on `exp`/`nbf`, in seconds. Default 30. */
  clockToleranceSeconds?: number;
}

/** The identity a verified host JWT names. */
export interface HostIdentity {
  user: User;
  /** Group names, or undefined when memberships are not taken from the token. */
  groups: string[] | undefined;
}

/**
 * The sys_user sys_id of a host subject: the subject itself when it is already a 32-hex sys_id (a
 * ServiceNow-style host), otherwise a stable hash of issuer and subject.
 */
export function userSysIdFor(issuer: string, subject: string): string {
  if (isSysId(subject)) return subject;
  return createHash('sha256').update(`${issuer}\0${subject}`).digest('hex').slice(0, 32);
}

/** Verifies host identity JWTs. */
export class HostIdentityVerifier {
  readonly #options: HostIdentityOptions;
  readonly #key: Uint8Array | JWTVerifyGetKey;
  readonly #algorithms: string[];

  constructor(options: HostIdentityOptions) {
    if (!options.secret === !options.jwksUrl)
      throw new Error('Host identity needs exactly one of secret and jwksUrl.');
    this.#options = options;
    if (options.secret) {
      this.#key = new TextEncoder().encode(options.secret);
      this.#algorithms = ['HS256'];
    } else {
      this.#key = createRemoteJWKSet(new URL(options.jwksUrl!), {
        timeoutDuration: 5000,
        cooldownDuration: 30_000,
      });
      this.#algorithms = [
        'RS256',
        'RS384',
        'RS512',
        'PS256',
        'PS384',
        'PS512',
        'ES256',
        'ES384',
        'ES512',
        'EdDSA',
      ];
    }
  }

  /** The identity of a valid token, or undefined for anything else (expired, forged, wrong iss/aud). */
  async verify(token: string): Promise<HostIdentity | undefined> {
    let payload: JWTPayload;
    try {
      const verified =
        this.#key instanceof Uint8Array
          ? await jwtVerify(token, this.#key, this.#verifyOptions())
          : await jwtVerify(token, this.#key, this.#verifyOptions());
      payload = verified.payload;
    } catch {
      return undefined;
    }
    if (typeof payload.sub !== 'string' || !payload.sub || payload.exp === undefined) return undefined;
    const nameClaim = payload[this.#options.nameClaim ?? 'name'];
    // The claim if it is a displayable name, else the subject; never control or bidi characters.
    const name = firstAcceptableName([nameClaim, payload.sub], 100) ?? 'Unnamed user';
    const groupsClaim = this.#options.groupsClaim ?? 'groups';
    let groups: string[] | undefined;
    if (groupsClaim !== false) {
      const claim = payload[groupsClaim];
      groups = Array.isArray(claim)
        ? claim.filter((g): g is string => typeof g === 'string' && g.length > 0 && g.length <= 100)
        : [];
    }
    return { user: { sys_id: userSysIdFor(this.#options.issuer, payload.sub), name }, groups };
  }

  #verifyOptions() {
    return {
      issuer: this.#options.issuer,
      audience: this.#options.audience,
      algorithms: this.#algorithms,
      clockTolerance: this.#options.clockToleranceSeconds ?? 30,
      requiredClaims: ['sub', 'exp'],
    };
  }
}

/**
 * Resolves a bearer/cookie token to a user: the backend's own session JWT (dev sign-in) or, when configured,
 * the host application's identity JWT, whose user and group memberships are written to the store (only
 * when they changed since this instance last saw them).
 */
export class Authenticator {
  readonly #tokens: SessionTokens;
  readonly #host: HostIdentityVerifier | undefined;
  readonly #store: NotifyStore;
  readonly #synced = new Map<string, string>();

  constructor(tokens: SessionTokens, store: NotifyStore, host?: HostIdentityOptions) {
    this.#tokens = tokens;
    this.#store = store;
    this.#host = host && new HostIdentityVerifier(host);
  }

  async authenticate(token: string): Promise<User | undefined> {
    const sysId = await this.#tokens.verify(token);
    if (sysId) return this.#store.getUser(sysId);
    const identity = await this.#host?.verify(token);
    if (!identity) return undefined;
    const { user, groups } = identity;
    const fingerprint = JSON.stringify([user.name, groups]);
    if (this.#synced.get(user.sys_id) !== fingerprint) {
      await this.#store.upsertUser(user);
      if (groups) await this.#store.setUserGroups(user.sys_id, groups);
      if (this.#synced.size >= 10_000) this.#synced.clear();
      this.#synced.set(user.sys_id, fingerprint);
    }
    return user;
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

/** What `requireUser` needs from the backend context. */
export interface UserGate {
  auth: Authenticator;
  /** Called once the user is known: the per-user rate limit. Throws to refuse. */
  afterAuthentication?: (request: FastifyRequest, user: User) => Promise<void>;
}

/** A preHandler that resolves the signed-in user or answers 401 UNAUTHENTICATED. */
export function requireUser(gate: UserGate) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const token =
      bearerToken(request.headers.authorization) ?? readCookie(request.headers.cookie, SESSION_COOKIE);
    const user = token ? await gate.auth.authenticate(token) : undefined;
    if (!user) throw new NotifyError('UNAUTHENTICATED');
    request.notifyUser = user;
    await gate.afterAuthentication?.(request, user);
  };
}

/** The user `requireUser` resolved; throws if a route forgot the preHandler. */
export function currentUser(request: FastifyRequest): User {
  if (!request.notifyUser) throw new NotifyError('UNAUTHENTICATED');
  return request.notifyUser;
}
