import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SessionUser } from '../auth/session.types';
import { randomToken, sha256 } from '../common/crypto/tokens';
import { ProviderEnvironment } from '../config/environment';
import { RowReader } from '../database/row-reader';
import { RowWriter } from '../database/row-writer';
import { AuthorizationRequest } from './authorization-request';
import { AuthorizationCodeEntity } from './entities/authorization-code.entity';

/** Authorization codes (RFC 6749 §4.1.2): made at consent, redeemed once at the token endpoint. */
@Injectable()
export class AuthCodesService {
  private readonly ttl: number;
  private readonly byHash: RowReader<AuthorizationCodeEntity>;
  private readonly writer: RowWriter<AuthorizationCodeEntity>;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    @InjectRepository(AuthorizationCodeEntity) private readonly codes: Repository<AuthorizationCodeEntity>,
    private readonly audit: AuditService,
  ) {
    this.ttl = config.get('AUTH_CODE_TTL', { infer: true });
    this.byHash = new RowReader(codes, ['codeHash']);
    this.writer = new RowWriter(codes);
  }

  /**
   * Makes a code for what the user allowed: 256 random bits, stored only as their SHA-256.
   * The request's scope is already what this user may grant (AuthorizationService.signedIn).
   */
  async issue(request: AuthorizationRequest, user: SessionUser, ip: string): Promise<string> {
    const scope = request.scope.join(' ');
    const code = randomToken(32);
    await this.writer.insert(this.codes.manager, {
      codeHash: sha256(code),
      clientId: request.client.clientId,
      userId: user.id,
      redirectUri: request.redirectUri,
      redirectUriSent: request.redirectUriSent,
      scope,
      codeChallenge: request.codeChallenge ?? null,
      nonce: request.nonce ?? null,
      authTime: new Date(user.authTime * 1000),
      expiresAt: new Date(Date.now() + this.ttl * 1000),
      consumedAt: null,
      grantId: null,
    });
    await this.audit.record({
      type: 'code.issued',
      actor: `user:${user.id}`,
      userId: user.id,
      clientId: request.client.clientId,
      ip,
      detail: { scope },
    });
    return code;
  }

  find(code: string): Promise<AuthorizationCodeEntity | null> {
    return this.byHash.findOne(sha256(code));
  }

  /**
   * Marks the code used by the grant it produced, in the caller's transaction.
   * One conditional UPDATE: of concurrent redemptions exactly one sees true.
   */
  async consume(manager: EntityManager, code: AuthorizationCodeEntity, grantId: string): Promise<boolean> {
    return this.writer.claim(manager, { codeHash: code.codeHash }, 'consumedAt', { consumedAt: new Date(), grantId });
  }
}
