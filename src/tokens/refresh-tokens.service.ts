import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { GrantEntity } from '../auth-codes/entities/grant.entity';
import { randomToken, sha256 } from '../common/crypto/tokens';
import { ProviderEnvironment } from '../config/environment';
import { RowReader } from '../database/row-reader';
import { RefreshTokenEntity } from './entities/refresh-token.entity';

/** Refresh tokens: opaque, 256 random bits, stored only hashed, rotated on every use. */
@Injectable()
export class RefreshTokensService {
  private readonly ttl: number;
  private readonly byHash: RowReader<RefreshTokenEntity>;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    @InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>,
  ) {
    this.ttl = config.get('REFRESH_TOKEN_TTL', { infer: true });
    this.byHash = new RowReader(tokens, ['tokenHash']);
  }

  /** A new refresh token for the grant, written in the caller's transaction. */
  async issue(manager: EntityManager, grant: GrantEntity): Promise<string> {
    const token = randomToken(32);
    // updateEntity(false): nothing is read back (TypeORM would re-select the row for created_at).
    await manager
      .createQueryBuilder()
      .insert()
      .into(RefreshTokenEntity)
      .updateEntity(false)
      .values({
        tokenHash: sha256(token),
        grantId: grant.id,
        clientId: grant.clientId,
        userId: grant.userId,
        scope: grant.scope,
        expiresAt: new Date(Date.now() + this.ttl * 1000),
        usedAt: null,
      })
      .execute();
    return token;
  }

  find(token: string): Promise<RefreshTokenEntity | null> {
    return this.byHash.findOne(sha256(token));
  }

  /** Marks the token used, in the caller's transaction; of concurrent uses exactly one sees true. */
  async markUsed(manager: EntityManager, token: RefreshTokenEntity): Promise<boolean> {
    const { affected } = await manager.update(
      RefreshTokenEntity,
      { tokenHash: token.tokenHash, usedAt: IsNull() },
      { usedAt: new Date() },
    );
    return affected === 1;
  }
}
