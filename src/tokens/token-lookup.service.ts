import { Injectable } from '@nestjs/common';
import { AccessTokenClaims } from '../access-tokens/access-token.claims';
import { AccessTokensService } from '../access-tokens/access-tokens.service';
import { ClientEntity } from '../clients/entities/client.entity';
import { InvalidTokenError } from '../common/oauth/oauth.error';
import { GrantEntity } from '../grants/grant.entity';
import { GrantStore } from '../grants/grant.store';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { RefreshTokensService } from './refresh-tokens.service';

export type FoundToken =
  | { kind: 'access_token'; claims: AccessTokenClaims }
  | { kind: 'refresh_token'; token: RefreshTokenEntity; grant: GrantEntity };

/**
 * Finds what a presented token is, for revocation and introspection: a live
 * access token issued here, for the provider or one of its APIs, or a live refresh token of the asking client.
 * The hint only decides which kind is tried first.
 */
@Injectable()
export class TokenLookupService {
  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly grants: GrantStore,
  ) {}

  async find(token: string, hint: string | undefined, client: ClientEntity): Promise<FoundToken | null> {
    const order = hint === 'refresh_token' ? [this.refresh, this.access] : [this.access, this.refresh];
    for (const lookup of order) {
      const found = await lookup.call(this, token, client);
      if (found) return found;
    }
    return null;
  }

  private async access(token: string): Promise<FoundToken | null> {
    if (token.split('.').length !== 3) return null;
    try {
      // Tokens for the registered APIs too (RFC 8707): those are what resource servers introspect.
      return { kind: 'access_token', claims: await this.accessTokens.verify(token, 'any') };
    } catch (error) {
      if (error instanceof InvalidTokenError) return null;
      throw error;
    }
  }

  private async refresh(token: string, client: ClientEntity): Promise<FoundToken | null> {
    const row = await this.refreshTokens.find(token);
    // Refresh tokens are the client's own secret: no other client learns anything about them.
    if (!row || row.clientId !== client.clientId || row.isRotated || row.expiresAt.getTime() <= Date.now()) return null;
    const grant = await this.grants.findActive(row.grantId);
    return grant ? { kind: 'refresh_token', token: row, grant } : null;
  }
}
