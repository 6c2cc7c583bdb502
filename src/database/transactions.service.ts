import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { retryableCode } from './retryable-error';

type Work<T> = (manager: EntityManager) => Promise<T>;

/**
 * How long to wait before each further attempt of work refused by a retryable error, at most: about
 * a second and a half in all, which rides out a Galera certification conflict at once and a failover
 * behind a health-checked load balancer mostly. Each wait is drawn between half and all of it, so that
 * two transactions that conflicted do not meet again.
 */
const RETRY_DELAYS_MS = [20, 100, 400, 1000];

/** What inSavepoint() answers for a piece it rolled back. */
const FAILED = Symbol('failed');

interface Job {
  work: Work<unknown>;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs work in one database transaction: its changes are committed together or not at all, and
 * its promise settles once they are.
 *
 * MySQL gives each transaction its own connection. SQLite has a single connection, on which
 * TypeORM would nest concurrent transactions into each other, so there they run one after
 * another, with a group commit: the work that arrives while a commit is under way waits for it,
 * and then all of it runs in one transaction, each piece in a savepoint of its own. A piece that
 * fails is rolled back alone and its caller gets its error; the others are committed by one
 * COMMIT, which costs SQLite more than the statements of a small write do.
 *
 * On MySQL, work refused for a reason that a new attempt may not meet (retryable-error.ts) runs
 * again as a whole, on a fresh connection, a few times (RETRY_DELAYS_MS). A Galera cluster refuses a
 * COMMIT that conflicts with one that another node committed first (error 1213): a conditional UPDATE's
 * count of affected rows is only provisional until COMMIT succeeds, and the attempt that runs again
 * sees the row as the winner left it. Every store (*.store.ts) writes through run() or write(), or in
 * a transaction a caller began with run(), and so is retried here.
 *
 * So work must be a function of its manager alone: values that must not change between attempts
 * (ids, token values) are made before. A connection lost during COMMIT leaves unknown whether the
 * COMMIT took effect; the next attempt may find its own earlier one stored, and the single-use writes
 * recognise it as theirs (a code consumed for this grant id, a refresh token whose successor is this one).
 */
@Injectable()
export class TransactionsService {
  private readonly logger = new Logger(TransactionsService.name);
  private readonly serial: boolean;
  private waiting: Job[] = [];
  private committing = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.serial = dataSource.options.type === 'better-sqlite3';
  }

  run<T>(work: Work<T>): Promise<T> {
    if (!this.serial) return this.retried(() => this.dataSource.transaction(work));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (result: unknown) => void, reject });
      this.commitWaiting();
    });
  }

  /**
   * Runs one statement, atomic by itself. On SQLite it joins the group commit as a transaction
   * does (alone it would pay for a COMMIT of its own); elsewhere it runs at once, on its own, and
   * again as run() retries.
   */
  write<T>(statement: Work<T>): Promise<T> {
    return this.serial ? this.run(statement) : this.retried(() => statement(this.dataSource.manager));
  }

  /** The attempt's result; run again after a retryable error, up to RETRY_DELAYS_MS.length more times. */
  private async retried<T>(attempt: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry += 1) {
      try {
        return await attempt();
      } catch (error) {
        const code = retryableCode(error);
        if (!code || retry === RETRY_DELAYS_MS.length) throw error;
        this.logger.warn(`transaction refused (${code}); running it again (attempt ${retry + 2})`);
        await sleep(RETRY_DELAYS_MS[retry] * (0.5 + Math.random() / 2));
      }
    }
  }

  private commitWaiting(): void {
    if (this.committing || this.waiting.length === 0) return;
    const jobs = this.waiting;
    this.waiting = [];
    this.committing = true;
    void this.commit(jobs).finally(() => {
      this.committing = false;
      this.commitWaiting();
    });
  }

  private async commit(jobs: Job[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    // A lone piece needs no savepoint: its failure rolls back the transaction, which is all its own.
    const run =
      jobs.length === 1 ? (job: Job) => job.work(runner.manager) : (job: Job) => this.inSavepoint(runner, job);
    // Settled after COMMIT: a caller learns of its success only once its changes are stored.
    const done: { job: Job; result: unknown }[] = [];
    try {
      await runner.startTransaction();
      for (const job of jobs) {
        const result = await run(job);
        if (result !== FAILED) done.push({ job, result });
      }
      await runner.commitTransaction();
      for (const { job, result } of done) job.resolve(result);
    } catch (error) {
      // The transaction itself failed (BEGIN, COMMIT, a savepoint, or the only piece of work): nothing of it is stored.
      await this.rollBackEverything(runner);
      for (const job of jobs) job.reject(error);
    } finally {
      await runner.release();
    }
  }

  /** Rolls back the open savepoints and the transaction; a database that has already ended it refuses, and that is all right. */
  private async rollBackEverything(runner: QueryRunner): Promise<void> {
    try {
      while (runner.isTransactionActive) await runner.rollbackTransaction();
    } catch {
      // Nothing of the transaction is left to roll back.
    }
  }

  /** Runs the piece in a savepoint of its own: its result, or FAILED once it is rolled back and its caller told. */
  private async inSavepoint(runner: QueryRunner, job: Job): Promise<unknown> {
    await runner.startTransaction();
    let result: unknown;
    try {
      result = await job.work(runner.manager);
    } catch (error) {
      await runner.rollbackTransaction();
      job.reject(error);
      return FAILED;
    }
    await runner.commitTransaction();
    return result;
  }
}
