import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { retryableCode } from './retryable-error';

/** How long a lease lasts unless renewed; its holder renews it every RENEW_MS while it migrates. */
const LEASE_MS = 60_000;
const RENEW_MS = 10_000;
/** How often an instance waiting for another's migrations asks again, and how long it waits in all. */
const POLL_MS = 250;
const GIVE_UP_MS = 15 * 60_000;

/**
 * The one row that says which instance runs the migrations: `holder` until `expires_at` (epoch
 * milliseconds, by the holder's clock). Made here, not by a migration: it must exist before any runs.
 */
const TABLE = 'migration_lease';
const CREATE = `CREATE TABLE IF NOT EXISTS ${TABLE} (id INT NOT NULL PRIMARY KEY, holder VARCHAR(100) NULL, expires_at BIGINT NOT NULL)`;
const TAKE = `UPDATE ${TABLE} SET holder = ?, expires_at = ? WHERE id = 1 AND (holder IS NULL OR holder = ? OR expires_at < ?)`;
const RELEASE = `UPDATE ${TABLE} SET holder = NULL, expires_at = 0 WHERE id = 1 AND holder = ?`;

/**
 * Runs the pending migrations, one instance at a time: several instances that start at once
 * against one database (or a Galera cluster, which has neither GET_LOCK() nor LOCK TABLES) would
 * otherwise each run the same migration, and all but one fail on a table that now exists.
 *
 * The instance that takes the lease, by one conditional UPDATE committed on its own, migrates and
 * gives it back; the others wait and then find nothing left to run. A holder that dies loses the
 * lease after LEASE_MS. On Galera two nodes may each take it locally, and the one that commits
 * second is refused (or, retried by the server, finds it taken): the lease is held by one at most.
 */
export async function runMigrationsAlone(dataSource: DataSource): Promise<void> {
  const logger = new Logger('Migrations');
  const holder = `${hostname()}:${process.pid}:${randomUUID()}`.slice(0, 100);
  await againIfRefused(async () => {
    await dataSource.query(CREATE);
    await dataSource
      .createQueryBuilder()
      .insert()
      .into(TABLE, ['id', 'holder', 'expires_at'])
      .values({ id: 1, holder: null, expires_at: 0 })
      .orIgnore()
      .execute();
  });

  const take = async (): Promise<boolean> => {
    const now = Date.now();
    try {
      const runner = dataSource.createQueryRunner();
      try {
        const { affected } = await runner.query(TAKE, [holder, now + LEASE_MS, holder, now], true);
        return affected === 1;
      } finally {
        await runner.release();
      }
    } catch (error) {
      // Refused for a conflict with another instance taking it through another node: not ours.
      if (retryableCode(error)) return false;
      throw error;
    }
  };

  const deadline = Date.now() + GIVE_UP_MS;
  let waitingSaid = false;
  while (!(await take())) {
    if (Date.now() > deadline) {
      throw new Error(
        `another instance has held the migration lease (table ${TABLE}) for over ${GIVE_UP_MS / 60_000} minutes`,
      );
    }
    if (!waitingSaid) logger.log('another instance is running the migrations; waiting for it');
    waitingSaid = true;
    await sleep(POLL_MS);
  }
  const renewal = setInterval(() => void take().catch(() => undefined), RENEW_MS);
  try {
    await againIfRefused(() =>
      dataSource
        .runMigrations({ transaction: dataSource.options.migrationsTransactionMode ?? 'all' })
        .then(() => undefined),
    );
  } finally {
    clearInterval(renewal);
    // A lease not given back (the database went away meanwhile) expires by itself.
    await dataSource.query(RELEASE, [holder]).catch(() => undefined);
  }
}

/**
 * Runs work again when the server refused it for a reason a new attempt may not meet. On Galera a
 * DDL statement runs in total order and aborts, with a deadlock error, the statements on that node
 * that it conflicts with: another instance's INSERT into the lease table as it makes it, or the
 * information_schema reads a migration makes before it alters a table, when a DDL runs anywhere in
 * the cluster at that moment. Migrations are recorded one by one (migrationsTransactionMode 'each' on
 * MySQL), so they run again from the one refused; one refused after its own first DDL statement
 * would fail again, on what that statement made, and stop the start with that error.
 */
async function againIfRefused(work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!retryableCode(error) || attempt === 10) throw error;
      await sleep(POLL_MS * Math.random());
    }
  }
}
