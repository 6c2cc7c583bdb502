import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

type Work<T> = (manager: EntityManager) => Promise<T>;

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
 * Every store (*.store.ts) writes through run() or write(), or in a transaction a caller began
 * with run(). So this is where a database cluster's retry-on-conflict belongs: Galera may refuse a
 * COMMIT with a certification conflict (error 1213), and the work must then be run again as a
 * whole, which run() can do because its work is a function of a fresh manager.
 */
@Injectable()
export class TransactionsService {
  private readonly serial: boolean;
  private waiting: Job[] = [];
  private committing = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.serial = dataSource.options.type === 'better-sqlite3';
  }

  run<T>(work: Work<T>): Promise<T> {
    if (!this.serial) return this.dataSource.transaction(work);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (result: unknown) => void, reject });
      this.commitWaiting();
    });
  }

  /**
   * Runs one statement, atomic by itself. On SQLite it joins the group commit as a transaction
   * does (alone it would pay for a COMMIT of its own); elsewhere it runs at once, on its own.
   */
  write<T>(statement: Work<T>): Promise<T> {
    return this.serial ? this.run(statement) : statement(this.dataSource.manager);
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
