import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';

/** How often the thread copies the log into the database file. */
const CHECKPOINT_EVERY_MS = 100;
/**
 * The log's size, in pages, at which the request thread still checkpoints (about 40 MB). The log
 * starts again from its beginning only when a write begins with all of it copied, and under steady
 * writes the thread never quite catches up with the last commit. At this size the request thread
 * copies what little is left, after which the log restarts.
 */
const REQUEST_THREAD_CHECKPOINT_PAGES = 10_000;
/** SQLite's default, which the request thread returns to if the thread is not running. */
const SQLITE_CHECKPOINT_PAGES = 1_000;

/**
 * The thread: a script run as it is, because a file of its own would have to be built before a
 * worker could run it, and the test runner builds nothing. On a connection of its own, it copies
 * the log into the database file every `intervalMs`. A PASSIVE checkpoint takes no lock that the
 * request thread's reads or writes wait for.
 */
const THREAD = `
  const { parentPort, workerData: { driver, file, intervalMs } } = require('node:worker_threads');
  const db = new (require(driver))(file, { fileMustExist: true, timeout: 0 });
  // Reading the journal mode also opens the log; until a connection has read, it checkpoints nothing.
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') throw new Error(file + ' is not in WAL mode');
  setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      // Another connection is checkpointing: this round is done by it.
      if (error.code !== 'SQLITE_BUSY') throw error;
    }
  }, intervalMs);
  parentPort.postMessage('ready');
`;

/**
 * On SQLite, moves the checkpoints of the write-ahead log off the request thread. By default the
 * connection that commits checkpoints each time the log reaches 1,000 pages, and better-sqlite3
 * runs that on the event loop: under steady writes (refresh token rotation) it held every request
 * for about 14 ms, nine times a second, an eighth of the thread's time. A worker thread (THREAD)
 * copies the log ten times a second instead, and the request thread only checkpoints what is left
 * at REQUEST_THREAD_CHECKPOINT_PAGES. Should the thread fail to start, or stop, the connection
 * goes back to SQLite's default. MySQL and in-memory SQLite have no such log: nothing is started.
 */
@Injectable()
export class WalCheckpointer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WalCheckpointer.name);
  private worker?: Worker;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Starts the thread and returns at once: the thread takes about 100 ms to start, and listening
   * need not wait for it. Until it is ready, SQLite's default holds.
   */
  onApplicationBootstrap(): void {
    const { type, database } = this.dataSource.options;
    if (type !== 'better-sqlite3' || database === ':memory:') return;
    const worker = new Worker(THREAD, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file: database, intervalMs: CHECKPOINT_EVERY_MS },
    });
    this.worker = worker;
    worker.unref();
    worker.on('error', (error) =>
      this.logger.warn(`WAL checkpoints are on the request thread: the checkpoint thread failed (${error.message})`),
    );
    worker.once('message', () => {
      if (this.worker === worker) void this.checkpointAt(REQUEST_THREAD_CHECKPOINT_PAGES);
    });
    // Stopped on its own (its error logged), ready or not: the request thread checkpoints as by default.
    worker.once('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      void this.checkpointAt(SQLITE_CHECKPOINT_PAGES);
    });
  }

  /** Stops the thread before the database closes, so that closing it can checkpoint and remove the log. */
  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private async checkpointAt(pages: number): Promise<void> {
    try {
      await this.dataSource.query(`PRAGMA wal_autocheckpoint = ${pages}`);
    } catch (error) {
      // The database is closing or gone, and with it the connection the setting was for.
      this.logger.warn(`WAL checkpoint threshold not set to ${pages} pages: ${(error as Error).message}`);
    }
  }
}
