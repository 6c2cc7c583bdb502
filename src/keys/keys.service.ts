import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { AuditOrigin } from '../audit/audit-event-types';
import { AuditService } from '../audit/audit.service';
import { ProviderEnvironment } from '../config/environment';
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
 * key stays published until every token it signed has expired.
 */
@Injectable()
export class KeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(KeysService.name);
  private readonly active = new Map<SigningAlgorithm, ActiveKey>();
  private readonly publicKeys = new Map<string, { alg: SigningAlgorithm; key: KeyObject }>();
  /**
   * How long a retired key stays published: the longest a token signed with it may live (ID and
   * access tokens share ACCESS_TOKEN_TTL), counted from the last moment any instance signs with it.
   */
  private readonly retiredKeyPublishedMs: number;
  private reloadTimer?: NodeJS.Timeout;
  private jwksCache?: { document: Promise<string>; expiresAt: number };

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    @InjectRepository(SigningKeyEntity) private readonly keys: Repository<SigningKeyEntity>,
    private readonly audit: AuditService,
  ) {
    // Another instance may sign with a key for up to RELOAD_INTERVAL_MS after it was retired elsewhere.
    this.retiredKeyPublishedMs = config.get('ACCESS_TOKEN_TTL', { infer: true }) * 1000 + RELOAD_INTERVAL_MS;
  }

  async onModuleInit(): Promise<void> {
    await this.loadActiveKeys(true);
    this.reloadTimer = setInterval(() => {
      this.loadActiveKeys(false).catch((error: Error) => this.logger.warn(`reloading signing keys: ${error.message}`));
    }, RELOAD_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  /** Retires the active keys and makes new ones; tokens signed before still verify. Returns the new keys. `by` is for the audit trail. */
  async rotate(by: AuditOrigin = {}): Promise<ActiveKey[]> {
    const fresh = SIGNING_ALGORITHMS.map(generate);
    await this.keys.manager.transaction(async (manager) => {
      // Retired as the new keys take over, not before they were made: an RSA key can take a second
      // to make on a busy machine, while the old keys go on signing.
      await manager.update(SigningKeyEntity, { retiredAt: IsNull() }, { retiredAt: new Date() });
      await manager.save(fresh);
    });
    fresh.forEach((row) => this.remember(row));
    await this.audit.record({ type: 'keys.rotated', ...by, detail: { kids: fresh.map((row) => row.kid) } });
    return fresh.map((row) => this.activeKey(row.alg));
  }

  /** The newest unretired key of each algorithm; on first start, made if missing. */
  private async loadActiveKeys(createMissing: boolean): Promise<void> {
    for (const alg of SIGNING_ALGORITHMS) {
      const current = await this.keys.findOne({ where: { alg, retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
      if (current) {
        if (this.active.get(alg)?.kid !== current.kid) this.remember(current);
      } else if (createMissing) {
        this.remember(await this.keys.save(generate(alg)));
      }
    }
  }

  activeKey(alg: SigningAlgorithm): ActiveKey {
    const key = this.active.get(alg);
    if (!key) throw new Error(`no active ${alg} key`);
    return key;
  }

  /** The public key with this kid, from memory or, for a key another instance made, from the database. */
  async publicKey(kid: string): Promise<{ alg: SigningAlgorithm; key: KeyObject } | undefined> {
    const known = this.publicKeys.get(kid);
    if (known) return known;
    const row = await this.keys.findOneBy({ kid });
    // Exactly this kid: MySQL's collations would find a key under any case variant of its kid,
    // and each variant an attacker made up would then stay cached here for ever.
    if (row?.kid !== kid) return undefined;
    const entry = { alg: row.alg, key: createPublicKey({ key: row.publicJwk, format: 'jwk' }) };
    this.publicKeys.set(kid, entry);
    return entry;
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
      where: [{ retiredAt: IsNull() }, { retiredAt: MoreThan(new Date(Date.now() - this.retiredKeyPublishedMs)) }],
      order: { createdAt: 'DESC' },
    });
    const set: JsonWebKeySet = { keys: rows.map((row) => row.publicJwk) };
    return JSON.stringify(set);
  }

  private remember(row: SigningKeyEntity): void {
    this.jwksCache = undefined;
    this.active.set(row.alg, { kid: row.kid, alg: row.alg, privateKey: createPrivateKey(row.privateKey) });
    this.publicKeys.set(row.kid, { alg: row.alg, key: createPublicKey({ key: row.publicJwk, format: 'jwk' }) });
  }
}
