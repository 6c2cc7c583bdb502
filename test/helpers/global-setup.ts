import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';

/**
 * On a shared server database, run the migrations once before the test
 * files start apps in parallel (each in-memory SQLite app migrates itself).
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('mysql://')) return;
  const dataSource = new DataSource(dataSourceOptions(url));
  await dataSource.initialize();
  await dataSource.destroy();
}
