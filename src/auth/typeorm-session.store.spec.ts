import type { Session } from 'fastify';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { writeDuringFailedTransaction } from '../../test/helpers/during-failed-transaction';
import { dataSourceOptions, openDataSource } from '../database/data-source-options';
import { TransactionsService } from '../database/transactions.service';
import { TypeOrmSessionStore } from './typeorm-session.store';

// On the test database (in-memory SQLite, or DATABASE_URL's MySQL), with the real migrations.
describe('TypeOrmSessionStore', () => {
  let db: DataSource;
  let transactions: TransactionsService;
  let store: TypeOrmSessionStore;

  beforeAll(async () => {
    db = await openDataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'sqlite::memory:'));
    transactions = new TransactionsService(db);
    store = new TypeOrmSessionStore(db, transactions, 3600);
  });
  afterAll(() => db?.destroy());

  const sessionId = () => randomBytes(24).toString('base64url');
  const session = (userId: string) => ({ userId, cookie: {} }) as unknown as Session;
  const set = (id: string, value: Session) =>
    new Promise<void>((resolve, reject) => store.set(id, value, (error) => (error ? reject(error) : resolve())));
  const get = (id: string) =>
    new Promise<Session | null | undefined>((resolve, reject) =>
      store.get(id, (error, value) => (error ? reject(error) : resolve(value))),
    );
  const destroy = (id: string) =>
    new Promise<void>((resolve, reject) => store.destroy(id, (error) => (error ? reject(error) : resolve())));

  it('stores a session, updates it, and once destroyed never brings it back', async () => {
    const id = sessionId();
    await set(id, session('alice'));
    expect(await get(id)).toMatchObject({ userId: 'alice' });
    await set(id, session('alice, again'));
    expect(await get(id)).toMatchObject({ userId: 'alice, again' });
    await destroy(id);
    expect(await get(id)).toBeNull();
    // A request still in flight at logout saves its copy of the session when it ends.
    await set(id, session('alice'));
    expect(await get(id)).toBeNull();
  });

  it('keeps a session saved while another write is under way, even when that write is rolled back', async () => {
    const id = sessionId();
    await writeDuringFailedTransaction(transactions, () => set(id, session('bob')));
    expect(await get(id)).toMatchObject({ userId: 'bob' });
  });
});
