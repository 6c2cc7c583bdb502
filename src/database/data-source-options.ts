import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { DEFAULT_DATABASE_POOL_SIZE } from '../config/environment';
import { ENTITIES } from './entities';
import { runMigrationsAlone } from './migration-lease';
import { MIGRATIONS } from './migrations';
import { mysqlDriver } from './mysql-driver';

/**
 * How long a request waits on an unreachable MySQL server before it is answered 503
 * (common/http/database-unavailable.ts): opening a connection (mysql2's default is 10 s), and
 * waiting for one from the pool, which mysql2 does not bound at all. A healthy
 * server on the network answers in milliseconds.
 */
const MYSQL_CONNECT_TIMEOUT_MS = 3000;
const MYSQL_ACQUIRE_TIMEOUT_MS = 5000;

/** SQLite's page cache per connection (its default is 16 MiB), and how much of the file reads map. */
const SQLITE_CACHE_KIB = 64 * 1024;
const SQLITE_MMAP_BYTES = 2 ** 30;

/**
 * The one set of database options, used by the application, the CLI and the
 * TypeORM CLI (ormconfig.ts). The schema comes only from migrations, which
 * openDataSource() runs; `synchronize` is never used. `poolSize`: DATABASE_POOL_SIZE.
 */
export function dataSourceOptions(databaseUrl: string, poolSize = DEFAULT_DATABASE_POOL_SIZE): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
  } as const;

  if (databaseUrl.startsWith('mysql://')) {
    return {
      ...common,
      type: 'mysql',
      url: databaseUrl,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      driver: mysqlDriver(MYSQL_ACQUIRE_TIMEOUT_MS),
      connectorPackage: 'mysql2',
      connectTimeout: MYSQL_CONNECT_TIMEOUT_MS,
      extra: { connectionLimit: poolSize },
      migrationsTransactionMode: 'each',
    };
  }

  const database = databaseUrl.slice('sqlite:'.length);
  if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database,
    // WAL lets the CLI write while the server reads and writes the same file.
    enableWAL: database !== ':memory:',
    timeout: 5000,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
      // Millions of rows: the indexes' upper pages stay in the 64 MiB page cache, and reads map the
      // first GiB of the file instead of copying each page out of the kernel's cache.
      db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
      db.pragma(`mmap_size = ${SQLITE_MMAP_BYTES}`);
    },
  };
}

/** Connects, and runs the pending migrations, one instance at a time (migration-lease.ts). */
export async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  try {
    await runMigrationsAlone(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
