import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { describeWith } from '../../test/helpers/requirements';
import { dataSourceOptions } from './data-source-options';
import { TransactionsService } from './transactions.service';

// SQLite's group commit, on a file, with a second connection that sees only what is committed.
// The tables are this file's own: `rows`, and `notes` whose foreign key is checked at COMMIT.
describe('TransactionsService on SQLite', () => {
  let dir: string;
  let here: DataSource;
  let elsewhere: DataSource;
  let transactions: TransactionsService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'transactions-'));
    const database = join(dir, 'provider.sqlite');
    const options = { type: 'better-sqlite3', database, enableWAL: true } as const;
    here = await new DataSource({
      ...options,
      prepareDatabase: (db: { pragma(source: string): unknown }) => void db.pragma('foreign_keys = ON'),
    }).initialize();
    await here.query('CREATE TABLE rows (name TEXT PRIMARY KEY)');
    await here.query(
      'CREATE TABLE notes (row_name TEXT NOT NULL REFERENCES rows (name) DEFERRABLE INITIALLY DEFERRED)',
    );
    elsewhere = await new DataSource(options).initialize();
    transactions = new TransactionsService(here);
  });
  afterAll(async () => {
    await here?.destroy();
    await elsewhere?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (manager: EntityManager, name: string) => manager.query('INSERT INTO rows (name) VALUES (?)', [name]);
  const committed = async (): Promise<string[]> =>
    ((await elsewhere.query('SELECT name FROM rows ORDER BY name')) as { name: string }[]).map((row) => row.name);
  /** A promise and the function that fulfils it. */
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  };
  /** Resolves once `promise` has settled, or with 'pending' if it has not after a few turns. */
  const state = (promise: Promise<unknown>) =>
    Promise.race([
      promise.then(
        () => 'fulfilled',
        () => 'rejected',
      ),
      new Promise((resolve) => setTimeout(() => resolve('pending'), 20)),
    ]);

  beforeEach(async () => {
    await here.query('DELETE FROM notes');
    await here.query('DELETE FROM rows');
  });

  it('commits work and answers with its result', async () => {
    await expect(transactions.run(async (manager) => (await insert(manager, 'a'), 'result'))).resolves.toBe('result');
    expect(await committed()).toEqual(['a']);
  });

  it('commits the work that arrives during a commit together, each answered only once all of it is stored', async () => {
    const [firstHeld, thirdHeld] = [gate(), gate()];
    const first = transactions.run(async (manager) => {
      await insert(manager, 'first');
      await firstHeld.opened;
    });
    const second = transactions.run(async (manager) => (await insert(manager, 'second'), 2));
    const third = transactions.run(async (manager) => {
      await insert(manager, 'third');
      await thirdHeld.opened;
      return 3;
    });
    expect(await state(first)).toBe('pending');
    expect(await committed()).toEqual([]);

    firstHeld.open();
    await first;
    expect(await committed()).toEqual(['first']);
    // The second piece is done, but shares its COMMIT with the third, which is not.
    expect(await state(second)).toBe('pending');
    thirdHeld.open();
    expect(await Promise.all([second, third])).toEqual([2, 3]);
    expect(await committed()).toEqual(['first', 'second', 'third']);
  });

  it('rolls back a failing piece of a group alone, and gives its caller its own error', async () => {
    const held = gate();
    const first = transactions.run(async () => held.opened);
    const kept = transactions.run((manager) => insert(manager, 'kept'));
    const failing = transactions.run(async (manager) => {
      await insert(manager, 'rolled back');
      throw new Error('this piece fails');
    });
    const duplicate = transactions.run((manager) => insert(manager, 'kept'));
    const alsoKept = transactions.run((manager) => insert(manager, 'also kept'));
    held.open();

    await expect(failing).rejects.toThrow('this piece fails');
    await expect(duplicate).rejects.toThrow(/UNIQUE constraint failed/);
    await Promise.all([first, kept, alsoKept]);
    expect(await committed()).toEqual(['also kept', 'kept']);
  });

  it('rolls back a piece of work that runs alone when it fails', async () => {
    const failing = transactions.run(async (manager) => {
      await insert(manager, 'rolled back');
      throw new Error('alone and failing');
    });
    await expect(failing).rejects.toThrow('alone and failing');
    await transactions.run((manager) => insert(manager, 'after'));
    expect(await committed()).toEqual(['after']);
  });

  it('fails every piece of a group whose COMMIT fails, stores none of it, and goes on working', async () => {
    const held = gate();
    const first = transactions.run(async () => held.opened);
    const row = transactions.run((manager) => insert(manager, 'row'));
    // A note on a row that does not exist: the deferred foreign key fails the COMMIT of the group.
    const orphan = transactions.run((manager) => manager.query("INSERT INTO notes (row_name) VALUES ('nobody')"));
    held.open();

    await first;
    await expect(row).rejects.toThrow(/FOREIGN KEY constraint failed/);
    await expect(orphan).rejects.toThrow(/FOREIGN KEY constraint failed/);
    expect(await committed()).toEqual([]);
    expect(here.createQueryRunner().isTransactionActive).toBe(false);

    await transactions.run((manager) => insert(manager, 'after'));
    expect(await committed()).toEqual(['after']);
  });
});

// On MySQL: work refused for a reason a new attempt may not meet runs again as a whole, on a fresh
// connection; a Galera cluster's certification conflict comes as the same error 1213 as this deadlock.
describeWith('mysql', 'TransactionsService on MySQL', () => {
  let db: DataSource;
  let transactions: TransactionsService;

  beforeAll(async () => {
    db = await new DataSource(dataSourceOptions(process.env.DATABASE_URL!)).initialize();
    await db.query('CREATE TABLE IF NOT EXISTS retry_rows (name VARCHAR(16) PRIMARY KEY, n INT NOT NULL)');
    transactions = new TransactionsService(db);
  });
  afterAll(async () => {
    await db?.query('DROP TABLE IF EXISTS retry_rows');
    await db?.destroy();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM retry_rows');
    await db.query("INSERT INTO retry_rows VALUES ('a', 0), ('b', 0)");
  });

  const rows = async () =>
    Object.fromEntries(
      ((await db.query('SELECT name, n FROM retry_rows ORDER BY name')) as { name: string; n: number }[]).map((row) => [
        row.name,
        row.n,
      ]),
    );
  const bump = (manager: EntityManager, name: string) =>
    manager.query('UPDATE retry_rows SET n = n + 1 WHERE name = ?', [name]);

  it('runs the loser of a deadlock (error 1213) again as a whole, so that both commit, each once', async () => {
    let arrived = 0;
    let bothArrived!: () => void;
    const bothHoldOne = new Promise<void>((resolve) => (bothArrived = resolve));
    const attempts: Record<string, number> = { ab: 0, ba: 0 };
    const bumpBoth = (first: string, second: string) =>
      transactions.run(async (manager) => {
        const attempt = (attempts[first + second] += 1);
        await bump(manager, first);
        // The first attempts wait for each other: each then holds the row the other wants next.
        if (attempt === 1 && ++arrived === 2) bothArrived();
        if (attempt === 1) await bothHoldOne;
        await bump(manager, second);
        return attempt;
      });
    const results = await Promise.all([bumpBoth('a', 'b'), bumpBoth('b', 'a')]);
    expect(results.sort()).toEqual([1, 2]);
    expect(await rows()).toEqual({ a: 2, b: 2 });
  });

  it('runs work again on a fresh connection when its connection is killed mid-way, storing it once', async () => {
    let attempts = 0;
    await transactions.run(async (manager) => {
      attempts += 1;
      await bump(manager, 'a');
      if (attempts === 1) {
        const [{ id }] = (await manager.query('SELECT CONNECTION_ID() AS id')) as { id: number }[];
        await db.query(`KILL ${Number(id)}`);
        await bump(manager, 'b');
      }
    });
    expect(attempts).toBe(2);
    expect(await rows()).toEqual({ a: 1, b: 0 });
  });

  it('retries a single statement (write) the same way', async () => {
    let attempts = 0;
    await transactions.write(async (manager) => {
      attempts += 1;
      if (attempts < 3) throw Object.assign(new Error('refused at COMMIT'), { code: 'ER_LOCK_DEADLOCK', errno: 1213 });
      await bump(manager, 'a');
    });
    expect(attempts).toBe(3);
    expect(await rows()).toEqual({ a: 1, b: 0 });
  });

  it('gives up after a bounded number of attempts, with the last error', async () => {
    let attempts = 0;
    const conflict = Object.assign(new Error('refused at COMMIT'), { code: 'ER_LOCK_DEADLOCK', errno: 1213 });
    await expect(
      transactions.run(async () => {
        attempts += 1;
        throw conflict;
      }),
    ).rejects.toBe(conflict);
    expect(attempts).toBe(5);
  });

  it('does not run again work refused for good, such as a duplicate key', async () => {
    let attempts = 0;
    await expect(
      transactions.run(async (manager) => {
        attempts += 1;
        await bump(manager, 'a');
        await manager.query("INSERT INTO retry_rows VALUES ('b', 0)");
      }),
    ).rejects.toThrow(/Duplicate entry/);
    expect(attempts).toBe(1);
    expect(await rows()).toEqual({ a: 0, b: 0 });
  });
});
