import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EntityManager } from 'typeorm';
import { timeOrderedToken, tokenDigest } from '../common/crypto/tokens';
import { ProviderEnvironment } from '../config/environment';
import { GrantEntity } from '../grants/grant.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { NewRefreshToken, RefreshTokenStore } from './refresh-token.store';

/**
 * Refresh tokens: opaque, 256 random bits after the time they were made, stored only as their
 * digest (tokenDigest), rotated on every use (refresh-token.entity.ts). Each lasts REFRESH_TOKEN_TTL, and no token of a grant outlasts
 * REFRESH_TOKEN_ABSOLUTE_TTL from the grant's start: rotation never extends a grant (RFC 9700 §4.14.2).
 */
@Injectable()
export class RefreshTokensService {
  private readonly ttl: number;
  private readonly absoluteTtl: number;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly tokens: RefreshTokenStore,
  ) {
    this.ttl = config.get('REFRESH_TOKEN_TTL', { infer: true });
    this.absoluteTtl = config.get('REFRESH_TOKEN_ABSOLUTE_TTL', { infer: true });
  }

  /**
   * A new token's value. Made before the transaction that stores it, so that an attempt run again
   * (TransactionsService) stores the same value as the one whose answer it replaces.
   */
  newToken(): string {
    return timeOrderedToken();
  }

  /** Stores `token` as the first refresh token of a grant, with the grant's scope, in the caller's transaction. */
  async issue(manager: EntityManager, grant: GrantEntity, token: string): Promise<void> {
    await this.tokens.create(manager, this.row(token, grant, grant.scope));
  }

  /** When the grant's refresh tokens stop, however often rotated. */
  grantEnds(grant: GrantEntity): Date {
    return new Date(grant.createdAt.getTime() + this.absoluteTtl * 1000);
  }

  /**
   * Rotates a token: stores its successor, with `scope`, and answers the successor's value; null
   * if the token has a successor already (of concurrent rotations exactly one gets one).
   */
  async rotate(token: RefreshTokenEntity, grant: GrantEntity, scope: string): Promise<string | null> {
    const successor = this.newToken();
    return (await this.tokens.rotate(token.tokenHash, this.row(successor, grant, scope))) ? successor : null;
  }

  find(token: string): Promise<RefreshTokenEntity | null> {
    return this.tokens.find(tokenDigest(token));
  }

  /** The row that stores a token of the grant, by its digest. */
  private row(token: string, grant: GrantEntity, scope: string): NewRefreshToken {
    return {
      tokenHash: tokenDigest(token),
      grantId: grant.id,
      clientId: grant.clientId,
      userId: grant.userId,
      scope,
      expiresAt: new Date(Math.min(Date.now() + this.ttl * 1000, this.grantEnds(grant).getTime())),
    };
  }
}
