import { Injectable } from '@nestjs/common';
import { AccessTokensService } from '../access-tokens/access-tokens.service';
import { accessTokenScope, Target } from '../apis/resource-target';
import { ClientEntity } from '../clients/entities/client.entity';
import { GrantEntity } from '../grants/grant.entity';
import { IdTokensService } from '../id-tokens/id-tokens.service';
import { EntityManager } from 'typeorm';
import { RefreshTokensService } from './refresh-tokens.service';
import { TokenResponse } from './token-response';

/**
 * Every token response (RFC 6749 §5.1). A user grant yields an access token; a refresh token
 * when the client may refresh; an ID token when `openid` was granted (OpenID Connect Core
 * §3.1.3.3). In two steps: what is stored (the refresh token) in the caller's transaction, then
 * the signed tokens after it, so that no transaction stays open while a signature is computed.
 * A client acting for itself gets an access token alone (forClient).
 */
@Injectable()
export class TokenResponseFactory {
  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly idTokens: IdTokensService,
  ) {}

  /**
   * The value of a new grant's first refresh token when the client may refresh, else undefined; made
   * before the transaction that stores it (storeRefreshToken), so that an attempt run again stores the same.
   */
  firstRefreshToken(client: ClientEntity): string | undefined {
    return client.grantTypes.includes('refresh_token') ? this.refreshTokens.newToken() : undefined;
  }

  /** Stores the grant's first refresh token, if there is one, in the caller's transaction. */
  async storeRefreshToken(manager: EntityManager, grant: GrantEntity, token: string | undefined): Promise<void> {
    if (token) await this.refreshTokens.issue(manager, grant, token);
  }

  /**
   * The tokens for `scope` (what the request is granted). With a target API (RFC 8707), the access
   * token is for that API and carries only its scopes, and the answer's `scope` is the access
   * token's (RFC 6749 §5.1); the OpenID scopes still decide the ID token.
   */
  async respond(
    grant: GrantEntity,
    client: ClientEntity,
    options: { scope: string; nonce?: string | null; refreshToken?: string; target?: Target },
  ): Promise<TokenResponse> {
    const granted = options.scope.split(' ');
    const scope = accessTokenScope(options.target, granted).join(' ');
    const access = await this.accessTokens.issue({
      sub: grant.userId,
      clientId: client.clientId,
      scope,
      grantId: grant.id,
      target: options.target,
    });
    const response: TokenResponse = {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      scope,
      ...(options.refreshToken && { refresh_token: options.refreshToken }),
    };
    if (granted.includes('openid')) {
      response.id_token = await this.idTokens.issue({
        sub: grant.userId,
        clientId: client.clientId,
        alg: client.idTokenSignedResponseAlg,
        authTime: grant.authTime,
        nonce: options.nonce,
        accessToken: access.token,
      });
    }
    return response;
  }

  /**
   * RFC 6749 §4.4.3: an access token for the client itself, no refresh token; RFC 9068 §2.2: the
   * client is the subject. For a target API, of `scope` only the API's scopes.
   */
  async forClient(client: ClientEntity, scope: string, target?: Target): Promise<TokenResponse> {
    const carried = accessTokenScope(target, scope.split(' ').filter(Boolean)).join(' ');
    const access = await this.accessTokens.issue({
      sub: client.clientId,
      clientId: client.clientId,
      scope: carried,
      target,
    });
    return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope: carried };
  }
}
