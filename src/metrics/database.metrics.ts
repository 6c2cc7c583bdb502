import { Injectable, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { ProviderMetrics } from './provider-metrics';

/** What mysql2's pool keeps (lib/base/pool.js); not typed by mysql2, read only to be counted. */
interface Mysql2Pool {
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
}

/**
 * The database as seen from this process: every query the database refused (TypeORM reports each
 * failed query to its logger) and, on MySQL/MariaDB, mysql2's connection pool. SQLite has no pool
 * (one connection, queries run in turn on the event loop), so its pool is not reported.
 */
@Injectable()
export class DatabaseMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: ProviderMetrics,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    const registers = [this.metrics.registry];
    const errors = new Counter({
      name: 'provider_db_query_errors_total',
      help: 'Queries that failed (refused by the database, or no connection)',
      registers,
    });
    const logger = this.dataSource.logger;
    const logQueryError = logger.logQueryError.bind(logger);
    logger.logQueryError = (...args) => {
      errors.inc();
      return logQueryError(...args);
    };
    if (this.dataSource.options.type !== 'mysql') return;
    const pool = () => (this.dataSource.driver as unknown as { pool?: Mysql2Pool }).pool;
    new Gauge({
      name: 'provider_db_pool_connections_in_use',
      help: 'Pooled database connections running a query or transaction now',
      registers,
      collect() {
        const p = pool();
        if (p) this.set(p._allConnections.length - p._freeConnections.length);
      },
    });
    new Gauge({
      name: 'provider_db_pool_requests_waiting',
      help: 'Queries waiting for a pooled database connection now',
      registers,
      collect() {
        const p = pool();
        if (p) this.set(p._connectionQueue.length);
      },
    });
  }
}
