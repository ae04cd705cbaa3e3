import { SignJWT } from 'jose';
import type { HostIdentityOptions } from '../auth.js';

/** The host application of the tests: it signs identity JWTs with a shared HS256 secret. */
export const HOST = {
  secret: 'host-application-secret-at-least-32-characters',
  issuer: 'https://host.test',
  audience: 'notify-phone',
} as const;

export const hostIdentity: HostIdentityOptions = { ...HOST };

export interface HostClaims {
  sub: string;
  name?: string;
  groups?: string[];
}

export interface HostTokenOverrides {
  secret?: string;
  issuer?: string;
  audience?: string;
  /** `exp`, epoch seconds; null leaves it out. Default `iat` + 600. */
  expiresAt?: number | null;
  /** `iat`, epoch seconds; null leaves it out. Default now. */
  issuedAt?: number | null;
  /** `nbf`, epoch seconds. Default none. */
  notBefore?: number;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A host identity JWT; `overrides` forge, expire, misdate or misaddress it. */
export async function hostToken(claims: HostClaims, overrides: HostTokenOverrides = {}): Promise<string> {
  const { sub, ...rest } = claims;
  const iat = overrides.issuedAt === undefined ? nowSeconds() : overrides.issuedAt;
  const exp = overrides.expiresAt === undefined ? (iat ?? nowSeconds()) + 600 : overrides.expiresAt;
  const jwt = new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(overrides.issuer ?? HOST.issuer)
    .setAudience(overrides.audience ?? HOST.audience);
  if (iat !== null) jwt.setIssuedAt(iat);
  if (exp !== null) jwt.setExpirationTime(exp);
  if (overrides.notBefore !== undefined) jwt.setNotBefore(overrides.notBefore);
  return jwt.sign(new TextEncoder().encode(overrides.secret ?? HOST.secret));
}

/** An unsigned (`alg: none`) token with valid-looking claims. */
export function unsignedToken(claims: HostClaims): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({
    ...claims,
    iss: HOST.issuer,
    aud: HOST.audience,
    iat: now,
    exp: now + 600,
  })}.`;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
