import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditOrigin } from '../audit/audit-event-types';
import { AuditService } from '../audit/audit.service';
import { randomToken, sha256 } from '../common/crypto/tokens';
import { InvalidTokenError } from '../common/oauth/oauth.error';
import { InitialAccessTokenEntity } from './entities/initial-access-token.entity';
import { InitialAccessTokenStore } from './initial-access-token.store';

export interface NewInitialAccessToken {
  registration_token: string;
  /** Seconds since the epoch. */
  expires_at: number;
}

/**
 * Initial access tokens for DYNAMIC_REGISTRATION=token (RFC 7591 §3). A token registers any number
 * of clients until it expires: an administrator hands one to a developer or a deployment that
 * registers its instances, and each registration is audited and rate-limited by address anyway.
 * 256 random bits, stored only as their SHA-256 and looked up by it.
 */
@Injectable()
export class InitialAccessTokensService {
  constructor(
    private readonly tokens: InitialAccessTokenStore,
    private readonly audit: AuditService,
  ) {}

  /** A new token valid for `expiresIn` seconds, shown this once. */
  async create(expiresIn: number, description: string | undefined, by: AuditOrigin): Promise<NewInitialAccessToken> {
    const token = randomToken(32);
    const row = Object.assign(new InitialAccessTokenEntity(), {
      id: randomUUID(),
      tokenHash: sha256(token),
      description: description ?? null,
      expiresAt: new Date(Date.now() + expiresIn * 1000),
    });
    await this.tokens.insert(row);
    await this.audit.record({
      type: 'registration_token.created',
      ...by,
      detail: { id: row.id, expires_at: row.expiresAt.toISOString() },
    });
    return { registration_token: token, expires_at: Math.floor(row.expiresAt.getTime() / 1000) };
  }

  /** Refuses a missing, unknown or expired token with RFC 6750 §3.1 invalid_token. */
  async verify(token: string | undefined): Promise<void> {
    const row = token ? await this.tokens.findByDigest(sha256(token)) : null;
    if (!row || row.expiresAt.getTime() <= Date.now()) {
      throw new InvalidTokenError('a valid initial access token is required to register a client', undefined, {
        tokenMissing: token === undefined,
      });
    }
  }
}
