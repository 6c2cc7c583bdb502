import * as mysql2 from 'mysql2';
import { POOL_ACQUIRE_TIMEOUT } from '../common/http/database-unavailable';

type GetConnection = mysql2.Pool['getConnection'];

/**
 * Causal reads on a Galera cluster: a read, or a transaction's start, waits until this node has
 * applied every write the cluster committed before it began, so that a code issued through one node
 * is found by a redemption through another at once. Without it a node answers from what it has
 * applied so far, a few milliseconds behind. A server outside a cluster ignores it; one without the
 * variable (MySQL) refuses it, and that is all right.
 */
const CAUSAL_READS = 'SET SESSION wsrep_sync_wait = 1';

/**
 * mysql2 with causal reads on a Galera cluster (above), and a bound on how long a query waits for a
 * pooled connection.
 *
 * mysql2's pool has none: with the database unreachable, every connection
 * attempt waits out the connect timeout, requests beyond the pool's size queue
 * behind them, and each then makes its own attempt, so a request could wait
 * many connect timeouts. With this bound it fails after `acquireTimeoutMs`
 * (and is answered 503); a connection that arrives after that goes back to the pool.
 * Passed to TypeORM as its `driver`.
 */
export function mysqlDriver(acquireTimeoutMs: number): typeof mysql2 {
  const createPool = (config: mysql2.PoolOptions): mysql2.Pool => {
    const pool = mysql2.createPool(config);
    // Queued on a new connection before the query it was made for.
    pool.on('connection', (connection) => connection.query(CAUSAL_READS, () => undefined));
    const getConnection = pool.getConnection.bind(pool);
    pool.getConnection = ((callback: Parameters<GetConnection>[0]) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        const error = Object.assign(new Error(`no database connection within ${acquireTimeoutMs} ms`), {
          code: POOL_ACQUIRE_TIMEOUT,
        });
        callback(error as mysql2.QueryError, undefined as never);
      }, acquireTimeoutMs);
      getConnection((error, connection) => {
        clearTimeout(timer);
        if (!timedOut) return callback(error, connection);
        connection?.release();
      });
    }) as GetConnection;
    return pool;
  };
  // Everything else comes from mysql2 itself; TypeORM takes a driver without own enumerable properties for a failed require.
  return Object.create(mysql2, { createPool: { value: createPool, enumerable: true } }) as typeof mysql2;
}
