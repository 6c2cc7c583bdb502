import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { FindOptionsWhere, In, IsNull, MoreThan, Repository } from 'typeorm';
import { AuditOrigin } from '../audit/audit-event-types';
import { AuditService } from '../audit/audit.service';
import { ProviderEnvironment } from '../config/environment';
import { ProviderMetrics } from '../metrics/provider-metrics';
import { SigningAlgorithm, SigningKeyEntity } from './entities/signing-key.entity';

export const SIGNING_ALGORITHMS: SigningAlgorithm[] = ['ES256', 'RS256'];

/** How often a running instance looks for a key made elsewhere (another instance, the CLI's keys:rotate). */
const RELOAD_INTERVAL_MS = 5000;

/** How long the published key set is reused; a rotation by another instance or the CLI shows within this time. */
const JWKS_CACHE_MS = 1000;

export type JsonWebKeySet = { keys: Record<string, string>[] };

export interface ActiveKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
}

export interface PublicKey {
  alg: SigningAlgorithm;
  key: KeyObject;
}

/** A public key this instance has read, and the moment from which it verifies nothing. */
interface KnownKey extends PublicKey {
  /** Epoch milliseconds: Infinity while the key is active, 0 once it is withdrawn. It only ever decreases. */
  verifiesUntil: number;
}

/** What the rotation that withdraws did: the new keys, and the kids that verify nothing from now on. */
export interface Withdrawal {
  keys: ActiveKey[];
  withdrawn: string[];
}

type KeyStatus = Pick<SigningKeyEntity, 'retiredAt' | 'withdrawnAt'>;

/** A signing key as an administrator sees it: never its private half. */
export type KeySummary = Pick<SigningKeyEntity, 'kid' | 'alg' | 'createdAt' | 'retiredAt' | 'withdrawnAt'>;

/** RFC 7638 JWK thumbprint: a kid derived from the key itself. */
function thumbprint(jwk: Record<string, string>): string {
  const members =
    jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function generate(alg: SigningAlgorithm): SigningKeyEntity {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const kid = thumbprint(jwk);
  return Object.assign(new SigningKeyEntity(), {
    kid,
    alg,
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { ...jwk, kid, alg, use: 'sig' },
    retiredAt: null,
  });
}

/**
 * The provider's signing keys. They live in the database, so every instance
 * and every restart signs with the same keys; one key per algorithm is
 * active, made on first start. Rotation retires the active keys; a retired
 * key stays published, and verifies, until every token it signed has expired,
 * and not a moment longer. A withdrawn key (one that may have leaked) is
 * published no more and verifies nothing, at once.
 */
@Injectable()
export class KeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(KeysService.name);
  private readonly active = new Map<SigningAlgorithm, ActiveKey>();
  /** Every key read so far, trusted or not: only real kids, so the map stays as small as the key table. */
  private readonly publicKeys = new Map<string, KnownKey>();
  /**
   * How long a retired key stays published and verifies: the longest a token signed with it may live
   * (ID and access tokens share ACCESS_TOKEN_TTL), counted from the last moment any instance signs with it.
   */
  private readonly retiredKeyPublishedMs: number;
  private reloadTimer?: NodeJS.Timeout;
  private jwksCache?: { document: Promise<string>; expiresAt: number };

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    @InjectRepository(SigningKeyEntity) private readonly keys: Repository<SigningKeyEntity>,
    private readonly audit: AuditService,
    private readonly metrics: ProviderMetrics,
  ) {
    // Another instance may sign with a key for up to RELOAD_INTERVAL_MS after it was retired elsewhere.
    this.retiredKeyPublishedMs = config.get('ACCESS_TOKEN_TTL', { infer: true }) * 1000 + RELOAD_INTERVAL_MS;
  }

  async onModuleInit(): Promise<void> {
    await this.loadActiveKeys(true);
    this.reloadTimer = setInterval(() => {
      this.reload().catch((error: Error) => this.logger.warn(`reloading signing keys: ${error.message}`));
    }, RELOAD_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  /** Retires the active keys and makes new ones; tokens signed before still verify. Returns the new keys. `by` is for the audit trail. */
  async rotate(by: AuditOrigin = {}): Promise<ActiveKey[]> {
    return (await this.rollOver(by, false)).keys;
  }

  /**
   * Rotates, and withdraws every older key that still verifies: for a key that may have leaked.
   * Every token signed before is refused from now on (on other instances within RELOAD_INTERVAL_MS),
   * and the JWKS lists the new keys only.
   */
  rotateAndWithdraw(by: AuditOrigin = {}): Promise<Withdrawal> {
    return this.rollOver(by, true);
  }

  private async rollOver(by: AuditOrigin, withdraw: boolean): Promise<Withdrawal> {
    const fresh = SIGNING_ALGORITHMS.map(generate);
    let withdrawn: string[] = [];
    const now = await this.keys.manager.transaction(async (manager) => {
      // Retired as the new keys take over, not before they were made: an RSA key can take a second
      // to make on a busy machine, while the old keys go on signing.
      const now = new Date();
      if (withdraw) {
        const rows = await manager.find(SigningKeyEntity, { select: { kid: true }, where: this.published(now) });
        withdrawn = rows.map((row) => row.kid);
        if (withdrawn.length > 0) {
          await manager.update(SigningKeyEntity, { kid: In(withdrawn) }, { withdrawnAt: now, privateKey: null });
        }
      }
      // Nothing signs with a retired key (an instance that has not yet seen the rotation signs from
      // memory), so its private half is erased now rather than kept until its tokens expire: a copy
      // of the database taken later holds no key that anything here still trusts.
      await manager.update(SigningKeyEntity, { retiredAt: IsNull() }, { retiredAt: now, privateKey: null });
      await manager.save(fresh);
      return now;
    });
    for (const known of this.publicKeys.values()) this.distrust(known, { retiredAt: now, withdrawnAt: null });
    for (const kid of withdrawn) this.distrust(this.publicKeys.get(kid), { retiredAt: now, withdrawnAt: now });
    fresh.forEach((row) => this.remember(row));
    await this.audit.record({ type: 'keys.rotated', ...by, detail: { kids: fresh.map((row) => row.kid) } });
    if (withdraw) await this.audit.record({ type: 'keys.withdrawn', ...by, detail: { kids: withdrawn } });
    return { keys: fresh.map((row) => this.activeKey(row.alg)), withdrawn };
  }

  /** Every key, newest first, without its private half: for the console's list of keys. */
  listKeys(): Promise<KeySummary[]> {
    return this.keys.find({
      select: { kid: true, alg: true, createdAt: true, retiredAt: true, withdrawnAt: true },
      order: { createdAt: 'DESC', kid: 'ASC' },
    });
  }

  /** What another instance or the CLI changed: new active keys, and retirements and withdrawals of keys held here. */
  private async reload(): Promise<void> {
    await this.loadActiveKeys(false);
    await this.reviewTrustedKeys();
  }

  /** The newest unretired key of each algorithm; on first start, made if missing. */
  private async loadActiveKeys(createMissing: boolean): Promise<void> {
    for (const alg of SIGNING_ALGORITHMS) {
      const current = await this.keys.findOne({ where: { alg, retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
      if (current) {
        // A key this instance retired meanwhile (the read began before the rotation) is not taken up again.
        const retiredHere = (this.publicKeys.get(current.kid)?.verifiesUntil ?? Infinity) !== Infinity;
        if (this.active.get(alg)?.kid !== current.kid && !retiredHere) this.remember(current);
      } else if (createMissing) {
        this.remember(await this.keys.save(generate(alg)));
      }
    }
  }

  /** Reads again the keys this instance still trusts, so that one retired or withdrawn elsewhere stops verifying here. */
  private async reviewTrustedKeys(): Promise<void> {
    const now = Date.now();
    const trusted = [...this.publicKeys].filter(([, known]) => known.verifiesUntil > now).map(([kid]) => kid);
    if (trusted.length === 0) return;
    const rows = await this.keys.find({
      select: { kid: true, retiredAt: true, withdrawnAt: true },
      where: { kid: In(trusted) },
    });
    const statuses = new Map(rows.map((row) => [row.kid, row]));
    // A key no longer in the table at all was removed by hand: it verifies nothing.
    const gone: KeyStatus = { retiredAt: null, withdrawnAt: new Date(0) };
    for (const kid of trusted) this.distrust(this.publicKeys.get(kid), statuses.get(kid) ?? gone);
  }

  activeKey(alg: SigningAlgorithm): ActiveKey {
    const key = this.active.get(alg);
    if (!key) throw new Error(`no active ${alg} key`);
    return key;
  }

  /**
   * The public key with this kid while it verifies: active, or retired no longer ago than its tokens
   * live, and not withdrawn. From memory or, for a key another instance made, from the database.
   */
  async publicKey(kid: string): Promise<PublicKey | undefined> {
    let known = this.publicKeys.get(kid);
    if (!known) {
      const row = await this.keys.findOne({
        select: { kid: true, alg: true, publicJwk: true, retiredAt: true, withdrawnAt: true },
        where: { kid },
      });
      // Exactly this kid: MySQL's collations would find a key under any case variant of its kid,
      // and each variant an attacker made up would then stay cached here for ever.
      if (row?.kid !== kid) return undefined;
      known = this.know(row);
    }
    return Date.now() < known.verifiesUntil ? known : undefined;
  }

  /**
   * The JSON Web Key Set to publish (RFC 7517 §5), serialized: active keys and retired ones whose tokens may
   * still be alive. Asked for on every JWKS request, it changes only with a rotation: kept for JWKS_CACHE_MS,
   * and dropped at once when this instance rotates or takes up a new key.
   */
  jwks(): Promise<string> {
    const now = Date.now();
    if (!this.jwksCache || this.jwksCache.expiresAt <= now) {
      const document = this.loadJwks();
      this.jwksCache = { document, expiresAt: now + JWKS_CACHE_MS };
      // A failed read is not kept: the next request tries again.
      document.catch(() => {
        if (this.jwksCache?.document === document) this.jwksCache = undefined;
      });
    }
    return this.jwksCache.document;
  }

  private async loadJwks(): Promise<string> {
    const rows = await this.keys.find({
      select: { kid: true, publicJwk: true },
      where: this.published(new Date()),
      order: { createdAt: 'DESC' },
    });
    const set: JsonWebKeySet = { keys: rows.map((row) => row.publicJwk) };
    return JSON.stringify(set);
  }

  /** The keys that verify at `now`, and so are published: active, or retired within the window, and not withdrawn. */
  private published(now: Date): FindOptionsWhere<SigningKeyEntity>[] {
    const retiredSince = new Date(now.getTime() - this.retiredKeyPublishedMs);
    return [
      { retiredAt: IsNull(), withdrawnAt: IsNull() },
      { retiredAt: MoreThan(retiredSince), withdrawnAt: IsNull() },
    ];
  }

  /** Takes up an active key, for signing and verifying. */
  private remember(row: SigningKeyEntity): void {
    this.jwksCache = undefined;
    this.active.set(row.alg, { kid: row.kid, alg: row.alg, privateKey: createPrivateKey(row.privateKey!) });
    this.metrics.signingKeys.active(row.alg, row.createdAt ?? new Date());
    this.know(row);
  }

  private know(row: Pick<SigningKeyEntity, 'kid' | 'alg' | 'publicJwk'> & KeyStatus): KnownKey {
    const known = this.publicKeys.get(row.kid);
    // Already known: a read that began before this instance retired or withdrew the key must not trust it again.
    if (known) return this.distrust(known, row);
    const fresh = {
      alg: row.alg,
      key: createPublicKey({ key: row.publicJwk, format: 'jwk' }),
      verifiesUntil: Infinity,
    };
    this.publicKeys.set(row.kid, fresh);
    return this.distrust(fresh, row);
  }

  /** Ends a key's trust when its status says so; trust is never extended. */
  private distrust<K extends KnownKey | undefined>(known: K, { retiredAt, withdrawnAt }: KeyStatus): K {
    if (!known) return known;
    const until = withdrawnAt ? 0 : retiredAt ? retiredAt.getTime() + this.retiredKeyPublishedMs : Infinity;
    if (until < known.verifiesUntil) {
      known.verifiesUntil = until;
      this.jwksCache = undefined;
    }
    return known;
  }
}
