import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { GrantEntity } from '../auth-codes/entities/grant.entity';
import { randomToken, sha256 } from '../common/crypto/tokens';
import { ProviderEnvironment } from '../config/environment';
import { RowReader } from '../database/row-reader';
import { RowWriter } from '../database/row-writer';
import { RefreshTokenEntity } from './entities/refresh-token.entity';

/** Refresh tokens: opaque, 256 random bits, stored only hashed, rotated on every use. */
@Injectable()
export class RefreshTokensService {
  private readonly ttl: number;
  private readonly byHash: RowReader<RefreshTokenEntity>;
  private readonly writer: RowWriter<RefreshTokenEntity>;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    @InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>,
  ) {
    this.ttl = config.get('REFRESH_TOKEN_TTL', { infer: true });
    this.byHash = new RowReader(tokens, ['tokenHash']);
    this.writer = new RowWriter(tokens);
  }

  /** A new refresh token for the grant, written in the caller's transaction. */
  async issue(manager: EntityManager, grant: GrantEntity): Promise<string> {
    const token = randomToken(32);
    await this.writer.insert(manager, {
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
    return this.byHash.findOne(sha256(token));
  }

  /** Marks the token used, in the caller's transaction; of concurrent uses exactly one sees true. */
  async markUsed(manager: EntityManager, token: RefreshTokenEntity): Promise<boolean> {
    return this.writer.claim(manager, { tokenHash: token.tokenHash }, 'usedAt', { usedAt: new Date() });
  }
}
