import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { GrantEntity } from '../auth-codes/entities/grant.entity';
import { randomToken, sha256 } from '../common/crypto/tokens';
import { ProviderEnvironment } from '../config/environment';
import { RefreshTokenEntity } from './entities/refresh-token.entity';

/** Refresh tokens: opaque, 256 random bits, stored only hashed, rotated on every use. */
@Injectable()
export class RefreshTokensService {
  private readonly ttl: number;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    @InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>,
  ) {
    this.ttl = config.get('REFRESH_TOKEN_TTL', { infer: true });
  }

  /** A new refresh token for the grant, written in the caller's transaction. */
  async issue(manager: EntityManager, grant: GrantEntity): Promise<string> {
    const token = randomToken(32);
    await manager.insert(RefreshTokenEntity, {
      tokenHash: sha256(token),
      grantId: grant.id,
      clientId: grant.clientId,
      userId: grant.userId,
      scope: grant.scope,
      expiresAt: new Date(Date.now() + this.ttl * 1000),
      usedAt: null,
    });
    return token;
  }

  find(token: string): Promise<RefreshTokenEntity | null> {
    return this.tokens.findOneBy({ tokenHash: sha256(token) });
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
