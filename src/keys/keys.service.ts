import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { ProviderEnvironment } from '../config/environment';
import { SigningAlgorithm, SigningKeyEntity } from './entities/signing-key.entity';

export const SIGNING_ALGORITHMS: SigningAlgorithm[] = ['ES256', 'RS256'];

/** How often a running instance looks for a key made elsewhere (another instance, the CLI's keys:rotate). */
const RELOAD_INTERVAL_MS = 5000;

export interface ActiveKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
}

/** RFC 7638 JWK thumbprint: a kid derived from the key itself. */
function thumbprint(jwk: Record<string, string>): string {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
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
  /** The longest a token signed by a key lives: ID and access tokens share ACCESS_TOKEN_TTL. */
  private readonly tokenLifetimeMs: number;
  private reloadTimer?: NodeJS.Timeout;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    @InjectRepository(SigningKeyEntity) private readonly keys: Repository<SigningKeyEntity>,
  ) {
    this.tokenLifetimeMs = config.get('ACCESS_TOKEN_TTL', { infer: true }) * 1000;
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

  /** Retires the active keys and makes new ones; tokens signed before still verify. Returns the new keys. */
  async rotate(): Promise<ActiveKey[]> {
    const now = new Date();
    const fresh = SIGNING_ALGORITHMS.map(generate);
    await this.keys.manager.transaction(async (manager) => {
      await manager.update(SigningKeyEntity, { retiredAt: IsNull() }, { retiredAt: now });
      await manager.save(fresh);
    });
    fresh.forEach((row) => this.remember(row));
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
    if (!row) return undefined;
    const entry = { alg: row.alg, key: createPublicKey({ key: row.publicJwk, format: 'jwk' }) };
    this.publicKeys.set(kid, entry);
    return entry;
  }

  /** The JSON Web Key Set to publish (RFC 7517 §5): active keys and retired ones whose tokens may still be alive. */
  async jwks(): Promise<{ keys: Record<string, string>[] }> {
    const rows = await this.keys.find({
      where: [{ retiredAt: IsNull() }, { retiredAt: MoreThan(new Date(Date.now() - this.tokenLifetimeMs)) }],
      order: { createdAt: 'DESC' },
    });
    return { keys: rows.map((row) => row.publicJwk) };
  }

  private remember(row: SigningKeyEntity): void {
    this.active.set(row.alg, { kid: row.kid, alg: row.alg, privateKey: createPrivateKey(row.privateKey) });
    this.publicKeys.set(row.kid, { alg: row.alg, key: createPublicKey({ key: row.publicJwk, format: 'jwk' }) });
  }
}
