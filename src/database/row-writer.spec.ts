import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { GrantEntity } from '../grants/grant.entity';
import { GrantOwners, insertGrant, refreshTokenRow } from '../../test/helpers/grant-rows';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { RefreshTokenEntity } from '../tokens/entities/refresh-token.entity';
import { dataSourceOptions, openDataSource } from './data-source-options';
import { RowWriter } from './row-writer';
import { TransactionsService } from './transactions.service';

// On the test database (in-memory SQLite, or DATABASE_URL's MySQL), with the real migrations.
describe('RowWriter', () => {
  let db: DataSource;
  let tokens: Repository<RefreshTokenEntity>;
  let grants: Repository<GrantEntity>;
  let grant: GrantOwners;
  let remove: () => Promise<void>;
  const id = () => randomBytes(12).toString('hex');

  beforeAll(async () => {
    db = await openDataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'sqlite::memory:'));
    tokens = db.getRepository(RefreshTokenEntity);
    grants = db.getRepository(GrantEntity);
    ({ grant, remove } = await insertGrant(db));
  });
  afterAll(async () => {
    await remove?.();
    await db?.destroy();
  });

  const token = (usedAt: Date | null = null) => refreshTokenRow(grant, { scope: 'openid offline_access', usedAt });

  it('writes a row exactly as TypeORM’s insert() does, defaults included', async () => {
    const [mine, typeorms] = [token(new Date(Date.now() - 1000)), token(new Date(Date.now() - 1000))];
    typeorms.expiresAt = mine.expiresAt;
    typeorms.usedAt = mine.usedAt;
    await new RowWriter(tokens).insert(db.manager, mine);
    await tokens.insert(typeorms);

    const { createdAt, ...written } = await tokens.findOneByOrFail({ tokenHash: mine.tokenHash });
    const { createdAt: expectedCreatedAt, ...expected } = await tokens.findOneByOrFail({
      tokenHash: typeorms.tokenHash,
    });
    expect(written).toEqual({ ...expected, tokenHash: mine.tokenHash });
    expect(Math.abs(createdAt.getTime() - expectedCreatedAt.getTime())).toBeLessThan(5000);
  });

  it('writes several rows in one statement, JSON and nulls included', async () => {
    const rows = [token(), token(new Date(Date.now() - 5000)), token()];
    await new RowWriter(tokens).insert(db.manager, ...rows);
    for (const row of rows) {
      expect(await tokens.findOneByOrFail({ tokenHash: row.tokenHash })).toMatchObject({
        ...row,
        expiresAt: expect.any(Date),
        usedAt: row.usedAt ? expect.any(Date) : null,
      });
    }
    const events = db.getRepository(AuditEventEntity);
    const type = 'token.issued' as const;
    const detail = { scope: 'openid', kids: ['a', 'b'] };
    const [actor, other] = [id(), id()];
    await new RowWriter(events).insert(
      db.manager,
      { type, actor, userId: null, detail, createdAt: new Date() },
      { type, actor: other, userId: grant.userId, detail: null, createdAt: new Date() },
    );
    expect(await events.findOneByOrFail({ actor })).toMatchObject({ type, userId: null, clientId: null, detail });
    expect(await events.findOneByOrFail({ actor: other })).toMatchObject({ userId: grant.userId, detail: null });
  });

  /** A grant of its own, not revoked, as grant revocation claims one. */
  const newGrant = async () => {
    const row = { ...grant, id: randomUUID(), scope: 'openid', authTime: new Date(), revokedAt: null };
    await grants.insert(row);
    return row;
  };

  it('claims a row once: the first claim sets the values and is answered true, every later one false', async () => {
    const { id: grantId } = await newGrant();
    const writer = new RowWriter(grants);
    const revokedAt = new Date(Date.now() - 2000);
    expect(await writer.claim(db.manager, { id: grantId }, 'revokedAt', { revokedAt })).toBe(true);
    expect(await writer.claim(db.manager, { id: grantId }, 'revokedAt', { revokedAt: new Date() })).toBe(false);
    const read = await grants.findOneByOrFail({ id: grantId });
    expect(Math.abs(read.revokedAt!.getTime() - revokedAt.getTime())).toBeLessThan(1000);
    expect(await writer.claim(db.manager, { id: randomUUID() }, 'revokedAt', { revokedAt })).toBe(false);
  });

  it('of concurrent claims in concurrent transactions, exactly one wins', async () => {
    const { id: grantId } = await newGrant();
    const writer = new RowWriter(grants);
    const transactions = new TransactionsService(db);
    const claims = await Promise.all(
      Array.from({ length: 8 }, () =>
        transactions.run((manager) => writer.claim(manager, { id: grantId }, 'revokedAt', { revokedAt: new Date() })),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('sets several columns in one claim, and leaves other rows alone', async () => {
    const [row, other] = [await newGrant(), await newGrant()];
    const scope = 'profile';
    expect(
      await new RowWriter(grants).claim(db.manager, { id: row.id }, 'revokedAt', { scope, revokedAt: new Date() }),
    ).toBe(true);
    expect(await grants.findOneByOrFail({ id: row.id })).toMatchObject({ scope, revokedAt: expect.any(Date) });
    expect(await grants.findOneByOrFail({ id: other.id })).toMatchObject({ scope: other.scope, revokedAt: null });
  });
});
