import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { ClientEntity } from '../clients/entities/client.entity';
import { RevokedAccessTokenEntity } from './revoked-access-token.entity';
import { jwsHeader } from '../common/crypto/jws-header';
import { lifetimeProblem } from '../common/crypto/token-lifetime';
import { parseScope } from '../common/oauth/scope';
import { InvalidTokenError } from '../common/oauth/oauth.error';
import { ProviderEnvironment } from '../config/environment';
import { ChangeCounters } from '../database/change-counters.service';
import { HeldUntilChange } from '../database/held-until-change';
import { GrantEntity } from '../grants/grant.entity';
import { JwtSigner } from '../keys/jwt-signer.service';
import { KeysService } from '../keys/keys.service';
import { AccessTokenClaims, isAccessTokenClaims, IssuedAccessToken } from './access-token.claims';
import { Standing, standingProblem } from './access-token-standing';

/** At most this many verified tokens, and as many standings, are remembered (a few MB). */
const VERIFIED_TOKENS_KEPT = 10_000;

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
  private readonly clockTolerance: number;
  private readonly alg: 'ES256' | 'RS256';
  /** Tokens whose signature checked out, with their claims (alreadyVerified()); the oldest go first. */
  private readonly verified = new Map<string, AccessTokenClaims>();
  /** The statement of standing(), built on first use from the entities' metadata. */
  private standingSql?: { withGrant: string; withoutGrant: string; clientColumns: ColumnMetadata[] };
  /** Standings found good, until a client changes or anything is revoked, anywhere. */
  private readonly standings: HeldUntilChange<Standing>;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly jwt: JwtService,
    private readonly keys: KeysService,
    private readonly signer: JwtSigner,
    @InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>,
    @InjectRepository(GrantEntity) private readonly grants: Repository<GrantEntity>,
    @InjectRepository(RevokedAccessTokenEntity) private readonly revoked: Repository<RevokedAccessTokenEntity>,
    private readonly counters: ChangeCounters,
  ) {
    this.standings = new HeldUntilChange(counters, ['clients', 'revocations'], VERIFIED_TOKENS_KEPT);
    this.issuer = config.get('ISSUER', { infer: true });
    this.ttl = config.get('ACCESS_TOKEN_TTL', { infer: true });
    this.clockTolerance = config.get('CLOCK_TOLERANCE', { infer: true });
    this.alg = config.get('ACCESS_TOKEN_SIGNING_ALG', { infer: true });
  }

  async issue(subject: AccessTokenSubject): Promise<IssuedAccessToken> {
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
    // RFC 9068 §2.1: typed, so that no other JWT signed with the same key passes for an access token.
    const token = await this.signer.sign(this.alg, claims, 'at+jwt');
    return { token, claims, expiresIn: this.ttl };
  }

  /**
   * The claims of a token that is genuine (signed with a key that still verifies), unexpired, no
   * longer-lived than this provider issues, issued here as an access token with well-formed
   * claims, and whose client (as it is now) and grant still stand; else InvalidTokenError.
   */
  async verify(token: string): Promise<AccessTokenClaims> {
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
        payload = this.jwt.verify<object>(token, {
          publicKey: key.key as never,
          algorithms: [key.alg],
          issuer: this.issuer,
          audience: this.issuer,
        });
      } catch (error) {
        throw invalid((error as Error).message);
      }
      if (!isAccessTokenClaims(payload)) throw invalid('malformed claims');
      const problem = lifetimeProblem(payload, this.ttl, this.clockTolerance);
      if (problem) throw invalid(problem);
      claims = payload;
      this.remember(token, claims);
    }
    const problem = standingProblem(claims, await this.standing(claims));
    if (problem) throw invalid(problem);
    return claims;
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
   * A standing the token passes is held in memory until a client changes or anything is revoked,
   * on any instance (HeldUntilChange): a resource server asks about the same token again and
   * again. It is held per token, and judged (access-token-standing.ts) on every call: the key
   * names the token's jti, whose claims the signature fixes, so a held standing is only ever
   * judged against the claims that earned it; one the token fails is not held.
   */
  private async standing(claims: AccessTokenClaims): Promise<Standing> {
    const key = `${claims.jti} ${claims.client_id} ${claims.gid ?? ''}`;
    const stands = (standing: Standing) => !standingProblem(claims, standing);
    return (await this.standings.get(key, () => this.readStanding(claims), stands))!;
  }

  /**
   * standing() from the database in one statement, so one round trip: the client's row by its
   * primary key, with the grant and the revocation as primary-key lookups beside it. Table and
   * column names come from the entities' metadata, so they follow the migrations; the client's
   * values are converted by the driver as TypeORM converts them (simple-json, dates). No row: the
   * client is gone.
   */
  private async readStanding(claims: AccessTokenClaims): Promise<Standing> {
    const sql = (this.standingSql ??= this.buildStandingSql());
    // The placeholders in the order the statement names them: grant, revocation, client.
    const rows = (await this.revoked.query(claims.gid ? sql.withGrant : sql.withoutGrant, [
      ...(claims.gid ? [claims.gid] : []),
      claims.jti,
      claims.client_id,
    ])) as Record<string, unknown>[];
    if (rows.length === 0) return { client: null, grantActive: true, revoked: false };
    const [row] = rows;
    const { driver } = this.revoked.manager.connection;
    const [scope, grantTypes, changedAt] = sql.clientColumns.map((column) =>
      driver.prepareHydratedValue(row[column.databaseName], column),
    ) as [string, string[], Date | null];
    return {
      client: Object.freeze({
        scope: Object.freeze(parseScope(scope) ?? []),
        grantTypes: Object.freeze(grantTypes),
        credentialsChangedAt: changedAt ? changedAt.getTime() : null,
      }),
      grantActive: claims.gid ? Number(row.grant_active) === 1 : true,
      revoked: Number(row.revoked) === 1,
    };
  }

  private buildStandingSql(): { withGrant: string; withoutGrant: string; clientColumns: ColumnMetadata[] } {
    const { driver } = this.revoked.manager.connection;
    const table = (repository: Repository<object>) => driver.escape(repository.metadata.tableName);
    const column = (repository: Repository<object>, property: string) =>
      repository.metadata.findColumnWithPropertyPath(property)!;
    const name = (column: ColumnMetadata) =>
      `${driver.escape(column.entityMetadata.tableName)}.${driver.escape(column.databaseName)}`;
    const clientColumns = ['scope', 'grantTypes', 'credentialsChangedAt'].map((p) => column(this.clients, p));
    const client = clientColumns.map(name).join(', ');
    const grant = `EXISTS (SELECT 1 FROM ${table(this.grants)} WHERE ${name(column(this.grants, 'id'))} = ? AND ${name(column(this.grants, 'revokedAt'))} IS NULL) AS grant_active`;
    const revoked = `EXISTS (SELECT 1 FROM ${table(this.revoked)} WHERE ${name(column(this.revoked, 'jti'))} = ?) AS revoked`;
    const from = `FROM ${table(this.clients)} WHERE ${name(column(this.clients, 'clientId'))} = ?`;
    return {
      withGrant: `SELECT ${client}, ${grant}, ${revoked} ${from}`,
      withoutGrant: `SELECT ${client}, ${revoked} ${from}`,
      clientColumns,
    };
  }

  /** Revokes one access token (RFC 7009) until it would have expired anyway, on every instance at once (a counted change). */
  async revoke(claims: AccessTokenClaims): Promise<void> {
    await this.counters.counted('revocations', (manager) =>
      manager.upsert(RevokedAccessTokenEntity, { jti: claims.jti, expiresAt: new Date(claims.exp * 1000) }, ['jti']),
    );
  }
}
