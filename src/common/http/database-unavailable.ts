import { ConnectionIsNotSetError } from 'typeorm';

/** The code of the error our MySQL driver gives a request that waited too long for a pooled connection (mysql-driver.ts). */
export const POOL_ACQUIRE_TIMEOUT = 'POOL_ACQUIRE_TIMEOUT';

/**
 * mysql2's codes for a database that cannot serve the request now but may in a moment:
 * the network or the server went away, the server refuses more connections or is
 * going down, or the request lost a lock race it can win on a retry.
 */
const MYSQL_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  // A Galera node outside the cluster's primary component, or still joining it.
  'ER_UNKNOWN_COM_ERROR',
  // A server in read-only mode, as a primary is during a failover.
  'ER_OPTION_PREVENTS_STATEMENT',
  'ER_READ_ONLY_MODE',
  POOL_ACQUIRE_TIMEOUT,
]);

/** MariaDB's ER_CONNECTION_KILLED (the server ended the connection), by number: mysql2 knows MySQL's names only. */
export const MARIADB_CONNECTION_KILLED = 1927;

/**
 * better-sqlite3's: another process holds the lock beyond the busy timeout, the file
 * cannot be read, written or opened, or the disk is full. Extended codes
 * (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE...) start with these.
 */
const SQLITE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_FULL'];

/**
 * mysql2's error, without a code, for a statement sent on a pooled connection that the server (or a
 * load balancer in front of it) has closed meanwhile: the connection is gone, not the database.
 */
export const MYSQL_CONNECTION_CLOSED = "Can't add new command when connection is in closed state";

/** What better-sqlite3, mysql2 and TypeORM say when asked to work on a database that has been closed. */
const CLOSED_MESSAGES = [
  'The database connection is not open',
  'Pool is closed.',
  'Connection is not established with mysql database',
  MYSQL_CONNECTION_CLOSED,
];

type DriverError = Error & { code?: unknown; errno?: unknown; driverError?: unknown; cause?: unknown };

function unavailable(error: DriverError): boolean {
  if (error instanceof ConnectionIsNotSetError || CLOSED_MESSAGES.includes(error.message)) return true;
  const code = typeof error.code === 'string' ? error.code : '';
  if (error.errno === MARIADB_CONNECTION_KILLED) return true;
  return MYSQL_CODES.has(code) || SQLITE_CODES.some((prefix) => code.startsWith(prefix));
}

/**
 * If the error means the database is unreachable or too busy right now, why (the
 * driver's code and message, for the log: never a query); otherwise undefined.
 * TypeORM wraps a failed query's driver error in `driverError`; a failed connection
 * comes from the driver unwrapped.
 */
export function databaseUnavailableReason(error: unknown): string | undefined {
  // Not `instanceof Error`: the errors of Node's own sockets may come from another realm (a test VM).
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 4; depth++) {
    const candidate = current as DriverError;
    if (unavailable(candidate)) {
      const code = typeof candidate.code === 'string' ? `${candidate.code}: ` : '';
      return `${code}${candidate.message}`;
    }
    current = candidate.driverError ?? candidate.cause;
  }
  return undefined;
}
