import { Logger } from '@nestjs/common';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { until } from '../../test/helpers/until';
import { dataSourceOptions, openDataSource } from './data-source-options';
import { WalCheckpointer } from './wal-checkpointer';

/** A SQLite file of the provider's schema, whatever DATABASE_URL says: the log is SQLite's alone. */
describe('WalCheckpointer', () => {
  let dir: string;
  let file: string;
  let db: DataSource;
  let checkpointer: WalCheckpointer;

  const pragma = async (name: string) => Object.values((await db.query(`PRAGMA ${name}`))[0] as object)[0];
  /** The thread has started and the request thread's threshold is raised. */
  const started = () => until(async () => (await pragma('wal_autocheckpoint')) === 10_000, 'the thread is ready');

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
    file = join(dir, 'provider.sqlite');
    db = await openDataSource(dataSourceOptions(`sqlite:${file}`));
    checkpointer = new WalCheckpointer(db);
  });

  afterEach(async () => {
    await checkpointer.beforeApplicationShutdown();
    if (db.isInitialized) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the log into the database file from its own thread; the request thread waits for 10,000 pages', async () => {
    checkpointer.onApplicationBootstrap();
    await started();

    // 2,048 rows of a page or more: twice what the request thread would have checkpointed at by default.
    await db.query('CREATE TABLE filler (data BLOB)');
    const before = statSync(file).size;
    await db.query(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2048)
       INSERT INTO filler SELECT randomblob(4096) FROM n`,
    );

    await until(() => statSync(file).size - before >= 8 << 20, 'the log is in the database file');
  });

  it('stops before the database closes, so that closing removes the log', async () => {
    checkpointer.onApplicationBootstrap();
    await started();
    await db.query('CREATE TABLE filler (data BLOB)');
    expect(existsSync(`${file}-wal`)).toBe(true);

    await checkpointer.beforeApplicationShutdown();
    await db.destroy();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('leaves checkpoints to the request thread when the thread cannot start', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation();
    await db.query('PRAGMA journal_mode = DELETE');

    checkpointer.onApplicationBootstrap();
    await until(() => warn.mock.calls.length > 0, 'the failure is logged');
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^WAL checkpoints are on the request thread: .*is not in WAL mode/),
    );
    expect(await pragma('wal_autocheckpoint')).toBe(1_000);
  });

  it('gives checkpoints back to the request thread when the thread stops', async () => {
    checkpointer.onApplicationBootstrap();
    await started();
    await checkpointer['worker']!.terminate();

    await until(async () => (await pragma('wal_autocheckpoint')) === 1_000, 'the default is back');
  });
});
