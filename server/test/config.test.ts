import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.js';

const hex = '0123456789abcdef0123456789abcdef';
const valid = {
  TWILIO_ACCOUNT_SID: `AC${hex}`,
  TWILIO_AUTH_TOKEN: 'auth-token',
  TWILIO_API_KEY: `SK${hex}`,
  TWILIO_API_SECRET: 'api-secret',
  TWILIO_TWIML_APP_SID: `AP${hex}`,
  NOTIFY_PUBLIC_URL: 'https://127.0.0.1:8443/api',
  NOTIFY_SESSION_SECRET: 'x'.repeat(32),
};

describe('loadConfig', () => {
  it('reads a complete environment with defaults', () => {
    const { options, port, host } = loadConfig({
      ...valid,
      NOTIFY_DEV_SIGN_IN: 'true',
      TWILIO_API_BASE_URL: 'https://127.0.0.1:8443',
      NOTIFY_TWILIO_DEVICE: '{"chunderw":"127.0.0.1:8443"}',
      NOTIFY_SEED_NUMBERS: '+15005550006:TWILIO_DIRECT:demo, +15005550009::other',
    });
    assert.equal(port, 3000);
    assert.equal(host, '127.0.0.1');
    assert.equal(options.database, 'notify.db');
    assert.equal(options.devSignIn, true);
    assert.equal(options.tokenTtlSeconds, 3600);
    assert.equal(options.account.apiKeySid, `SK${hex}`);
    assert.deepEqual(options.twilioDevice, { chunderw: '127.0.0.1:8443' });
    assert.deepEqual(options.seed?.numbers, [
      { number: '+15005550006', vendor: 'TWILIO_DIRECT', group: 'demo' },
      { number: '+15005550009', vendor: null, group: 'other' },
    ]);
    assert.equal(loadConfig(valid).options.devSignIn, false);
    assert.equal(options.maxSessionsPerUser, 5);
    assert.equal(options.redisUrl, undefined);
  });

  it('reads the session cap and the Redis URL of shared rate limits, and refuses bad ones', () => {
    const { options } = loadConfig({
      ...valid,
      NOTIFY_MAX_SESSIONS_PER_USER: '2',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
    });
    assert.equal(options.maxSessionsPerUser, 2);
    assert.equal(options.redisUrl, 'redis://127.0.0.1:6379/0');
    assert.throws(
      () => loadConfig({ ...valid, NOTIFY_MAX_SESSIONS_PER_USER: '0', REDIS_URL: 'http://127.0.0.1:6379' }),
      (e: ConfigError) =>
        e.problems.length === 2 &&
        /NOTIFY_MAX_SESSIONS_PER_USER must be an integer from 1 to 100/.test(e.message) &&
        /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/.test(e.message),
    );
  });

  it('refuses development sign-in next to a host identity (it would let anyone become a host user)', () => {
    const identity = {
      NOTIFY_IDENTITY_SECRET: 's'.repeat(32),
      NOTIFY_IDENTITY_ISSUER: 'https://idp.example',
      NOTIFY_IDENTITY_AUDIENCE: 'notify',
    };
    assert.ok(loadConfig({ ...valid, ...identity }).options.hostIdentity);
    assert.throws(
      () => loadConfig({ ...valid, ...identity, NOTIFY_DEV_SIGN_IN: 'true' }),
      (e: ConfigError) => /NOTIFY_DEV_SIGN_IN cannot be combined/.test(e.message),
    );
  });

  it('reads the host token maximum age and clock skew, 24 h and 30 s by default, and refuses bad values', () => {
    const identity = {
      NOTIFY_IDENTITY_SECRET: 's'.repeat(32),
      NOTIFY_IDENTITY_ISSUER: 'https://idp.example',
      NOTIFY_IDENTITY_AUDIENCE: 'notify',
    };
    const defaults = loadConfig({ ...valid, ...identity }).options.hostIdentity;
    assert.equal(defaults?.maxTokenAgeSeconds, 86_400);
    assert.equal(defaults?.clockToleranceSeconds, 30);
    const set = loadConfig({
      ...valid,
      ...identity,
      NOTIFY_IDENTITY_MAX_TOKEN_AGE: '3600',
      NOTIFY_IDENTITY_CLOCK_SKEW: '5',
    }).options.hostIdentity;
    assert.equal(set?.maxTokenAgeSeconds, 3600);
    assert.equal(set?.clockToleranceSeconds, 5);
    assert.throws(
      () =>
        loadConfig({
          ...valid,
          ...identity,
          NOTIFY_IDENTITY_MAX_TOKEN_AGE: '999999999',
          NOTIFY_IDENTITY_CLOCK_SKEW: '-1',
        }),
      (e: ConfigError) =>
        /NOTIFY_IDENTITY_MAX_TOKEN_AGE must be/.test(e.message) &&
        /NOTIFY_IDENTITY_CLOCK_SKEW must be/.test(e.message),
    );
  });

  it('reads NOTIFY_METRICS_TOKEN; without it /metrics is off; a short one is refused', () => {
    const token = 'a-metrics-token-of-32-characters';
    assert.equal(loadConfig({ ...valid, NOTIFY_METRICS_TOKEN: token }).options.metricsToken, token);
    assert.equal(loadConfig(valid).options.metricsToken, undefined);
    assert.throws(
      () => loadConfig({ ...valid, NOTIFY_METRICS_TOKEN: 'short' }),
      (error: unknown) =>
        error instanceof ConfigError && error.problems.some((p) => p.startsWith('NOTIFY_METRICS_TOKEN')),
    );
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({
        ...valid,
        TWILIO_API_KEY: 'nope',
        NOTIFY_SESSION_SECRET: 'short',
        PORT: 'x',
        NOTIFY_DB: '',
      });
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 3, error.message);
      assert.match(error.message, /TWILIO_API_KEY must be SK/);
      assert.match(error.message, /NOTIFY_SESSION_SECRET must be at least 32/);
      assert.match(error.message, /PORT must be an integer/);
    }
    assert.throws(
      () => loadConfig({}),
      (e: ConfigError) => e.problems.length === 7,
    );
  });
});
