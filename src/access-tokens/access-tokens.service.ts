import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { GrantEntity } from '../auth-codes/entities/grant.entity';
import { ClientEntity } from '../clients/entities/client.entity';
import { RevokedAccessTokenEntity } from './revoked-access-token.entity';
import { InvalidTokenError } from '../common/oauth/oauth.error';
import { ProviderEnvironment } from '../config/environment';
import { KeysService } from '../keys/keys.service';
import { AccessTokenClaims, IssuedAccessToken } from './access-token.claims';

export interface AccessTokenSubject {
  sub: string;
  clientId: string;
  scope: string;
  grantId?: string;
}

/** Issues and checks access tokens: JWTs following RFC 9068, signed with the active key. */
@Injectable()
export class AccessTokensService {
  private readonly issuer: string;
  private readonly ttl: number;
  private readonly alg: 'ES256' | 'RS256';

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly jwt: JwtService,
    private readonly keys: KeysService,
    @InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>,
    @InjectRepository(GrantEntity) private readonly grants: Repository<GrantEntity>,
    @InjectRepository(RevokedAccessTokenEntity) private readonly revoked: Repository<RevokedAccessTokenEntity>,
  ) {
    this.issuer = config.get('ISSUER', { infer: true });
    this.ttl = config.get('ACCESS_TOKEN_TTL', { infer: true });
    this.alg = config.get('ACCESS_TOKEN_SIGNING_ALG', { infer: true });
  }

  issue(subject: AccessTokenSubject): IssuedAccessToken {
    const iat = Math.floor(Date.now() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.issuer,
      sub: subject.sub,
      aud: this.issuer,
      client_id: subject.clientId,
      scope: subject.scope,
      jti: randomUUID(),
      iat,
      exp: iat + this.ttl,
      ...(subject.grantId && { gid: subject.grantId }),
    };
    const key = this.keys.activeKey(this.alg);
    const token = this.jwt.sign(claims, {
      algorithm: key.alg,
      privateKey: key.privateKey,
      keyid: key.kid,
      header: { alg: key.alg, typ: 'at+jwt' },
    });
    return { token, claims, expiresIn: this.ttl };
  }

  /**
   * The claims of a token that is genuine, unexpired, issued here as an
   * access token, and whose client and grant still stand; else InvalidTokenError.
   */
  async verify(token: string): Promise<AccessTokenClaims> {
    const invalid = (detail: string) => new InvalidTokenError('the access token is invalid or has expired', detail);
    const decoded = this.jwt.decode<{ header?: { kid?: string; typ?: string } } | null>(token, { complete: true });
    const kid = decoded?.header?.kid;
    // RFC 9068 §4: refuse anything not typed as an access token, such as an ID token.
    if (!kid || decoded?.header?.typ !== 'at+jwt') throw invalid('not an access token');
    const key = await this.keys.publicKey(kid);
    if (!key) throw invalid('unknown kid');
    let claims: AccessTokenClaims;
    try {
      claims = this.jwt.verify<AccessTokenClaims>(token, {
        publicKey: key.key as never,
        algorithms: [key.alg],
        issuer: this.issuer,
        audience: this.issuer,
      });
    } catch (error) {
      throw invalid((error as Error).message);
    }
    const [clientExists, grantActive, revoked] = await Promise.all([
      this.clients.existsBy({ clientId: claims.client_id }),
      claims.gid ? this.grants.existsBy({ id: claims.gid, revokedAt: IsNull() }) : true,
      this.revoked.existsBy({ jti: claims.jti }),
    ]);
    if (!clientExists) throw invalid('client deleted');
    if (!grantActive) throw invalid('grant revoked');
    if (revoked) throw invalid('token revoked');
    return claims;
  }

  /** Revokes one access token (RFC 7009) until it would have expired anyway. */
  async revoke(claims: AccessTokenClaims): Promise<void> {
    await this.revoked.upsert({ jti: claims.jti, expiresAt: new Date(claims.exp * 1000) }, ['jti']);
  }
}
