import { Injectable } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ApisService } from '../../apis/apis.service';
import { AuditRecord, AuditService } from '../../audit/audit.service';
import { ClientEntity } from '../../clients/entities/client.entity';
import { InvalidGrantError, InvalidScopeError } from '../../common/oauth/oauth.error';
import { formatScope, isSubset, parseScope } from '../../common/oauth/scope';
import { GrantStore } from '../../grants/grant.store';
import { ProviderMetrics } from '../../metrics/provider-metrics';
import { entitledScope } from '../../users/entitled-scope';
import { UsersService } from '../../users/users.service';
import { RefreshTokensService } from '../refresh-tokens.service';
import { TokenResponseFactory } from '../token-response.factory';
import { TokenResponse } from '../token-response';
import { GrantHandler } from './grant-handler';
import { grantTarget } from './grant-target';

export class RefreshTokenParams {
  @IsString()
  @MaxLength(512)
  refresh_token: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  scope?: string;

  /** RFC 8707 §2.2: may name the grant's resource, nothing else (TokensService has checked its form). */
  @IsOptional()
  @IsString()
  resource?: string;
}

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): each refresh token works once, and none outlasts
 * its grant's absolute lifetime. A refresh yields only what the grant still covers: its scope less
 * what the client's registration or the user has lost since. Without `scope`, the new access token
 * gets all of that; a `scope` naming anything else, a lost scope too, is refused (invalid_scope);
 * and a grant with nothing left, or whose user is gone or disabled, is refused as invalid_grant.
 * The access token is for the grant's resource (RFC 8707), with or without `resource`, which may
 * name that resource only: a refresh token never yields a token for another audience.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler<RefreshTokenParams> {
  readonly grantType = 'refresh_token';
  readonly parameters = RefreshTokenParams;

  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly grants: GrantStore,
    private readonly users: UsersService,
    private readonly responses: TokenResponseFactory,
    private readonly audit: AuditService,
    private readonly apis: ApisService,
    private readonly metrics: ProviderMetrics,
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
      await this.reuseDetected(token.grantId, audit);
      throw invalid('rotated token reused');
    }
    const now = Date.now();
    if (token.expiresAt.getTime() <= now) throw invalid('token expired');
    const grant = await this.grants.findActive(token.grantId);
    if (!grant) throw invalid('grant revoked');
    if (client.madePublicSince(grant.createdAt)) throw invalid('grant made before the client was made public');
    if (this.refreshTokens.grantEnds(grant).getTime() <= now) throw invalid('grant past its absolute lifetime');
    const user = await this.users.findActive(token.userId);
    if (!user) throw invalid('user gone or disabled');
    const target = await grantTarget(this.apis, grant.resource, params.resource);

    // The token carries what the grant covered at its last refresh; what was lost since is lost for good.
    const clientScope = new Set(parseScope(client.scope));
    const covered = entitledScope(
      user,
      (parseScope(token.scope) ?? []).filter((s) => clientScope.has(s)),
    );
    if (covered.length === 0) throw invalid('nothing of the grant’s scope is still allowed');
    const requested = params.scope === undefined ? covered : parseScope(params.scope);
    // §6: the new access token's scope may be narrower than the grant's, never wider.
    if (!requested || requested.length === 0 || !isSubset(requested, covered)) {
      throw new InvalidScopeError('scope must be within the scope granted and still allowed');
    }

    const refreshToken = await this.refreshTokens.rotate(token, grant, formatScope(covered));
    if (!refreshToken) {
      // Another request rotated this token between our read and our write: reuse all the same.
      await this.reuseDetected(token.grantId, audit);
      throw invalid('rotated token reused concurrently');
    }
    const response = await this.responses.respond(grant, client, {
      scope: requested.join(' '),
      refreshToken,
      target,
    });
    await this.audit.record({ type: 'token.refreshed', ...audit, detail: { ...audit.detail, scope: response.scope } });
    return response;
  }

  /** A rotated token came back (it leaked, or two requests raced with it): its grant is revoked, and the reuse told. */
  private async reuseDetected(grantId: string, audit: Omit<AuditRecord, 'type'>): Promise<void> {
    await this.grants.revoke(grantId);
    await this.audit.record({ type: 'refresh_token.reuse_detected', ...audit });
    this.metrics.tokens.refreshTokenReused();
  }
}
