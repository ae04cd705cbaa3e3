import type { TwilioAccount } from '../scripts/dev-account.js';
import type { ServerOptions } from './app.js';
import {
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_MAX_TOKEN_AGE_SECONDS,
  type HostIdentityOptions,
} from './auth.js';
import { isE164 } from './ids.js';
import type { SipAccount } from './sip.js';
import { Vendor } from './store/store.js';

/** What `main.ts` needs: the app's options and where to listen. */
export interface ServerConfig {
  options: ServerOptions;
  port: number;
  host: string;
  /** How long a graceful shutdown may take, in ms. */
  shutdownTimeoutMs: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** Thrown with every problem found, one per line, so a misconfigured start says all it needs at once. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid backend configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Environment variables (all strings):
 * - NOTIFY_DB: `postgres://user@host:port/db[?schema=name]`, or a SQLite file path or `:memory:`
 *   (default `notify.db`)
 * - TWILIO_ACCOUNT_SID (AC…), TWILIO_AUTH_TOKEN, TWILIO_API_KEY (SK…), TWILIO_API_SECRET,
 *   TWILIO_TWIML_APP_SID (AP…): required
 * - TWILIO_API_BASE_URL: REST base URL of the emulator; unset for real Twilio
 * - NOTIFY_PUBLIC_URL: the backend's external base URL with its prefix, e.g. `https://example.com/api` (required)
 * - NOTIFY_SESSION_SECRET: at least 32 characters (required)
 * - NOTIFY_DEV_SIGN_IN: `true`/`1` to enable dev sign-in (default off)
 * - NOTIFY_TOKEN_TTL: access token lifetime in seconds, 60…86400 (default 3600)
 * - NOTIFY_SESSION_TTL: seconds a client session lives after its last heartbeat, 15…3600 (default 90);
 *   clients send a heartbeat every third of it
 * - NOTIFY_MAX_SESSIONS_PER_USER: client sessions one user may hold, 1…100 (default 5); one more closes the
 *   user's oldest session
 * - NOTIFY_TWILIO_DEVICE: JSON object handed to clients as the device configuration
 * - NOTIFY_CORS_ORIGINS: comma-separated origins
 * - NOTIFY_SEED_NUMBERS: comma-separated `number:vendor:group`, vendor TWILIO_DIRECT, SIP or empty for none,
 *   e.g. `+15005550006:TWILIO_DIRECT:demo,+15005550009::other`
 * - NOTIFY_SIP_DOMAIN, NOTIFY_SIP_WS_URL (`wss://…`), NOTIFY_SIP_SECRET (at least 32 characters): the SIP
 *   vendor's proxy (our extension) and the shared secret of its time-limited credentials; all three or none
 * - NOTIFY_IDENTITY_SECRET (HS256, at least 32 characters) or NOTIFY_IDENTITY_JWKS_URL: the host
 *   application's identity JWTs; then NOTIFY_IDENTITY_ISSUER and NOTIFY_IDENTITY_AUDIENCE are required;
 *   NOTIFY_IDENTITY_NAME_CLAIM (default `name`), NOTIFY_IDENTITY_GROUPS_CLAIM (default `groups`; `none` to
 *   manage memberships outside the token)
 * - NOTIFY_RATE_LIMIT_IP / NOTIFY_RATE_LIMIT_USER: requests per minute (defaults 600 / 300);
 *   NOTIFY_RATE_LIMIT=off disables both
 * - REDIS_URL: `redis://[user:password@]host:port[/db]` (or `rediss://`): rate-limit counters shared by every
 *   instance through Redis; unset = each instance counts in memory
 * - NOTIFY_BODY_LIMIT: largest request body in bytes, 1024…10485760 (default 65536)
 * - NOTIFY_TRUST_PROXY: `true`, or comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed
 * - NOTIFY_METRICS_TOKEN: bearer token of `GET /metrics`, at least 16 characters; unset: no /metrics
 * - NOTIFY_SHUTDOWN_TIMEOUT: ms a SIGTERM waits for in-flight requests before exiting anyway (default 10000)
 * - PORT (default 3000), HOST (default 127.0.0.1), NOTIFY_LOG (`true` for request logs at info, or a pino
 *   level: fatal, error, warn, info, debug, trace)
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const problems: string[] = [];
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const required = (name: string, check?: (value: string) => string | undefined): string => {
    const value = read(name);
    if (!value) {
      problems.push(`${name} is required.`);
      return '';
    }
    const problem = check?.(value);
    if (problem) problems.push(`${name} ${problem}`);
    return value;
  };
  const sid = (prefix: string) => (value: string) =>
    new RegExp(`^${prefix}[0-9a-fA-F]{32}$`).test(value)
      ? undefined
      : `must be ${prefix} followed by 32 hex digits.`;
  const httpUrl = (value: string) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'must be an http(s) URL.';
    } catch {
      return 'must be an absolute URL.';
    }
  };
  const flag = (name: string) => ['1', 'true', 'yes', 'on'].includes((read(name) ?? '').toLowerCase());
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const value = read(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}.`);
      return fallback;
    }
    return n;
  };

  const account: TwilioAccount = {
    accountSid: required('TWILIO_ACCOUNT_SID', sid('AC')),
    authToken: required('TWILIO_AUTH_TOKEN'),
    apiKeySid: required('TWILIO_API_KEY', sid('SK')),
    apiKeySecret: required('TWILIO_API_SECRET'),
    twimlAppSid: required('TWILIO_TWIML_APP_SID', sid('AP')),
  };
  const publicUrl = required('NOTIFY_PUBLIC_URL', httpUrl);
  const sessionSecret = required('NOTIFY_SESSION_SECRET', (v) =>
    v.length >= 32 ? undefined : 'must be at least 32 characters.',
  );
  const twilioApiBaseUrl = read('TWILIO_API_BASE_URL');
  if (twilioApiBaseUrl) {
    const problem = httpUrl(twilioApiBaseUrl);
    if (problem) problems.push(`TWILIO_API_BASE_URL ${problem}`);
  }

  let twilioDevice: Record<string, unknown> | undefined;
  const deviceJson = read('NOTIFY_TWILIO_DEVICE');
  if (deviceJson) {
    try {
      const parsed: unknown = JSON.parse(deviceJson);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      twilioDevice = parsed as Record<string, unknown>;
    } catch {
      problems.push('NOTIFY_TWILIO_DEVICE must be a JSON object.');
    }
  }

  const numbers: NonNullable<ServerOptions['seed']>['numbers'] = [];
  for (const entry of (read('NOTIFY_SEED_NUMBERS') ?? '').split(',').filter((e) => e.trim())) {
    const [number = '', vendor = '', group = ''] = entry.trim().split(':');
    if (!isE164(number) || (vendor && vendor !== Vendor.TWILIO_DIRECT && vendor !== Vendor.SIP) || !group) {
      problems.push(
        `NOTIFY_SEED_NUMBERS entry "${entry.trim()}" must be <E.164>:<TWILIO_DIRECT, SIP or empty>:<group>.`,
      );
      continue;
    }
    numbers.push({ number, vendor: vendor ? (vendor as Vendor) : null, group });
  }

  let sip: SipAccount | undefined;
  const [sipDomain, sipWsUrl, sipSecret] = [
    'NOTIFY_SIP_DOMAIN',
    'NOTIFY_SIP_WS_URL',
    'NOTIFY_SIP_SECRET',
  ].map(read);
  if (sipDomain || sipWsUrl || sipSecret) {
    if (!sipDomain || !sipWsUrl || !sipSecret) {
      problems.push('NOTIFY_SIP_DOMAIN, NOTIFY_SIP_WS_URL and NOTIFY_SIP_SECRET go together.');
    } else if (!/^wss:\/\/[^/\s]+/.test(sipWsUrl)) {
      problems.push('NOTIFY_SIP_WS_URL must be a wss:// URL.');
    } else if (sipSecret.length < 32) {
      problems.push('NOTIFY_SIP_SECRET must be at least 32 characters.');
    } else {
      sip = { domain: sipDomain, wsUrl: sipWsUrl, secret: sipSecret };
    }
  }

  const corsOrigins = (read('NOTIFY_CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const tokenTtlSeconds = integer('NOTIFY_TOKEN_TTL', 3600, 60, 86400);
  const sessionTtlSeconds = integer('NOTIFY_SESSION_TTL', 90, 15, 3600);
  const maxSessionsPerUser = integer('NOTIFY_MAX_SESSIONS_PER_USER', 5, 1, 100);
  const port = integer('PORT', 3000, 0, 65535);

  const database = read('NOTIFY_DB') ?? 'notify.db';
  if (/^postgres(ql)?:/i.test(database)) {
    try {
      new URL(database);
    } catch {
      problems.push('NOTIFY_DB is not a valid postgres:// URL.');
    }
  }

  let hostIdentity: HostIdentityOptions | undefined;
  const identitySecret = read('NOTIFY_IDENTITY_SECRET');
  const jwksUrl = read('NOTIFY_IDENTITY_JWKS_URL');
  if (identitySecret || jwksUrl) {
    if (identitySecret && jwksUrl) {
      problems.push('Set only one of NOTIFY_IDENTITY_SECRET and NOTIFY_IDENTITY_JWKS_URL.');
    }
    if (identitySecret && identitySecret.length < 32) {
      problems.push('NOTIFY_IDENTITY_SECRET must be at least 32 characters.');
    }
    if (jwksUrl) {
      const problem = httpUrl(jwksUrl);
      if (problem) problems.push(`NOTIFY_IDENTITY_JWKS_URL ${problem}`);
    }
    const issuer = required('NOTIFY_IDENTITY_ISSUER');
    const audience = required('NOTIFY_IDENTITY_AUDIENCE');
    const groupsClaim = read('NOTIFY_IDENTITY_GROUPS_CLAIM');
    const nameClaim = read('NOTIFY_IDENTITY_NAME_CLAIM');
    const maxTokenAgeSeconds = integer(
      'NOTIFY_IDENTITY_MAX_TOKEN_AGE',
      DEFAULT_MAX_TOKEN_AGE_SECONDS,
      60,
      604_800,
    );
    const clockToleranceSeconds = integer(
      'NOTIFY_IDENTITY_CLOCK_SKEW',
      DEFAULT_CLOCK_TOLERANCE_SECONDS,
      0,
      300,
    );
    hostIdentity = {
      ...(identitySecret ? { secret: identitySecret } : { jwksUrl: jwksUrl! }),
      issuer,
      audience,
      ...(nameClaim && { nameClaim }),
      ...(groupsClaim && { groupsClaim: groupsClaim.toLowerCase() === 'none' ? false : groupsClaim }),
      maxTokenAgeSeconds,
      clockToleranceSeconds,
    };
  } else {
    for (const name of ['NOTIFY_IDENTITY_ISSUER', 'NOTIFY_IDENTITY_AUDIENCE']) {
      if (read(name)) problems.push(`${name} needs NOTIFY_IDENTITY_SECRET or NOTIFY_IDENTITY_JWKS_URL.`);
    }
  }

  const rateLimitOff = ['off', 'false', '0', 'no'].includes((read('NOTIFY_RATE_LIMIT') ?? '').toLowerCase());
  const perIpPerMinute = integer('NOTIFY_RATE_LIMIT_IP', 600, 1, 1_000_000);
  const perUserPerMinute = integer('NOTIFY_RATE_LIMIT_USER', 300, 1, 1_000_000);
  const redisUrl = read('REDIS_URL');
  if (redisUrl) {
    try {
      if (!['redis:', 'rediss:'].includes(new URL(redisUrl).protocol)) throw new Error('not redis');
    } catch {
      problems.push('REDIS_URL must be a redis:// or rediss:// URL.');
    }
  }
  const bodyLimit = integer('NOTIFY_BODY_LIMIT', 65_536, 1024, 10_485_760);
  const shutdownTimeoutMs = integer('NOTIFY_SHUTDOWN_TIMEOUT', 10_000, 0, 600_000);

  const metricsToken = read('NOTIFY_METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) {
    problems.push('NOTIFY_METRICS_TOKEN must be at least 16 characters.');
  }

  const trustProxyValue = read('NOTIFY_TRUST_PROXY');
  let trustProxy: ServerOptions['trustProxy'];
  if (trustProxyValue) {
    if (['true', '1', 'yes', 'on'].includes(trustProxyValue.toLowerCase())) trustProxy = true;
    else if (!['false', '0', 'no', 'off'].includes(trustProxyValue.toLowerCase())) {
      trustProxy = trustProxyValue
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
    }
  }

  const logValue = (read('NOTIFY_LOG') ?? '').toLowerCase();
  let logger: ServerOptions['logger'] = false;
  if (LOG_LEVELS.includes(logValue)) logger = { level: logValue };
  else if (flag('NOTIFY_LOG')) logger = { level: 'info' };
  else if (logValue && !['false', '0', 'no', 'off'].includes(logValue)) {
    problems.push(`NOTIFY_LOG must be true/false or one of ${LOG_LEVELS.join(', ')}.`);
  }

  // Dev sign-in picks users by name: next to real host identities it would let anyone become a host user.
  if (hostIdentity && flag('NOTIFY_DEV_SIGN_IN')) {
    problems.push('NOTIFY_DEV_SIGN_IN cannot be combined with a host identity (NOTIFY_IDENTITY_*).');
  }

  if (problems.length) throw new ConfigError(problems);
  return {
    options: {
      database,
      account,
      publicUrl,
      sessionSecret,
      devSignIn: flag('NOTIFY_DEV_SIGN_IN'),
      tokenTtlSeconds,
      sessionTtlSeconds,
      maxSessionsPerUser,
      ...(twilioDevice && { twilioDevice }),
      ...(sip && { sip }),
      ...(twilioApiBaseUrl && { twilioApiBaseUrl }),
      ...(corsOrigins.length && { corsOrigins }),
      ...(numbers.length && { seed: { numbers } }),
      logger,
      ...(hostIdentity && { hostIdentity }),
      rateLimit: rateLimitOff ? false : { perIpPerMinute, perUserPerMinute },
      ...(redisUrl && { redisUrl }),
      bodyLimit,
      ...(metricsToken && { metricsToken }),
      ...(trustProxy !== undefined && { trustProxy }),
    },
    port,
    host: read('HOST') ?? '127.0.0.1',
    shutdownTimeoutMs,
  };
}
