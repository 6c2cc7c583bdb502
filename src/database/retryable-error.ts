import { MARIADB_CONNECTION_KILLED, MYSQL_CONNECTION_CLOSED } from '../common/http/database-unavailable';

/**
 * MySQL's and MariaDB's answers after which a transaction may simply run again, from the start,
 * on a fresh connection:
 * - a deadlock (1213), which on a Galera cluster is also how a node refuses a COMMIT that conflicts
 *   with a transaction another node committed first (a certification conflict), and how it aborts a
 *   local transaction that a replicated one overrides;
 * - the node is not (yet) part of the cluster's primary component (1047), is going down (1053), or
 *   ended the connection or the statement (1317, and MariaDB's 1927, which mysql2 names not);
 * - the connection broke: the server, or a load balancer in front of it, went away mid-way, or
 *   had closed it before the statement was sent.
 * Not a timeout: its wait is spent already, and another would only make the request wait twice.
 */
const RETRYABLE_CODES = new Set([
  'ER_LOCK_DEADLOCK',
  'ER_UNKNOWN_COM_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
]);

type DriverError = { code?: unknown; errno?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };

/**
 * The driver's code if the error means the transaction can run again (see above); otherwise
 * undefined. TypeORM wraps a failed query's driver error in `driverError`.
 */
export function retryableCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 4; depth++) {
    const { code, errno, message, driverError, cause } = current as DriverError;
    if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return code;
    if (errno === MARIADB_CONNECTION_KILLED) return 'ER_CONNECTION_KILLED';
    if (message === MYSQL_CONNECTION_CLOSED) return 'CONNECTION_CLOSED';
    current = driverError ?? cause;
  }
  return undefined;
}
