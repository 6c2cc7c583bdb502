import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuthorizationCodeEntity } from '../auth-codes/entities/authorization-code.entity';
import { GrantEntity } from '../auth-codes/entities/grant.entity';
import { ClientEntity } from '../clients/entities/client.entity';
import { RefreshTokenEntity } from '../tokens/entities/refresh-token.entity';
import { dataSourceOptions } from './data-source-options';
import { RowReader } from './row-reader';

// On the test database (in-memory SQLite, or DATABASE_URL's MySQL), with the real migrations.
describe('RowReader', () => {
  let db: DataSource;
  const id = () => randomBytes(12).toString('hex');

  beforeAll(async () => {
    db = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'sqlite::memory:')).initialize();
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
    const client = db.getRepository(ClientEntity);
    const clientId = id();
    await client.save(
      client.create({
        clientId,
        secretHash: null,
        name: 'R',
        redirectUris: [],
        postLogoutRedirectUris: [],
        grantTypes: ['client_credentials'],
        scope: '',
        tokenEndpointAuthMethod: 'client_secret_basic',
      }),
    );
    const userId = randomUUID();
    await db.query(`INSERT INTO users (id, username, password_hash) VALUES (?, ?, ?)`, [userId, id(), 'x']);
    const codes = db.getRepository(AuthorizationCodeEntity);
    const codeHash = id();
    await codes.insert({
      codeHash,
      clientId,
      userId,
      redirectUri: 'https://partner.example/cb',
      redirectUriSent: true,
      scope: 'openid',
      codeChallenge: null,
      nonce: 'n',
      authTime: new Date(Date.now() - 5000),
      expiresAt: new Date(Date.now() + 600_000),
      consumedAt: null,
      grantId: null,
    });
    expect(await new RowReader(codes, ['codeHash']).findOne(codeHash)).toEqual(await codes.findOneBy({ codeHash }));

    const grants = db.getRepository(GrantEntity);
    const grantId = randomUUID();
    await grants.insert({
      id: grantId,
      clientId,
      userId,
      scope: 'openid',
      authTime: new Date(),
      revokedAt: new Date(),
    });
    expect(await new RowReader(grants, ['id']).findOne(grantId)).toEqual(await grants.findOneBy({ id: grantId }));

    const tokens = db.getRepository(RefreshTokenEntity);
    const tokenHash = id();
    await tokens.insert({
      tokenHash,
      grantId,
      clientId,
      userId,
      scope: 'openid',
      expiresAt: new Date(Date.now() + 1000),
      usedAt: null,
    });
    expect(await new RowReader(tokens, ['tokenHash']).findOne(tokenHash)).toEqual(
      await tokens.findOneBy({ tokenHash }),
    );
    await client.delete({ clientId });
    await db.query(`DELETE FROM users WHERE id = ?`, [userId]);
  });

  it('answers null when no row matches', async () => {
    expect(await new RowReader(db.getRepository(ClientEntity), ['clientId']).findOne(id())).toBeNull();
  });
});
