import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataSourceOptions, openDataSource } from '../../src/database/data-source-options';
import { SKIPPED_DIR_VARIABLE } from './requirements';

/**
 * On a shared server database, run the migrations once before the test
 * files start apps in parallel (each in-memory SQLite app migrates itself).
 */
export default async function globalSetup(): Promise<void> {
  // The workers, started after this, inherit it and note there what they skip (requirements.ts).
  process.env[SKIPPED_DIR_VARIABLE] = mkdtempSync(join(tmpdir(), 'skipped-specs-'));
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('mysql://')) return;
  const dataSource = await openDataSource(dataSourceOptions(url));
  await dataSource.destroy();
}
