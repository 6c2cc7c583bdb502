import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { randomToken, sha256 } from '../common/crypto/tokens';
import { ProviderEnvironment } from '../config/environment';
import { RowReader } from '../database/row-reader';
import { RowWriter } from '../database/row-writer';
import { TransactionsService } from '../database/transactions.service';
import { isUniqueViolation } from '../database/unique-violation';
import { GrantEntity } from '../grants/grant.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';

/**
 * Refresh tokens: opaque, 256 random bits, stored only hashed, rotated on every use
 * (refresh-token.entity.ts). Each lasts REFRESH_TOKEN_TTL, and no token of a grant outlasts
 * REFRESH_TOKEN_ABSOLUTE_TTL from the grant's start: rotation never extends a grant (RFC 9700 §4.14.2).
 */
@Injectable()
export class RefreshTokensService {
  private readonly ttl: number;
  private readonly absoluteTtl: number;
  private readonly byHash: RowReader<RefreshTokenEntity>;
  private readonly writer: RowWriter<RefreshTokenEntity>;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    @InjectRepository(RefreshTokenEntity) tokens: Repository<RefreshTokenEntity>,
    private readonly transactions: TransactionsService,
  ) {
    this.ttl = config.get('REFRESH_TOKEN_TTL', { infer: true });
    this.absoluteTtl = config.get('REFRESH_TOKEN_ABSOLUTE_TTL', { infer: true });
    this.byHash = new RowReader(tokens, ['tokenHash']);
    this.writer = new RowWriter(tokens);
  }

  /** The first refresh token of a grant, with the grant's scope, written in the caller's transaction. */
  issue(manager: EntityManager, grant: GrantEntity): Promise<string> {
    return this.write(manager, grant, grant.scope, null);
  }

  /** When the grant's refresh tokens stop, however often rotated. */
  grantEnds(grant: GrantEntity): Date {
    return new Date(grant.createdAt.getTime() + this.absoluteTtl * 1000);
  }

  /**
   * Rotates a token: writes its successor, with `scope`, in one statement, and answers the
   * successor's value; null if the token has a successor already. Of concurrent rotations of one
   * token exactly one gets a successor in (the unique index on parent_hash refuses the others).
   */
  async rotate(token: RefreshTokenEntity, grant: GrantEntity, scope: string): Promise<string | null> {
    try {
      return await this.transactions.write((manager) => this.write(manager, grant, scope, token.tokenHash));
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  find(token: string): Promise<RefreshTokenEntity | null> {
    return this.byHash.findOne(sha256(token));
  }

  private async write(
    manager: EntityManager,
    grant: GrantEntity,
    scope: string,
    parentHash: string | null,
  ): Promise<string> {
    const token = randomToken(32);
    await this.writer.insert(manager, {
      tokenHash: sha256(token),
      parentHash,
      grantId: grant.id,
      clientId: grant.clientId,
      userId: grant.userId,
      scope,
      expiresAt: new Date(Math.min(Date.now() + this.ttl * 1000, this.grantEnds(grant).getTime())),
    });
    return token;
  }
}
