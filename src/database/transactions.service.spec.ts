import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
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
