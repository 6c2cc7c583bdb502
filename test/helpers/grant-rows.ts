import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuthorizationCodeEntity } from '../../src/auth-codes/entities/authorization-code.entity';
import { GrantEntity } from '../../src/grants/grant.entity';
import { ClientEntity } from '../../src/clients/entities/client.entity';
import { RefreshTokenEntity } from '../../src/tokens/entities/refresh-token.entity';
import { UserEntity } from '../../src/users/entities/user.entity';

/** A grant as its codes and tokens name it. */
export type GrantOwners = Pick<GrantEntity, 'id' | 'clientId' | 'userId'>;

/**
 * For specs of the database layer, which write rows directly: a public client, a user and a grant
 * of theirs, with `fields` over the defaults (scope openid, not revoked). `remove()` deletes the
 * client and the user, and with them (ON DELETE CASCADE) the grant and everything of it.
 */
export async function insertGrant(
  db: DataSource,
  fields: Partial<GrantEntity> = {},
): Promise<{ grant: GrantOwners; remove: () => Promise<void> }> {
  const clientId = randomBytes(12).toString('hex');
  const userId = randomUUID();
  await db.getRepository(ClientEntity).insert({
    clientId,
    secretHash: null,
    name: 'Partner',
    redirectUris: ['https://partner.example/cb'],
    postLogoutRedirectUris: null,
    grantTypes: ['authorization_code', 'refresh_token'],
    scope: 'openid',
    tokenEndpointAuthMethod: 'none',
  });
  await db.getRepository(UserEntity).insert({ id: userId, username: userId, passwordHash: 'x' });
  const grant = { id: randomUUID(), clientId, userId };
  await db
    .getRepository(GrantEntity)
    .insert({ ...grant, scope: 'openid', authTime: new Date(), revokedAt: null, ...fields });
  return {
    grant,
    remove: async () => {
      await db.getRepository(ClientEntity).delete({ clientId });
      await db.getRepository(UserEntity).delete({ id: userId });
    },
  };
}

/**
 * An unused authorization code of the grant's client and user, live for ten minutes, with `fields`
 * over that. Here and in refreshTokenRow, nullable columns are left out: they take their defaults.
 */
export function codeRow(
  { clientId, userId }: GrantOwners,
  fields: Partial<AuthorizationCodeEntity> = {},
): Partial<AuthorizationCodeEntity> {
  return {
    codeHash: randomBytes(32).toString('hex'),
    clientId,
    userId,
    redirectUri: 'https://partner.example/cb',
    redirectUriSent: true,
    scope: 'openid',
    authTime: new Date(),
    expiresAt: new Date(Date.now() + 600_000),
    ...fields,
  };
}

/** An unspent refresh token of the grant, live for an hour, with `fields` over that. */
export function refreshTokenRow(
  { id, clientId, userId }: GrantOwners,
  fields: Partial<RefreshTokenEntity> = {},
): Partial<RefreshTokenEntity> {
  return {
    tokenHash: randomBytes(32).toString('hex'),
    grantId: id,
    clientId,
    userId,
    scope: 'openid',
    expiresAt: new Date(Date.now() + 3_600_000),
    ...fields,
  };
}
