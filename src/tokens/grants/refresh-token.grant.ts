import { Injectable } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AuditService } from '../../audit/audit.service';
import { GrantsService } from '../../auth-codes/grants.service';
import { ClientEntity } from '../../clients/entities/client.entity';
import { InvalidGrantError, InvalidScopeError } from '../../common/oauth/oauth.error';
import { isSubset, parseScope } from '../../common/oauth/scope';
import { RefreshTokensService } from '../refresh-tokens.service';
import { TokenResponseFactory } from '../token-response.factory';
import { TokenResponse } from '../token-response';
import { GrantHandler } from './grant-handler';

export class RefreshTokenParams {
  @IsString()
  @MaxLength(512)
  refresh_token: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  scope?: string;
}

/** RFC 6749 §6 with rotation (RFC 9700 §4.14.2): each refresh token works once. */
@Injectable()
export class RefreshTokenGrant implements GrantHandler<RefreshTokenParams> {
  readonly grantType = 'refresh_token';
  readonly parameters = RefreshTokenParams;

  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly grants: GrantsService,
    private readonly responses: TokenResponseFactory,
    private readonly audit: AuditService,
  ) {}

  async handle(params: RefreshTokenParams, client: ClientEntity, ip: string): Promise<TokenResponse> {
    const invalid = (detail: string) =>
      new InvalidGrantError('the refresh token is invalid, expired or revoked', detail);
    const token = await this.refreshTokens.find(params.refresh_token);
    // §6: "validate the refresh token and ensure that it was issued to the authenticated client".
    if (!token || token.clientId !== client.clientId) throw invalid('unknown token or another client’s');
    const audit = {
      actor: `client:${client.clientId}`,
      userId: token.userId,
      clientId: client.clientId,
      ip,
      detail: { grant_id: token.grantId },
    };
    if (token.isRotated) {
      // RFC 9700 §4.14.2: a rotated token presented again means it leaked; the whole grant dies.
      await this.grants.revoke(token.grantId);
      await this.audit.record({ type: 'refresh_token.reuse_detected', ...audit });
      throw invalid('rotated token reused');
    }
    if (token.expiresAt.getTime() <= Date.now()) throw invalid('token expired');
    const grant = await this.grants.findActive(token.grantId);
    if (!grant) throw invalid('grant revoked');

    const granted = parseScope(token.scope) ?? [];
    const requested = params.scope === undefined ? granted : parseScope(params.scope);
    // §6: the new access token's scope may be narrower than the grant's, never wider.
    if (!requested || requested.length === 0 || !isSubset(requested, granted)) {
      throw new InvalidScopeError('scope must be within the scope originally granted');
    }

    const refreshToken = await this.refreshTokens.rotate(token, grant);
    if (!refreshToken) {
      // Another request rotated this token between our read and our write: reuse all the same.
      await this.grants.revoke(token.grantId);
      await this.audit.record({ type: 'refresh_token.reuse_detected', ...audit });
      throw invalid('rotated token reused concurrently');
    }
    const response = await this.responses.respond(grant, client, {
      scope: requested.join(' '),
      refreshToken,
    });
    await this.audit.record({ type: 'token.refreshed', ...audit, detail: { ...audit.detail, scope: response.scope } });
    return response;
  }
}
