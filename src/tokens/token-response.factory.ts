import { Injectable } from '@nestjs/common';
import { AccessTokensService } from '../access-tokens/access-tokens.service';
import { GrantEntity } from '../auth-codes/entities/grant.entity';
import { ClientEntity } from '../clients/entities/client.entity';
import { IdTokensService } from '../id-tokens/id-tokens.service';
import { EntityManager } from 'typeorm';
import { RefreshTokensService } from './refresh-tokens.service';
import { TokenResponse } from './token-response';

/**
 * The tokens a user grant yields (RFC 6749 §5.1): an access token; a refresh
 * token when the client may refresh; an ID token when `openid` was granted
 * (OpenID Connect Core §3.1.3.3). Written in the caller's transaction.
 */
@Injectable()
export class TokenResponseFactory {
  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly idTokens: IdTokensService,
  ) {}

  async forGrant(
    manager: EntityManager,
    grant: GrantEntity,
    client: ClientEntity,
    options: { scope: string; nonce?: string | null },
  ): Promise<TokenResponse> {
    const access = this.accessTokens.issue({
      sub: grant.userId,
      clientId: client.clientId,
      scope: options.scope,
      grantId: grant.id,
    });
    const response: TokenResponse = {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      scope: options.scope,
    };
    if (client.grantTypes.includes('refresh_token')) {
      response.refresh_token = await this.refreshTokens.issue(manager, grant);
    }
    if (options.scope.split(' ').includes('openid')) {
      response.id_token = this.idTokens.issue({
        sub: grant.userId,
        clientId: client.clientId,
        authTime: grant.authTime,
        nonce: options.nonce,
        accessToken: access.token,
      });
    }
    return response;
  }
}
