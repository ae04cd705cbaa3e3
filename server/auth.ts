import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignJWT, createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { firstAcceptableName } from './names.js';
import { NotifyError } from './errors.js';
import type { NotifyStore, User } from './store/store.js';

/** Name of the cookie that carries the session JWT (the same token as the Bearer one). */
export const SESSION_COOKIE = 'notify_session';

/** How long a sign-in lasts. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

/** Default oldest host token accepted (by `iat`), and the longest `exp - iat` span: 24 h. */
export const DEFAULT_MAX_TOKEN_AGE_SECONDS = 24 * 60 * 60;

/** Default clock skew tolerated on `iat`/`nbf`/`exp`. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

const ISSUER = 'notify-phone';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, set by `requireUser`; null on routes that do not require one. */
    notifyUser: User | null;
  }
}

/** What a valid session JWT says: its user and the token generation it was signed under. */
export interface SessionClaims {
  sub: string;
  generation: number;
}

/**
 * Signs and checks the backend's own session JWTs (HS256, `sub` = sys_user sys_id, `gen` = the user's
 * token generation, which sign-out increments; `iat` and `exp` always).
 */
export class SessionTokens {
  readonly #key: Uint8Array;

  constructor(secret: string) {
    this.#key = new TextEncoder().encode(secret);
  }

  async sign(user: User, generation: number, ttlSeconds = SESSION_TTL_SECONDS): Promise<string> {
    return new SignJWT({ name: user.name, gen: generation })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(user.sys_id)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.#key);
  }

  /** The claims of a valid token, or undefined for anything else (expired, no exp, forged, malformed). */
  async verify(token: string): Promise<SessionClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'iat', 'exp', 'gen'],
      });
      const { sub, gen } = payload;
      return typeof sub === 'string' && Number.isSafeInteger(gen)
        ? { sub, generation: gen as number }
        : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * How the backend trusts the host application's sign-in: a JWT the host signs (HS256 with a shared secret,
 * or any asymmetric algorithm with keys from its JWKS URL), checked for issuer, audience, `iat` and `exp`.
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
   * Claim holding the user's group names (string array); the user's memberships are set to exactly these by
   * each token newer (`iat`) than the last one applied. Default `groups`. `false` leaves memberships to
   * whoever manages the database.
   */
  groupsClaim?: string | false;
  /** Clock skew tolerated on `iat`/`nbf`/`exp`, in seconds. Default 30. */
  clockToleranceSeconds?: number;
  /**
   * Oldest token accepted, in seconds since its `iat`; also the longest `exp - iat` accepted. Default 24 h.
   */
  maxTokenAgeSeconds?: number;
}

/** What a verified host JWT says. */
export interface HostToken {
  issuer: string;
  subject: string;
  /** `iat`, epoch seconds. */
  issuedAt: number;
  name: string;
  /** Group names, or undefined when memberships are not taken from the token. */
  groups: string[] | undefined;
}

/**
 * The sys_id the backend derived from a non-sys_id host subject before host identities had their own
 * namespace; such a user is adopted by its identity on its next sign-in (see `createHostUser`).
 */
export function legacySysIdFor(issuer: string, subject: string): string {
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

  /**
   * What a valid token says, or undefined for anything else: forged, wrong iss/aud, no `sub`/`iat`/`exp`,
   * expired, `iat` older than the maximum age, `iat`/`nbf` ahead of the clock beyond the tolerance, or an
   * `exp` further than the maximum age after `iat`.
   */
  async verify(token: string): Promise<HostToken | undefined> {
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
    const { sub, iat, exp } = payload;
    if (typeof sub !== 'string' || !sub || typeof iat !== 'number' || typeof exp !== 'number')
      return undefined;
    if (exp - iat > this.#maxAge()) return undefined;
    const nameClaim = payload[this.#options.nameClaim ?? 'name'];
    // The claim if it is a displayable name, else the subject; never control or bidi characters.
    const name = firstAcceptableName([nameClaim, sub], 100) ?? 'Unnamed user';
    const groupsClaim = this.#options.groupsClaim ?? 'groups';
    let groups: string[] | undefined;
    if (groupsClaim !== false) {
      const claim = payload[groupsClaim];
      groups = Array.isArray(claim)
        ? claim.filter((g): g is string => typeof g === 'string' && g.length > 0 && g.length <= 100)
        : [];
    }
    return { issuer: this.#options.issuer, subject: sub, issuedAt: Math.floor(iat), name, groups };
  }

  #maxAge(): number {
    return this.#options.maxTokenAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS;
  }

  #verifyOptions() {
    return {
      issuer: this.#options.issuer,
      audience: this.#options.audience,
      algorithms: this.#algorithms,
      clockTolerance: this.#options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
      // jose refuses an iat older than this, or ahead of the clock by more than the tolerance.
      maxTokenAge: this.#maxAge(),
      requiredClaims: ['sub', 'iat', 'exp'],
    };
  }
}

/**
 * Resolves a bearer/cookie token to a user: the backend's own session JWT (dev sign-in) or, when configured,
 * the host application's identity JWT. A host identity (issuer, subject) maps to a user of our own
 * (`notify_host_identity`); its name and groups are written only from a token newer than the last applied.
 * Tokens revoked by sign-out are refused: session tokens of an older generation, host tokens issued at or
 * before the sign-out.
 */
export class Authenticator {
  readonly #tokens: SessionTokens;
  readonly #host: HostIdentityVerifier | undefined;
  readonly #store: NotifyStore;

  constructor(tokens: SessionTokens, store: NotifyStore, host?: HostIdentityOptions) {
    this.#tokens = tokens;
    this.#store = store;
    this.#host = host && new HostIdentityVerifier(host);
  }

  async authenticate(token: string): Promise<User | undefined> {
    const session = await this.#tokens.verify(token);
    if (session) {
      const state = await this.#store.getSignInState(session.sub);
      return state?.tokenGeneration === session.generation ? state.user : undefined;
    }
    const claims = await this.#host?.verify(token);
    if (!claims) return undefined;
    const { issuer, subject, issuedAt, name, groups } = claims;
    const host =
      (await this.#store.findHostUser(issuer, subject)) ??
      (await this.#store.createHostUser(issuer, subject, name, legacySysIdFor(issuer, subject)));
    if (host.signedOutAt !== null && issuedAt <= host.signedOutAt) return undefined;
    if (issuedAt > host.lastIssuedAt) {
      const applied = await this.#store.applyHostClaims(issuer, subject, issuedAt, {
        name,
        ...(groups && { groups }),
      });
      if (applied) return { sys_id: host.user.sys_id, name };
    }
    return host.user;
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

/** The Set-Cookie value that removes the session cookie (sign-out). */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;
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

/** The token a request carries: the Bearer one, else the session cookie. */
export function requestToken(request: FastifyRequest): string | undefined {
  return bearerToken(request.headers.authorization) ?? readCookie(request.headers.cookie, SESSION_COOKIE);
}

/**
 * True while the request's token is still accepted (not revoked since `requireUser` let it in). For
 * long-lived responses: checked once they listen for sign-outs, it closes the window in which a sign-out
 * committed and announced between authentication and listening would be missed.
 */
export async function stillSignedIn(gate: UserGate, request: FastifyRequest): Promise<boolean> {
  const token = requestToken(request);
  return token !== undefined && (await gate.auth.authenticate(token))?.sys_id === request.notifyUser?.sys_id;
}

/** A preHandler that resolves the signed-in user or answers 401 UNAUTHENTICATED. */
export function requireUser(gate: UserGate) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const token = requestToken(request);
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
