import { Injectable } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ApisService } from '../../apis/apis.service';
import { AuditRecord, AuditService } from '../../audit/audit.service';
import { AuthCodesService } from '../../auth-codes/auth-codes.service';
import { ClientEntity } from '../../clients/entities/client.entity';
import { safeEqual, sha256, timeOrderedUuid } from '../../common/crypto/tokens';
import { InvalidGrantError } from '../../common/oauth/oauth.error';
import { TransactionsService } from '../../database/transactions.service';
import { GrantEntity } from '../../grants/grant.entity';
import { GrantStore } from '../../grants/grant.store';
import { UsersService } from '../../users/users.service';
import { TokenResponse } from '../token-response';
import { TokenResponseFactory } from '../token-response.factory';
import { GrantHandler } from './grant-handler';
import { grantTarget } from './grant-target';

export class AuthorizationCodeParams {
  @IsString()
  @MaxLength(512)
  code: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  redirect_uri?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  code_verifier?: string;

  /** RFC 8707 §2.2: must name the resource authorized (TokensService has checked its form). */
  @IsOptional()
  @IsString()
  resource?: string;
}

const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

const invalid = (detail: string) =>
  new InvalidGrantError('the authorization code is invalid, expired or already used', detail);

/** RFC 6749 §4.1.3: the authorization code grant, with PKCE (RFC 7636 §4.6). */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler<AuthorizationCodeParams> {
  readonly grantType = 'authorization_code';
  readonly parameters = AuthorizationCodeParams;

  constructor(
    private readonly codes: AuthCodesService,
    private readonly grants: GrantStore,
    private readonly users: UsersService,
    private readonly responses: TokenResponseFactory,
    private readonly transactions: TransactionsService,
    private readonly audit: AuditService,
    private readonly apis: ApisService,
  ) {}

  async handle(params: AuthorizationCodeParams, client: ClientEntity, ip: string): Promise<TokenResponse> {
    const code = await this.codes.find(params.code);

    // §4.1.3: "ensure that the authorization code was issued to the authenticated confidential client".
    if (!code || code.clientId !== client.clientId) throw invalid('unknown code or another client’s');
    const audit = { actor: `client:${client.clientId}`, userId: code.userId, clientId: client.clientId, ip };
    // §4.1.2: a code used twice is refused, and what it produced is revoked.
    if (code.consumedAt) {
      if (code.grantId) await this.grants.revoke(code.grantId);
      await this.audit.record({ type: 'code.reuse_detected', ...audit, detail: { grant_id: code.grantId } });
      throw invalid('code replayed');
    }
    if (code.expiresAt.getTime() <= Date.now()) throw invalid('code expired');
    // RFC 9700 §2.1.1: PKCE is all a public client proves. A code made without a challenge, while the
    // client was still confidential, is not redeemed by whoever knows its client_id alone.
    if (client.isPublic && !code.codeChallenge) throw invalid('code without a challenge for a public client');
    // §4.1.3: redirect_uri required and identical if the authorization request named it.
    if (
      code.redirectUriSent
        ? params.redirect_uri !== code.redirectUri
        : params.redirect_uri !== undefined && params.redirect_uri !== code.redirectUri
    ) {
      throw new InvalidGrantError('redirect_uri does not match the authorization request');
    }
    // RFC 7636 §4.6, and RFC 9700 §4.8.2 against downgrade: a verifier exactly when a challenge was made.
    if (code.codeChallenge) {
      if (!params.code_verifier || !PKCE_VERIFIER.test(params.code_verifier)) {
        throw new InvalidGrantError('code_verifier is missing or malformed');
      }
      const computed = Buffer.from(sha256(params.code_verifier), 'hex').toString('base64url');
      if (!safeEqual(computed, code.codeChallenge))
        throw new InvalidGrantError('code_verifier does not match the challenge');
    } else if (params.code_verifier !== undefined) {
      throw new InvalidGrantError('code_verifier sent for a code issued without a code_challenge');
    }
    // A user disabled since consenting gives no grant (UserAccountsService ends those given before).
    if (!(await this.users.findActive(code.userId))) throw invalid('user gone or disabled');
    const target = await grantTarget(this.apis, code.resource, params.resource);

    // Consuming the code and storing what it yields happen in one transaction: never both, never neither.
    // The grant's id and refresh token are made once: an attempt run again (TransactionsService) stores the same.
    const grantId = timeOrderedUuid();
    const refreshToken = this.responses.firstRefreshToken(client);
    const stored = await this.transactions.run(async (manager) => {
      if (!(await this.codes.consume(manager, code, grantId))) return null;
      const grant = await this.grants.create(manager, {
        id: grantId,
        clientId: client.clientId,
        userId: code.userId,
        scope: code.scope,
        resource: code.resource,
        authTime: code.authTime,
      });
      await this.responses.storeRefreshToken(manager, grant, refreshToken);
      return grant;
    });
    const grant = stored ?? (await this.storedEarlier(params.code, grantId, audit));
    const response = await this.responses.respond(grant, client, {
      scope: code.scope,
      nonce: code.nonce,
      refreshToken,
      target,
    });
    await this.audit.record({
      type: 'token.issued',
      ...audit,
      detail: {
        grant_type: this.grantType,
        scope: code.scope,
        grant_id: grantId,
        ...(target && { resource: target.identifier }),
      },
    });
    return response;
  }

  /**
   * The grant if the code was consumed for it after all: an earlier attempt of this request committed,
   * and its answer was lost with its connection. Otherwise a concurrent request redeemed the code
   * first: a replay too, so what it produced is revoked, and this request refused.
   */
  private async storedEarlier(
    codeValue: string,
    grantId: string,
    audit: Omit<AuditRecord, 'type'>,
  ): Promise<GrantEntity> {
    const winner = await this.codes.find(codeValue);
    const ours = winner?.grantId === grantId ? await this.grants.findActive(grantId) : null;
    if (ours) return ours;
    if (winner?.grantId) await this.grants.revoke(winner.grantId);
    await this.audit.record({ ...audit, type: 'code.reuse_detected', detail: { grant_id: winner?.grantId ?? null } });
    throw invalid('code replayed concurrently');
  }
}
