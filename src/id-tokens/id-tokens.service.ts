import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { createHash } from 'node:crypto';
import { jwsHeader } from '../common/crypto/jws-header';
import { lifetimeProblem } from '../common/crypto/token-lifetime';
import { IdTokenSigningAlg, isIdTokenSigningAlg } from '../common/oauth/id-token-signing-algs';
import { ProviderEnvironment } from '../config/environment';
import { JwtSigner } from '../keys/jwt-signer.service';
import { KeysService } from '../keys/keys.service';

export interface IdTokenInput {
  sub: string;
  clientId: string;
  /** The client's `id_token_signed_response_alg`. */
  alg: IdTokenSigningAlg;
  authTime: Date;
  nonce?: string | null;
  accessToken: string;
}

export interface IdTokenHint {
  sub: string;
  aud: string;
}

/**
 * OpenID Connect Core §2 ID tokens, signed with the active key of the algorithm the client
 * registered: RS256 (the one every relying party supports, §15.1) unless it asked for ES256.
 */
@Injectable()
export class IdTokensService {
  private readonly issuer: string;
  private readonly ttl: number;
  private readonly clockTolerance: number;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly jwt: JwtService,
    private readonly keys: KeysService,
    private readonly signer: JwtSigner,
  ) {
    this.issuer = config.get('ISSUER', { infer: true });
    this.ttl = config.get('ACCESS_TOKEN_TTL', { infer: true });
    this.clockTolerance = config.get('CLOCK_TOLERANCE', { infer: true });
  }

  issue(input: IdTokenInput): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    const claims = {
      iss: this.issuer,
      sub: input.sub,
      aud: input.clientId,
      azp: input.clientId,
      iat,
      exp: iat + this.ttl,
      auth_time: Math.floor(input.authTime.getTime() / 1000),
      ...(input.nonce && { nonce: input.nonce }),
      at_hash: atHash(input.accessToken),
    };
    return this.signer.sign(input.alg, claims);
  }

  /**
   * The subject and audience of an ID token this provider issued, expired or
   * not (RP-Initiated Logout §2: an id_token_hint may have expired); null if
   * it is not one of ours, its key verifies no more, or it claims to live
   * longer than ID tokens issued here.
   */
  async verifyHint(token: string): Promise<IdTokenHint | null> {
    const header = jwsHeader(token);
    // An access token (typ at+jwt) is no ID token, even when signed with the same key.
    if (!header?.kid || header.typ === 'at+jwt') return null;
    const key = await this.keys.publicKey(header.kid);
    // The key's own algorithm only, and one ID tokens are signed with.
    if (!key || !isIdTokenSigningAlg(key.alg)) return null;
    try {
      const claims = this.jwt.verify<{ sub: unknown; aud: unknown; iat?: unknown; exp?: unknown }>(token, {
        publicKey: key.key as never,
        algorithms: [key.alg],
        issuer: this.issuer,
        ignoreExpiration: true,
      });
      if (lifetimeProblem(claims, this.ttl, this.clockTolerance)) return null;
      return typeof claims.sub === 'string' && typeof claims.aud === 'string'
        ? { sub: claims.sub, aud: claims.aud }
        : null;
    } catch {
      return null;
    }
  }
}

/** §3.1.3.6: base64url of the left half of the access token's hash, SHA-256 for RS256 and ES256 alike. */
function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}
