import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SessionUser } from '../auth/session.types';
import { timeOrderedToken, tokenDigest } from '../common/crypto/tokens';
import { ProviderEnvironment } from '../config/environment';
import { AuthorizationCodeStore } from './authorization-code.store';
import { AuthorizationRequest } from './authorization-request';
import { AuthorizationCodeEntity } from './entities/authorization-code.entity';

/** Authorization codes (RFC 6749 §4.1.2): made at consent, redeemed once at the token endpoint. */
@Injectable()
export class AuthCodesService {
  private readonly ttl: number;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly codes: AuthorizationCodeStore,
    private readonly audit: AuditService,
  ) {
    this.ttl = config.get('AUTH_CODE_TTL', { infer: true });
  }

  /**
   * Makes a code for what the user allowed: 256 random bits after its time, stored only as its digest (tokenDigest).
   * The request's scope is already what this user may grant (AuthorizationService.signedIn).
   */
  async issue(request: AuthorizationRequest, user: SessionUser, ip: string): Promise<string> {
    const scope = request.scope.join(' ');
    const code = timeOrderedToken();
    await this.codes.create({
      codeHash: tokenDigest(code),
      clientId: request.client.clientId,
      userId: user.id,
      redirectUri: request.redirectUri,
      redirectUriSent: request.redirectUriSent,
      scope,
      resource: request.resource ?? null,
      codeChallenge: request.codeChallenge ?? null,
      nonce: request.nonce ?? null,
      authTime: new Date(user.authTime * 1000),
      expiresAt: new Date(Date.now() + this.ttl * 1000),
    });
    await this.audit.record({
      type: 'code.issued',
      actor: `user:${user.id}`,
      userId: user.id,
      clientId: request.client.clientId,
      ip,
      detail: { scope, ...(request.resource && { resource: request.resource }) },
    });
    return code;
  }

  find(code: string): Promise<AuthorizationCodeEntity | null> {
    return this.codes.find(tokenDigest(code));
  }

  /** Marks the code used by the grant it produced, in the caller's transaction: of concurrent redemptions exactly one sees true. */
  consume(manager: EntityManager, code: AuthorizationCodeEntity, grantId: string): Promise<boolean> {
    return this.codes.consume(manager, code.codeHash, grantId);
  }
}
