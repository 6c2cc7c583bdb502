import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { parseTrustProxy } from '../common/http/trust-proxy';
import { keyReloadIntervalMs } from './key-reload-interval';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** `true` and `false` as written; anything else is left for the validator to refuse. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** Connections to MySQL/MariaDB a process keeps at most, unless DATABASE_POOL_SIZE says otherwise: plenty for one event loop. */
export const DEFAULT_DATABASE_POOL_SIZE = 10;

/**
 * Every setting the provider reads from its environment, with its default.
 * Each one is documented in .env.example; a bad value stops start-up.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'], { message: 'must be development, production or test' })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** HTTP port. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number from 1 to 65535' })
  @Min(1, { message: 'must be a whole number from 1 to 65535' })
  @Max(65535, { message: 'must be a whole number from 1 to 65535' })
  PORT = 3000;

  /** Bind address; 0.0.0.0 to listen on every interface. */
  @IsString()
  HOST = '127.0.0.1';

  /**
   * Port of the metrics listener (Prometheus text format at GET /metrics), on HOST, apart from the
   * public port. Unset: no metrics listener.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number from 1 to 65535' })
  @Min(1, { message: 'must be a whole number from 1 to 65535' })
  @Max(65535, { message: 'must be a whole number from 1 to 65535' })
  METRICS_PORT?: number;

  /**
   * Whose X-Forwarded-For/-Proto/-Host count (common/http/trust-proxy.ts): `false`, `loopback`
   * (a proxy on this host), a comma-separated list of addresses and CIDR ranges, or a hop count.
   */
  @ValidateBy({
    name: 'trustProxy',
    validator: {
      validate: (value) => typeof value === 'string' && parseTrustProxy(value) !== undefined,
      defaultMessage: () =>
        'must be false, loopback, a comma-separated list of addresses/CIDRs, or a hop count (1 to 16)',
    },
  })
  TRUST_PROXY = 'loopback';

  /** Seconds a client has to send a whole request, body included; a slower one is answered 408 and cut off. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 300' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 300' })
  @Max(300, { message: 'must be a whole number of seconds from 1 to 300' })
  HTTP_REQUEST_TIMEOUT = 10;

  /** Seconds a client has to send a request's headers; at most HTTP_REQUEST_TIMEOUT. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 300' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 300' })
  @Max(300, { message: 'must be a whole number of seconds from 1 to 300' })
  HTTP_HEADERS_TIMEOUT = 5;

  /** Seconds an idle keep-alive connection stays open for the client's next request. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 300' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 300' })
  @Max(300, { message: 'must be a whole number of seconds from 1 to 300' })
  HTTP_KEEP_ALIVE_TIMEOUT = 5;

  /** Connections each process holds open at most; further ones are closed as they arrive. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number from 1 to 1000000' })
  @Min(1, { message: 'must be a whole number from 1 to 1000000' })
  @Max(1_000_000, { message: 'must be a whole number from 1 to 1000000' })
  HTTP_MAX_CONNECTIONS = 1024;

  /**
   * Threads each process hashes passwords on (scrypt, at sign-in and when a password is set),
   * apart from the threads that sign tokens; sign-ins beyond what they keep up with wait, then
   * are refused with 503.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number from 1 to 16' })
  @Min(1, { message: 'must be a whole number from 1 to 16' })
  @Max(16, { message: 'must be a whole number from 1 to 16' })
  PASSWORD_HASH_THREADS = 1;

  /** The `iss` of everything issued, and the base of every published URL. Set it to the public https URL in production. */
  @IsOptional()
  @Matches(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*[^/?#\s])?$/, {
    message: 'must be an absolute http(s) URL without query, fragment or trailing slash',
  })
  ISSUER?: string;

  /** `sqlite:<path>`, `sqlite::memory:` or `mysql://user:pass@host:port/db`. */
  @Matches(/^(sqlite:.+|mysql:\/\/.+)$/, { message: 'must be sqlite:<path> or mysql://user:pass@host:port/db' })
  DATABASE_URL = 'sqlite:./data/provider.sqlite';

  /**
   * Connections each process keeps open to MySQL/MariaDB at most; with WORKERS=N up to N times as
   * many, which must stay under the server's max_connections (151 by default). SQLite ignores it.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number from 1 to 100' })
  @Min(1, { message: 'must be a whole number from 1 to 100' })
  @Max(100, { message: 'must be a whole number from 1 to 100' })
  DATABASE_POOL_SIZE = DEFAULT_DATABASE_POOL_SIZE;

  /** Signs the session cookie. Required in production; elsewhere generated once and kept under ./data. */
  @IsOptional()
  @MinLength(32, { message: 'must be at least 32 characters' })
  SESSION_SECRET?: string;

  /** Authorization code lifetime in seconds (RFC 6749 §4.1.2 recommends at most ten minutes). */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 600' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 600' })
  @Max(600, { message: 'must be a whole number of seconds from 1 to 600' })
  AUTH_CODE_TTL = 600;

  /** Access token lifetime in seconds. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds, at least 1' })
  @Min(1, { message: 'must be a whole number of seconds, at least 1' })
  ACCESS_TOKEN_TTL = 3600;

  /** Refresh token lifetime in seconds. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds, at least 1' })
  @Min(1, { message: 'must be a whole number of seconds, at least 1' })
  REFRESH_TOKEN_TTL = 2592000;

  /**
   * The longest a grant's refresh tokens last, in seconds from the grant's start, however often
   * they are rotated; then the user must authorize again (RFC 9700 §4.14.2). At least REFRESH_TOKEN_TTL.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds, at least 1' })
  @Min(1, { message: 'must be a whole number of seconds, at least 1' })
  REFRESH_TOKEN_ABSOLUTE_TTL = 7776000;

  /** Seconds between two runs of the retention clean-up on each instance (RetentionService). */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 86400' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 86400' })
  @Max(86400, { message: 'must be a whole number of seconds from 1 to 86400' })
  RETENTION_INTERVAL = 600;

  /**
   * Seconds by which the clocks of the provider's instances may differ: a token whose `iat` lies
   * further in the future is refused, and so is one whose lifetime (`exp` − `iat`) exceeds its
   * kind's by more than this.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds from 0 to 300' })
  @Min(0, { message: 'must be a whole number of seconds from 0 to 300' })
  @Max(300, { message: 'must be a whole number of seconds from 0 to 300' })
  CLOCK_TOLERANCE = 30;

  /** Algorithm of the access token signature: ES256 (fast, small) or RS256 (widest support). */
  @IsIn(['ES256', 'RS256'], { message: 'must be ES256 or RS256' })
  ACCESS_TOKEN_SIGNING_ALG: 'ES256' | 'RS256' = 'ES256';

  /**
   * Seconds between scheduled rollovers of the signing keys (0: none; `keys:rotate` still rotates).
   * When the active keys are this old less KEY_PUBLISH_AHEAD, one instance stages the next keys.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds, 0 for no scheduled rollover' })
  @Min(0, { message: 'must be a whole number of seconds, 0 for no scheduled rollover' })
  KEY_ROTATION_INTERVAL = 0;

  /**
   * Seconds a new signing key is published in the JWKS before anything is signed with it, so that
   * relying parties that cache the JWKS (Cache-Control max-age: at most half of this) hold it in time.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds from 0 to 604800' })
  @Min(0, { message: 'must be a whole number of seconds from 0 to 604800' })
  @Max(604800, { message: 'must be a whole number of seconds from 0 to 604800' })
  KEY_PUBLISH_AHEAD = 3600;

  /** The least severe log lines written: info logs one line per request; silent logs nothing. */
  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /**
   * `redis://[:password@]host:port[/db]` (or `rediss://`): the rate-limit counters that must hold
   * across instances live there. Unset: each process counts in its own memory, which is right for
   * a single instance. While Redis is unreachable each instance counts alone and serves on.
   */
  @IsOptional()
  @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'must be a redis:// or rediss:// URL' })
  RATE_LIMIT_REDIS_URL?: string;

  /** Length in seconds of the window in which the failure budgets below count failures. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 86400' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 86400' })
  @Max(86400, { message: 'must be a whole number of seconds from 1 to 86400' })
  RATE_LIMIT_FAILURE_WINDOW = 3600;

  /** Failed sign-ins one client address may cause per failure window before it is answered 429: stops password spraying. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number, at least 1' })
  @Min(1, { message: 'must be a whole number, at least 1' })
  RATE_LIMIT_LOGIN_FAILURES = 100;

  /** Failed client authentications at the token, revocation and introspection endpoints one address may cause per failure window. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number, at least 1' })
  @Min(1, { message: 'must be a whole number, at least 1' })
  RATE_LIMIT_CLIENT_AUTH_FAILURES = 100;

  /** Length in seconds of the window in which RATE_LIMIT_OAUTH counts requests. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 3600' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 3600' })
  @Max(3600, { message: 'must be a whole number of seconds from 1 to 3600' })
  RATE_LIMIT_WINDOW = 60;

  /** Authenticated requests one client may make per window to the token, revocation and introspection endpoints together. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number, at least 1' })
  @Min(1, { message: 'must be a whole number, at least 1' })
  RATE_LIMIT_OAUTH = 6000;

  /**
   * Failed sign-ins a trusted browser (one holding a device cookie for the username) may make per
   * failure window; past it the browser meets the username's back-off like any other.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number from 1 to 100' })
  @Min(1, { message: 'must be a whole number from 1 to 100' })
  @Max(100, { message: 'must be a whole number from 1 to 100' })
  LOGIN_DEVICE_FAILURES = 10;

  /** Failed sign-ins for one username (known or not) before each further attempt must wait. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number from 1 to 100' })
  @Min(1, { message: 'must be a whole number from 1 to 100' })
  @Max(100, { message: 'must be a whole number from 1 to 100' })
  LOGIN_BACKOFF_AFTER = 5;

  /** The first wait in seconds; each further back-off of the same username doubles it. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 3600' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 3600' })
  @Max(3600, { message: 'must be a whole number of seconds from 1 to 3600' })
  LOGIN_BACKOFF_DELAY = 30;

  /** The longest wait in seconds. Capped at an hour: the back-off slows guessing and must never become a lockout. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 3600' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 3600' })
  @Max(3600, { message: 'must be a whole number of seconds from 1 to 3600' })
  LOGIN_BACKOFF_MAX_DELAY = 300;

  /**
   * RFC 7591 dynamic client registration at /oauth/register (and RFC 7592 management of what it
   * registered): `off` answers 404 there; `open` lets anyone register a client; `token` asks for an
   * initial access token made by an administrator (CLI registration-token:create).
   */
  @IsIn(['off', 'open', 'token'], { message: 'must be off, open or token' })
  DYNAMIC_REGISTRATION: 'off' | 'open' | 'token' = 'off';

  /** Client registrations one client address may ask for per hour at /oauth/register. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number, at least 1' })
  @Min(1, { message: 'must be a whole number, at least 1' })
  RATE_LIMIT_REGISTRATIONS = 20;

  /**
   * `on`: a client_id that is an https URL names a Client ID Metadata Document, fetched from it, so
   * that a client unknown to the provider may use the authorization code flow as a public client
   * (draft-ietf-oauth-client-id-metadata-document). `off`: only registered clients.
   */
  @IsIn(['off', 'on'], { message: 'must be off or on' })
  CLIENT_ID_METADATA_DOCUMENTS: 'off' | 'on' = 'off';

  /**
   * `true` lets metadata documents come from loopback addresses, and over plain http from
   * 127.0.0.1, [::1] and localhost only: for development and tests, refused with NODE_ENV=production.
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  CLIENT_ID_METADATA_ALLOW_LOOPBACK = false;

  /** Milliseconds a metadata document's fetch may take in all, connection included; a slower one is refused. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds from 100 to 30000' })
  @Min(100, { message: 'must be a whole number of milliseconds from 100 to 30000' })
  @Max(30000, { message: 'must be a whole number of milliseconds from 100 to 30000' })
  CLIENT_ID_METADATA_TIMEOUT_MS = 5000;

  /** Node processes serving the port (node:cluster, src/cluster.ts): 1 serves from this process; more fork workers. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number from 1 to 64' })
  @Min(1, { message: 'must be a whole number from 1 to 64' })
  @Max(64, { message: 'must be a whole number from 1 to 64' })
  WORKERS = 1;
}

export type ProviderEnvironment = Environment & { ISSUER: string };

/**
 * Validates the environment for @nestjs/config. Throws one line naming each
 * bad variable and what is wrong with it, so that start-up stops clearly.
 */
export function validateEnvironment(raw: Record<string, unknown>): ProviderEnvironment {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(Environment, defined, { exposeDefaultValues: true });
  const problems = validateSync(env, { skipMissingProperties: false }).map(
    (e) => `${e.property}: ${Object.values(e.constraints ?? {})[0]}`,
  );
  // The pattern above lets through strings no URL parser accepts, such as a port that is not a number.
  if (env.ISSUER && !problems.some((p) => p.startsWith('ISSUER:')) && !URL.canParse(env.ISSUER)) {
    problems.push('ISSUER: is not a valid URL');
  }
  if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
    problems.push('SESSION_SECRET: is required when NODE_ENV=production');
  }
  if (env.NODE_ENV === 'production' && env.CLIENT_ID_METADATA_ALLOW_LOOPBACK === true) {
    problems.push('CLIENT_ID_METADATA_ALLOW_LOOPBACK: must not be true when NODE_ENV=production');
  }
  if (!problems.some((p) => /^(METRICS_)?PORT:/.test(p)) && env.METRICS_PORT === env.PORT) {
    problems.push('METRICS_PORT: must differ from PORT (metrics are never served on the public port)');
  }
  if (!problems.some((p) => p.startsWith('HTTP_')) && env.HTTP_HEADERS_TIMEOUT > env.HTTP_REQUEST_TIMEOUT) {
    problems.push('HTTP_HEADERS_TIMEOUT: must be at most HTTP_REQUEST_TIMEOUT');
  }
  if (!problems.some((p) => p.startsWith('LOGIN_BACKOFF_')) && env.LOGIN_BACKOFF_MAX_DELAY < env.LOGIN_BACKOFF_DELAY) {
    problems.push('LOGIN_BACKOFF_MAX_DELAY: must be at least LOGIN_BACKOFF_DELAY');
  }
  if (!problems.some((p) => p.startsWith('REFRESH_TOKEN_')) && env.REFRESH_TOKEN_ABSOLUTE_TTL < env.REFRESH_TOKEN_TTL) {
    problems.push('REFRESH_TOKEN_ABSOLUTE_TTL: must be at least REFRESH_TOKEN_TTL');
  }
  if (!problems.some((p) => p.startsWith('KEY_')) && env.KEY_ROTATION_INTERVAL > 0 && env.KEY_PUBLISH_AHEAD > 0) {
    // The next keys are staged this long before they sign; a shorter interval would push each rollover back.
    const staged = env.KEY_PUBLISH_AHEAD + (2 * keyReloadIntervalMs(env.KEY_PUBLISH_AHEAD)) / 1000;
    if (env.KEY_ROTATION_INTERVAL < staged) {
      problems.push(
        `KEY_ROTATION_INTERVAL: must be at least ${staged} s, KEY_PUBLISH_AHEAD and two reloads of the keys, the time a new key is staged before it signs`,
      );
    }
  }
  // Joined on one line: the operator sees every problem at once, and logs keep it together.
  if (problems.length > 0) throw new ConfigurationError(problems.join('; '));
  env.ISSUER ??= `http://localhost:${env.PORT}`;
  return env as ProviderEnvironment;
}

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}
