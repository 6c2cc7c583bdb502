import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { inMemoryMetrics } from '../../test/helpers/fakes';
import { dataSourceOptions, openDataSource } from '../database/data-source-options';
import { DatabaseMetrics } from './database.metrics';
import { ProviderMetrics } from './provider-metrics';

// On the test database (in-memory SQLite, or DATABASE_URL's MySQL).
describe('DatabaseMetrics', () => {
  let db: DataSource;
  let metrics: ProviderMetrics;
  const probe = `metrics_probe_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await openDataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'sqlite::memory:'));
    metrics = inMemoryMetrics();
    new DatabaseMetrics(metrics, db).onModuleInit();
    await db.query(`CREATE TABLE ${probe} (id INT PRIMARY KEY)`);
  });
  afterAll(async () => {
    await db?.query(`DROP TABLE ${probe}`);
    await db?.destroy();
  });

  const value = async (name: string) => (await metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value;

  it('counts each query the database refuses, and not the ones it answers', async () => {
    await db.query(`INSERT INTO ${probe} (id) VALUES (1)`);
    expect(await value('provider_db_query_errors_total')).toBe(0);
    await expect(db.query(`INSERT INTO ${probe} (id) VALUES (1)`)).rejects.toThrow();
    await expect(db.query(`INSERT INTO ${probe} (id) VALUES (1)`)).rejects.toThrow();
    expect(await value('provider_db_query_errors_total')).toBe(2);
  });

  it('reports the connection pool on MySQL/MariaDB: a connection in use while a transaction holds it; SQLite has none', async () => {
    const mysql = db.options.type === 'mysql';
    await db.transaction(async (manager) => {
      await manager.query('SELECT 1');
      expect(await value('provider_db_pool_connections_in_use')).toBe(mysql ? 1 : undefined);
    });
    expect(await value('provider_db_pool_connections_in_use')).toBe(mysql ? 0 : undefined);
    expect(await value('provider_db_pool_requests_waiting')).toBe(mysql ? 0 : undefined);
  });
});
