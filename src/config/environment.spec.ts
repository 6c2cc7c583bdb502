import { ConfigurationError, validateEnvironment } from './environment';

const SECRET = 'a-session-secret-of-32-characters!';

/** The message validateEnvironment stops start-up with, or null when it accepts the environment. */
function problemWith(raw: Record<string, string | undefined>): string | null {
  try {
    validateEnvironment(raw);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
}

describe('validateEnvironment', () => {
  it('gives every setting its documented default', () => {
    expect(validateEnvironment({})).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '127.0.0.1',
      ISSUER: 'http://localhost:3000',
      DATABASE_URL: 'sqlite:./data/provider.sqlite',
      DATABASE_POOL_SIZE: 10,
      AUTH_CODE_TTL: 600,
      ACCESS_TOKEN_TTL: 3600,
      REFRESH_TOKEN_TTL: 2592000,
      ACCESS_TOKEN_SIGNING_ALG: 'ES256',
      CLOCK_TOLERANCE: 30,
      RETENTION_INTERVAL: 600,
      RATE_LIMIT_FAILURE_WINDOW: 3600,
      RATE_LIMIT_LOGIN_FAILURES: 100,
      RATE_LIMIT_CLIENT_AUTH_FAILURES: 100,
      RATE_LIMIT_WINDOW: 60,
      RATE_LIMIT_OAUTH: 6000,
      LOGIN_DEVICE_FAILURES: 10,
      LOGIN_BACKOFF_AFTER: 5,
      LOGIN_BACKOFF_DELAY: 30,
      LOGIN_BACKOFF_MAX_DELAY: 300,
      TRUST_PROXY: 'loopback',
      HTTP_REQUEST_TIMEOUT: 10,
      HTTP_HEADERS_TIMEOUT: 5,
      HTTP_KEEP_ALIVE_TIMEOUT: 5,
      HTTP_MAX_CONNECTIONS: 1024,
      PASSWORD_HASH_THREADS: 1,
      CLIENT_ID_METADATA_DOCUMENTS: 'off',
      CLIENT_ID_METADATA_ALLOW_LOOPBACK: false,
      CLIENT_ID_METADATA_TIMEOUT_MS: 5000,
    });
    expect(validateEnvironment({}).SESSION_SECRET).toBeUndefined();
    expect(validateEnvironment({}).METRICS_PORT).toBeUndefined();
  });

  it('defaults ISSUER to http://localhost:$PORT', () => {
    expect(validateEnvironment({ PORT: '8080' }).ISSUER).toBe('http://localhost:8080');
  });

  it('keeps an ISSUER that is set, with a path', () => {
    expect(validateEnvironment({ ISSUER: 'https://id.example.com/tenant' }).ISSUER).toBe(
      'https://id.example.com/tenant',
    );
  });

  it('reads numbers from their strings', () => {
    expect(
      validateEnvironment({ PORT: '1', AUTH_CODE_TTL: '1', ACCESS_TOKEN_TTL: '60', REFRESH_TOKEN_TTL: '86400' }),
    ).toMatchObject({
      PORT: 1,
      AUTH_CODE_TTL: 1,
      ACCESS_TOKEN_TTL: 60,
      REFRESH_TOKEN_TTL: 86400,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(validateEnvironment({ PORT: '', ISSUER: '', SESSION_SECRET: '' })).toMatchObject({
      PORT: 3000,
      ISSUER: 'http://localhost:3000',
    });
  });

  it('accepts the other documented values', () => {
    expect(
      validateEnvironment({
        NODE_ENV: 'production',
        SESSION_SECRET: SECRET,
        PORT: '65535',
        HOST: '0.0.0.0',
        DATABASE_URL: 'mysql://user:pass@db:3306/provider',
        ACCESS_TOKEN_SIGNING_ALG: 'RS256',
      }),
    ).toMatchObject({ NODE_ENV: 'production', PORT: 65535, HOST: '0.0.0.0', ACCESS_TOKEN_SIGNING_ALG: 'RS256' });
    expect(validateEnvironment({ DATABASE_URL: 'sqlite::memory:' }).DATABASE_URL).toBe('sqlite::memory:');
    expect(validateEnvironment({ CLOCK_TOLERANCE: '0' }).CLOCK_TOLERANCE).toBe(0);
    expect(validateEnvironment({ METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
    expect(
      validateEnvironment({
        CLIENT_ID_METADATA_DOCUMENTS: 'on',
        CLIENT_ID_METADATA_ALLOW_LOOPBACK: 'true',
        CLIENT_ID_METADATA_TIMEOUT_MS: '100',
      }),
    ).toMatchObject({
      CLIENT_ID_METADATA_DOCUMENTS: 'on',
      CLIENT_ID_METADATA_ALLOW_LOOPBACK: true,
      CLIENT_ID_METADATA_TIMEOUT_MS: 100,
    });
    expect(validateEnvironment({ CLIENT_ID_METADATA_ALLOW_LOOPBACK: 'false' }).CLIENT_ID_METADATA_ALLOW_LOOPBACK).toBe(
      false,
    );
  });

  it.each(['false', 'loopback', '2', '10.0.0.5', '10.0.0.0/8, loopback', '2001:db8::/32,::1'])(
    'accepts TRUST_PROXY=%s',
    (value) => {
      expect(validateEnvironment({ TRUST_PROXY: value }).TRUST_PROXY).toBe(value);
    },
  );

  it('ignores variables it does not know', () => {
    expect(problemWith({ PATH: '/usr/bin', SOMETHING_ELSE: 'x' })).toBeNull();
  });

  it.each([
    [{ CLIENT_ID_METADATA_DOCUMENTS: 'yes' }, 'CLIENT_ID_METADATA_DOCUMENTS: must be off or on'],
    [{ CLIENT_ID_METADATA_ALLOW_LOOPBACK: '1' }, 'CLIENT_ID_METADATA_ALLOW_LOOPBACK: must be true or false'],
    [
      { CLIENT_ID_METADATA_ALLOW_LOOPBACK: 'true', NODE_ENV: 'production', SESSION_SECRET: SECRET },
      'CLIENT_ID_METADATA_ALLOW_LOOPBACK: must not be true when NODE_ENV=production',
    ],
    [
      { CLIENT_ID_METADATA_TIMEOUT_MS: '99' },
      'CLIENT_ID_METADATA_TIMEOUT_MS: must be a whole number of milliseconds from 100 to 30000',
    ],
    [
      { CLIENT_ID_METADATA_TIMEOUT_MS: '5s' },
      'CLIENT_ID_METADATA_TIMEOUT_MS: must be a whole number of milliseconds from 100 to 30000',
    ],
    [{ PORT: 'abc' }, 'PORT: must be a whole number from 1 to 65535'],
    [{ PORT: '0' }, 'PORT: must be a whole number from 1 to 65535'],
    [{ PORT: '70000' }, 'PORT: must be a whole number from 1 to 65535'],
    [{ PORT: '80.5' }, 'PORT: must be a whole number from 1 to 65535'],
    [{ PORT: '-1' }, 'PORT: must be a whole number from 1 to 65535'],
    [{ PORT: ' 3000' }, 'PORT: must be a whole number from 1 to 65535'],
    [{ METRICS_PORT: '0' }, 'METRICS_PORT: must be a whole number from 1 to 65535'],
    [{ METRICS_PORT: '65536' }, 'METRICS_PORT: must be a whole number from 1 to 65535'],
    [{ METRICS_PORT: 'on' }, 'METRICS_PORT: must be a whole number from 1 to 65535'],
    [
      { PORT: '9100', METRICS_PORT: '9100' },
      'METRICS_PORT: must differ from PORT (metrics are never served on the public port)',
    ],
    [{ METRICS_PORT: '3000' }, 'METRICS_PORT: must differ from PORT (metrics are never served on the public port)'],
    [{ AUTH_CODE_TTL: '0' }, 'AUTH_CODE_TTL: must be a whole number of seconds from 1 to 600'],
    [{ AUTH_CODE_TTL: '601' }, 'AUTH_CODE_TTL: must be a whole number of seconds from 1 to 600'],
    [{ AUTH_CODE_TTL: '10m' }, 'AUTH_CODE_TTL: must be a whole number of seconds from 1 to 600'],
    [{ ACCESS_TOKEN_TTL: '0' }, 'ACCESS_TOKEN_TTL: must be a whole number of seconds, at least 1'],
    [{ REFRESH_TOKEN_TTL: 'forever' }, 'REFRESH_TOKEN_TTL: must be a whole number of seconds, at least 1'],
    [{ ISSUER: 'http://x/' }, 'ISSUER: must be an absolute http(s) URL without query, fragment or trailing slash'],
    [
      { ISSUER: 'https://id.example.com/tenant/' },
      'ISSUER: must be an absolute http(s) URL without query, fragment or trailing slash',
    ],
    [
      { ISSUER: 'https://id.example.com?x=1' },
      'ISSUER: must be an absolute http(s) URL without query, fragment or trailing slash',
    ],
    [
      { ISSUER: 'https://id.example.com#x' },
      'ISSUER: must be an absolute http(s) URL without query, fragment or trailing slash',
    ],
    [{ ISSUER: 'id.example.com' }, 'ISSUER: must be an absolute http(s) URL without query, fragment or trailing slash'],
    [
      { ISSUER: 'ftp://id.example.com' },
      'ISSUER: must be an absolute http(s) URL without query, fragment or trailing slash',
    ],
    [{ ISSUER: 'http://x:abc' }, 'ISSUER: is not a valid URL'],
    [{ DATABASE_URL: 'postgres://x' }, 'DATABASE_URL: must be sqlite:<path> or mysql://user:pass@host:port/db'],
    [{ DATABASE_URL: 'sqlite:' }, 'DATABASE_URL: must be sqlite:<path> or mysql://user:pass@host:port/db'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE: must be a whole number from 1 to 100'],
    [{ DATABASE_POOL_SIZE: 'many' }, 'DATABASE_POOL_SIZE: must be a whole number from 1 to 100'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV: must be development, production or test'],
    [{ NODE_ENV: 'production' }, 'SESSION_SECRET: is required when NODE_ENV=production'],
    [{ SESSION_SECRET: 'x'.repeat(31) }, 'SESSION_SECRET: must be at least 32 characters'],
    [{ ACCESS_TOKEN_SIGNING_ALG: 'HS256' }, 'ACCESS_TOKEN_SIGNING_ALG: must be ES256 or RS256'],
    // Five minutes at most: more would let a token outlive its lifetime, or be dated ahead, by that much.
    [{ CLOCK_TOLERANCE: '301' }, 'CLOCK_TOLERANCE: must be a whole number of seconds from 0 to 300'],
    [{ CLOCK_TOLERANCE: '-1' }, 'CLOCK_TOLERANCE: must be a whole number of seconds from 0 to 300'],
    [{ RETENTION_INTERVAL: '0' }, 'RETENTION_INTERVAL: must be a whole number of seconds from 1 to 86400'],
    [{ RETENTION_INTERVAL: '86401' }, 'RETENTION_INTERVAL: must be a whole number of seconds from 1 to 86400'],
    [{ RATE_LIMIT_WINDOW: '0' }, 'RATE_LIMIT_WINDOW: must be a whole number of seconds from 1 to 3600'],
    [{ RATE_LIMIT_LOGIN_FAILURES: '0' }, 'RATE_LIMIT_LOGIN_FAILURES: must be a whole number, at least 1'],
    [
      { RATE_LIMIT_FAILURE_WINDOW: '86401' },
      'RATE_LIMIT_FAILURE_WINDOW: must be a whole number of seconds from 1 to 86400',
    ],
    [{ RATE_LIMIT_REDIS_URL: 'localhost:6379' }, 'RATE_LIMIT_REDIS_URL: must be a redis:// or rediss:// URL'],
    [{ LOGIN_DEVICE_FAILURES: '0' }, 'LOGIN_DEVICE_FAILURES: must be a whole number from 1 to 100'],
    [{ RATE_LIMIT_OAUTH: 'unlimited' }, 'RATE_LIMIT_OAUTH: must be a whole number, at least 1'],
    [{ LOGIN_BACKOFF_AFTER: '0' }, 'LOGIN_BACKOFF_AFTER: must be a whole number from 1 to 100'],
    [{ LOGIN_BACKOFF_DELAY: '0' }, 'LOGIN_BACKOFF_DELAY: must be a whole number of seconds from 1 to 3600'],
    // An hour at most: a back-off that can last for days is a lockout.
    [{ LOGIN_BACKOFF_MAX_DELAY: '3601' }, 'LOGIN_BACKOFF_MAX_DELAY: must be a whole number of seconds from 1 to 3600'],
    [
      { LOGIN_BACKOFF_DELAY: '60', LOGIN_BACKOFF_MAX_DELAY: '30' },
      'LOGIN_BACKOFF_MAX_DELAY: must be at least LOGIN_BACKOFF_DELAY',
    ],
    [
      { TRUST_PROXY: 'true' },
      'TRUST_PROXY: must be false, loopback, a comma-separated list of addresses/CIDRs, or a hop count (1 to 16)',
    ],
    [
      { TRUST_PROXY: '0' },
      'TRUST_PROXY: must be false, loopback, a comma-separated list of addresses/CIDRs, or a hop count (1 to 16)',
    ],
    [
      { TRUST_PROXY: '10.0.0.0/33' },
      'TRUST_PROXY: must be false, loopback, a comma-separated list of addresses/CIDRs, or a hop count (1 to 16)',
    ],
    [
      { TRUST_PROXY: 'proxy.example' },
      'TRUST_PROXY: must be false, loopback, a comma-separated list of addresses/CIDRs, or a hop count (1 to 16)',
    ],
    [
      { TRUST_PROXY: '10.0.0.5,' },
      'TRUST_PROXY: must be false, loopback, a comma-separated list of addresses/CIDRs, or a hop count (1 to 16)',
    ],
    [{ HTTP_REQUEST_TIMEOUT: '0' }, 'HTTP_REQUEST_TIMEOUT: must be a whole number of seconds from 1 to 300'],
    [{ HTTP_KEEP_ALIVE_TIMEOUT: '5s' }, 'HTTP_KEEP_ALIVE_TIMEOUT: must be a whole number of seconds from 1 to 300'],
    [{ PASSWORD_HASH_THREADS: '0' }, 'PASSWORD_HASH_THREADS: must be a whole number from 1 to 16'],
    [{ HTTP_MAX_CONNECTIONS: '0' }, 'HTTP_MAX_CONNECTIONS: must be a whole number from 1 to 1000000'],
    [
      { HTTP_REQUEST_TIMEOUT: '5', HTTP_HEADERS_TIMEOUT: '6' },
      'HTTP_HEADERS_TIMEOUT: must be at most HTTP_REQUEST_TIMEOUT',
    ],
  ])('refuses %j with %p', (raw, message) => {
    expect(problemWith(raw)).toBe(message);
  });

  it('names every bad variable, on one line', () => {
    expect(problemWith({ PORT: 'abc', AUTH_CODE_TTL: '0', NODE_ENV: 'production' })).toBe(
      'PORT: must be a whole number from 1 to 65535; AUTH_CODE_TTL: must be a whole number of seconds from 1 to 600; SESSION_SECRET: is required when NODE_ENV=production',
    );
  });

  it('takes a key rollover schedule whose interval leaves time to publish each new key first', () => {
    expect(validateEnvironment({})).toMatchObject({ KEY_ROTATION_INTERVAL: 0, KEY_PUBLISH_AHEAD: 3600 });
    expect(validateEnvironment({ KEY_ROTATION_INTERVAL: '7776000', KEY_PUBLISH_AHEAD: '86400' })).toMatchObject({
      KEY_ROTATION_INTERVAL: 7776000,
      KEY_PUBLISH_AHEAD: 86400,
    });
    expect(problemWith({ KEY_ROTATION_INTERVAL: '3609' })).toBe(
      'KEY_ROTATION_INTERVAL: must be at least 3610 s, KEY_PUBLISH_AHEAD and two reloads of the keys, the time a new key is staged before it signs',
    );
    expect(validateEnvironment({ KEY_ROTATION_INTERVAL: '3610' })).toMatchObject({ KEY_ROTATION_INTERVAL: 3610 });
    // A short publish-ahead reloads four times within it: 8 s and two reloads of 2 s.
    expect(problemWith({ KEY_ROTATION_INTERVAL: '11', KEY_PUBLISH_AHEAD: '8' })).toMatch(
      /^KEY_ROTATION_INTERVAL: must be at least 12 s,/,
    );
    expect(validateEnvironment({ KEY_ROTATION_INTERVAL: '12', KEY_PUBLISH_AHEAD: '8' })).toMatchObject({
      KEY_ROTATION_INTERVAL: 12,
    });
    // Nothing published ahead: the keys switch at the deadline, whatever the interval.
    expect(validateEnvironment({ KEY_ROTATION_INTERVAL: '1', KEY_PUBLISH_AHEAD: '0' })).toMatchObject({
      KEY_ROTATION_INTERVAL: 1,
    });
    expect(problemWith({ KEY_ROTATION_INTERVAL: '-1' })).toBe(
      'KEY_ROTATION_INTERVAL: must be a whole number of seconds, 0 for no scheduled rollover',
    );
    expect(problemWith({ KEY_PUBLISH_AHEAD: '1.5' })).toBe(
      'KEY_PUBLISH_AHEAD: must be a whole number of seconds from 0 to 604800',
    );
  });
});
