import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { GrantEntity } from '../grants/grant.entity';
import { codeRow, insertGrant, refreshTokenRow } from '../../test/helpers/grant-rows';
import { AuthorizationCodeEntity } from '../auth-codes/entities/authorization-code.entity';
import { ClientEntity } from '../clients/entities/client.entity';
import { RefreshTokenEntity } from '../tokens/entities/refresh-token.entity';
import { dataSourceOptions, openDataSource } from './data-source-options';
import { RowReader } from './row-reader';

// On the test database (in-memory SQLite, or DATABASE_URL's MySQL), with the real migrations.
describe('RowReader', () => {
  let db: DataSource;
  const id = () => randomBytes(12).toString('hex');

  beforeAll(async () => {
    db = await openDataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'sqlite::memory:'));
  });
  afterAll(() => db?.destroy());

  it('reads a client exactly as findOneBy does: JSON columns, nulls, dates', async () => {
    const repository = db.getRepository(ClientEntity);
    const clientId = id();
    await repository.save(
      repository.create({
        clientId,
        secretHash: null,
        name: 'Reader',
        redirectUris: ['https://partner.example/cb'],
        postLogoutRedirectUris: null,
        grantTypes: ['authorization_code', 'refresh_token'],
        scope: 'openid profile',
        tokenEndpointAuthMethod: 'none',
      }),
    );
    const sut = new RowReader(repository, ['clientId']);
    const read = await sut.findOne(clientId);
    expect(read).toBeInstanceOf(ClientEntity);
    expect(read).toEqual(await repository.findOneBy({ clientId }));
    expect(read!.isPublic).toBe(true);
    await repository.delete({ clientId });
  });

  it('reads booleans and dates of a code, and of a grant and refresh token', async () => {
    const { grant, remove } = await insertGrant(db, { revokedAt: new Date() });
    const codes = db.getRepository(AuthorizationCodeEntity);
    const code = codeRow(grant, { nonce: 'n', authTime: new Date(Date.now() - 5000) });
    await codes.insert(code);
    expect(await new RowReader(codes, ['codeHash']).findOne(code.codeHash)).toEqual(
      await codes.findOneBy({ codeHash: code.codeHash }),
    );

    const grants = db.getRepository(GrantEntity);
    expect(await new RowReader(grants, ['id']).findOne(grant.id)).toEqual(await grants.findOneBy({ id: grant.id }));

    const tokens = db.getRepository(RefreshTokenEntity);
    const token = refreshTokenRow(grant, { expiresAt: new Date(Date.now() + 1000), usedAt: null });
    await tokens.insert(token);
    expect(await new RowReader(tokens, ['tokenHash']).findOne(token.tokenHash)).toEqual(
      await tokens.findOneBy({ tokenHash: token.tokenHash }),
    );
    await remove();
  });

  it('answers null when no row matches', async () => {
    expect(await new RowReader(db.getRepository(ClientEntity), ['clientId']).findOne(id())).toBeNull();
  });
});
