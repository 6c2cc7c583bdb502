import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { ApisService } from '../apis/apis.service';
import { Target } from '../apis/resource-target';
import { ClientsService } from '../clients/clients.service';
import { ClientEntity } from '../clients/entities/client.entity';
import { jwsHeader } from '../common/crypto/jws-header';
import { lifetimeProblem } from '../common/crypto/token-lifetime';
import { InvalidTokenError } from '../common/oauth/oauth.error';
import { ProviderEnvironment } from '../config/environment';
import { ChangeCounters } from '../database/change-counters.service';
import { HeldUntilChange } from '../database/held-until-change';
import { RowReader } from '../database/row-reader';
import { GrantStore } from '../grants/grant.store';
import { JwtSigner } from '../keys/jwt-signer.service';
import { KeysService } from '../keys/keys.service';
import { AccessTokenClaims, isAccessTokenClaims, IssuedAccessToken } from './access-token.claims';
import { ClientNow, clientNow, Standing, standingProblem } from './access-token-standing';
import { RevokedAccessTokenEntity } from './revoked-access-token.entity';

/** At most this many verified tokens, and as many revocation statuses, are remembered (a few MB). */
const VERIFIED_TOKENS_KEPT = 10_000;

export interface AccessTokenSubject {
  sub: string;
  clientId: string;
  scope: string;
  grantId?: string;
  /** The API the token is for (RFC 8707): its `aud` and lifetime; undefined: the provider itself. */
  target?: Target;
}

/** Which audiences verify() accepts. */
export type Audience =
  /** The provider's own endpoints (userinfo, the administration API): tokens for the issuer only. */
  | 'provider'
  /** Introspection and revocation: a token for the issuer or for any registered API. */
  | 'any';

/** Issues and checks access tokens: JWTs following RFC 9068, signed with the active key. */
@Injectable()
export class AccessTokensService {
  private readonly issuer: string;
  private readonly ttl: number;
  private readonly clockTolerance: number;
  private readonly alg: 'ES256' | 'RS256';
  /** Tokens whose signature checked out, with their claims (alreadyVerified()); the oldest go first. */
  private readonly verified = new Map<string, AccessTokenClaims>();
  /** Whether a token was revoked, by jti (one fixed statement, database/row-reader.ts). */
  private readonly revokedByJti: RowReader<RevokedAccessTokenEntity>;
  /** Tokens found not revoked, by jti, until anything is revoked, anywhere. */
  private readonly notRevoked: HeldUntilChange<{ revoked: boolean }>;
  /** The clients as standingProblem() reads them, built once per client as ClientsService holds it. */
  private readonly clientsNow = new WeakMap<ClientEntity, ClientNow>();

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly jwt: JwtService,
    private readonly keys: KeysService,
    private readonly signer: JwtSigner,
    private readonly clients: ClientsService,
    private readonly grants: GrantStore,
    @InjectRepository(RevokedAccessTokenEntity) revoked: Repository<RevokedAccessTokenEntity>,
    private readonly counters: ChangeCounters,
    private readonly apis: ApisService,
  ) {
    this.revokedByJti = new RowReader(revoked, ['jti']);
    this.notRevoked = new HeldUntilChange(counters, ['revocations'], VERIFIED_TOKENS_KEPT);
    this.issuer = config.get('ISSUER', { infer: true });
    this.ttl = config.get('ACCESS_TOKEN_TTL', { infer: true });
    this.clockTolerance = config.get('CLOCK_TOLERANCE', { infer: true });
    this.alg = config.get('ACCESS_TOKEN_SIGNING_ALG', { infer: true });
  }

  /**
   * A token for the provider itself (`aud` the issuer, ACCESS_TOKEN_TTL), or for the subject's
   * target API (RFC 8707 §2: `aud` the API's identifier, the API's access_token_ttl).
   */
  async issue(subject: AccessTokenSubject): Promise<IssuedAccessToken> {
    const iat = Math.floor(Date.now() / 1000);
    const ttl = subject.target?.accessTokenTtl ?? this.ttl;
    const claims: AccessTokenClaims = {
      iss: this.issuer,
      sub: subject.sub,
      aud: subject.target?.identifier ?? this.issuer,
      client_id: subject.clientId,
      scope: subject.scope,
      jti: randomUUID(),
      iat,
      exp: iat + ttl,
      ...(subject.grantId && { gid: subject.grantId }),
    };
    // RFC 9068 §2.1: typed, so that no other JWT signed with the same key passes for an access token.
    const token = await this.signer.sign(this.alg, claims, 'at+jwt');
    return { token, claims, expiresIn: ttl };
  }

  /**
   * The claims of a token that is genuine (signed with a key that still verifies), unexpired, no
   * longer-lived than this provider issues for its audience, issued here as an access token with
   * well-formed claims, for an audience `audience` accepts, and whose client (as it is now) and
   * grant still stand; else InvalidTokenError. A token for an API is never accepted by the
   * provider's own endpoints (RFC 8707 §1: audience restriction), whatever its scope.
   */
  async verify(token: string, audience: Audience = 'provider'): Promise<AccessTokenClaims> {
    const invalid = (detail: string) => new InvalidTokenError('the access token is invalid or has expired', detail);
    const header = jwsHeader(token);
    const kid = header?.kid;
    // RFC 9068 §4: refuse anything not typed as an access token, such as an ID token.
    if (!kid || header?.typ !== 'at+jwt') throw invalid('not an access token');
    // Asked also for a token verified before: its key may have been retired too long ago, or withdrawn, since.
    const key = await this.keys.publicKey(kid);
    if (!key) throw invalid('unknown, retired or withdrawn kid');
    let claims = this.alreadyVerified(token);
    if (!claims) {
      let payload: object;
      try {
        // The audience is checked below: the issuer, or a registered API.
        payload = this.jwt.verify<object>(token, {
          publicKey: key.key as never,
          algorithms: [key.alg],
          issuer: this.issuer,
        });
      } catch (error) {
        throw invalid((error as Error).message);
      }
      if (!isAccessTokenClaims(payload)) throw invalid('malformed claims');
      const lifetime = await this.lifetimeFor(payload.aud);
      if (lifetime === undefined) throw invalid('audience is neither the issuer nor a registered API');
      const problem = lifetimeProblem(payload, lifetime, this.clockTolerance);
      if (problem) throw invalid(problem);
      claims = payload;
      this.remember(token, claims);
    }
    if (audience === 'provider' && claims.aud !== this.issuer) throw invalid('a token for an API, not this provider');
    const problem = standingProblem(claims, await this.standing(claims));
    if (problem) throw invalid(problem);
    return claims;
  }

  /**
   * The longest an access token for this audience is issued for: ACCESS_TOKEN_TTL for the issuer,
   * the API's access_token_ttl (at most a day, ACCESS_TOKEN_TTL_BOUNDS) for a registered API;
   * undefined for any other audience, which this provider never issues tokens for.
   */
  private async lifetimeFor(aud: string): Promise<number | undefined> {
    if (aud === this.issuer) return this.ttl;
    return (await this.apis.registered(aud))?.accessTokenTtl;
  }

  /**
   * The claims of a token whose signature, issuer, audience, claims and lifetime were checked
   * before, while it has not expired. A resource server introspects one token again and again; the signature check
   * (ECDSA, about 100 µs) says the same each time; whether the token still stands is standing()'s.
   */
  private alreadyVerified(token: string): AccessTokenClaims | undefined {
    const claims = this.verified.get(token);
    // jsonwebtoken's own rule: expired from the second `exp` names.
    if (claims && Math.floor(Date.now() / 1000) >= claims.exp) {
      this.verified.delete(token);
      return undefined;
    }
    return claims;
  }

  private remember(token: string, claims: AccessTokenClaims): void {
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, Object.freeze(claims));
  }

  /**
   * What the token depends on: its client as it is now, its grant (if any), its own revocation.
   * Each is held in memory until a change of its kind is counted, on any instance
   * (HeldUntilChange): the client by ClientStore until any client changes, the grant by
   * GrantStore until a client changes or anything is revoked, and here, per token, that it was
   * not revoked, until anything is revoked. A resource server asks about the same token again and
   * again: then no statement runs. The three are asked in the same turn of the event loop, so they
   * share one read of the change counters; the standing is judged (access-token-standing.ts) on
   * every call.
   */
  private async standing(claims: AccessTokenClaims): Promise<Standing> {
    const [client, grant, own] = await Promise.all([
      this.clients.findById(claims.client_id),
      claims.gid ? this.grants.findActive(claims.gid) : null,
      this.notRevoked.get(
        claims.jti,
        () => this.readRevoked(claims.jti),
        (found) => !found.revoked,
      ),
    ]);
    return {
      client: client && this.clientNow(client),
      grantActive: !claims.gid || grant !== null,
      revoked: own!.revoked,
    };
  }

  private async readRevoked(jti: string): Promise<{ revoked: boolean }> {
    return { revoked: (await this.revokedByJti.findOne(jti)) !== null };
  }

  private clientNow(client: ClientEntity): ClientNow {
    let now = this.clientsNow.get(client);
    if (!now) this.clientsNow.set(client, (now = clientNow(client)));
    return now;
  }

  /** Revokes one access token (RFC 7009) until it would have expired anyway, on every instance at once (a counted change). */
  async revoke(claims: AccessTokenClaims): Promise<void> {
    await this.counters.counted('revocations', (manager) =>
      manager.upsert(RevokedAccessTokenEntity, { jti: claims.jti, expiresAt: new Date(claims.exp * 1000) }, ['jti']),
    );
  }
}
