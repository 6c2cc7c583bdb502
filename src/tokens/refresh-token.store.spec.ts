import { DataSource } from 'typeorm';
import { GrantOwners, insertGrant, refreshTokenRow } from '../../test/helpers/grant-rows';
import { dataSourceOptions, openDataSource } from '../database/data-source-options';
import { TransactionsService } from '../database/transactions.service';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { NewRefreshToken, RefreshTokenStore } from './refresh-token.store';

// On the test database (in-memory SQLite, or DATABASE_URL's MySQL), with the real migrations.
describe('RefreshTokenStore', () => {
  let db: DataSource;
  let grant: GrantOwners;
  let remove: () => Promise<void>;
  let sut: RefreshTokenStore;

  beforeAll(async () => {
    db = await openDataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'sqlite::memory:'));
    ({ grant, remove } = await insertGrant(db));
    sut = new RefreshTokenStore(db.getRepository(RefreshTokenEntity), new TransactionsService(db));
  });
  afterAll(async () => {
    await remove?.();
    await db?.destroy();
  });

  const token = () => refreshTokenRow(grant) as NewRefreshToken;
  const stored = async () => {
    const parent = token();
    await sut.create(db.manager, parent);
    return parent.tokenHash;
  };

  it('rotates a token once: of two successors, the first is stored and the second refused', async () => {
    const parent = await stored();
    const [first, second] = [token(), token()];
    await expect(sut.rotate(parent, first)).resolves.toBe(true);
    await expect(sut.rotate(parent, second)).resolves.toBe(false);
    await expect(sut.find(second.tokenHash)).resolves.toBeNull();
    await expect(sut.find(parent)).resolves.toMatchObject({ isRotated: true });
  });

  it('answers true to the same rotation run again, as after a COMMIT whose answer was lost', async () => {
    const parent = await stored();
    const successor = token();
    await sut.rotate(parent, successor);
    await expect(sut.rotate(parent, successor)).resolves.toBe(true);
    await expect(sut.rotate(parent, token())).resolves.toBe(false);
  });
});
