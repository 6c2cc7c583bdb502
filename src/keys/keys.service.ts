import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { EntityManager, FindOptionsWhere, In, IsNull, LessThanOrEqual, MoreThan, Not, Repository } from 'typeorm';
import { ApisService } from '../apis/apis.service';
import { AuditOrigin } from '../audit/audit-event-types';
import { AuditService } from '../audit/audit.service';
import { ProviderEnvironment } from '../config/environment';
import { keyReloadIntervalMs } from '../config/key-reload-interval';
import { TransactionsService } from '../database/transactions.service';
import { ProviderMetrics } from '../metrics/provider-metrics';
import { SigningAlgorithm, SigningKeyEntity } from './entities/signing-key.entity';

export const SIGNING_ALGORITHMS: SigningAlgorithm[] = ['ES256', 'RS256'];

/** How long the published key set is reused; a rotation by another instance or the CLI shows within this time. */
const JWKS_CACHE_MS = 1000;

/** The JWKS max-age relying parties are told, at most; never more than half of KEY_PUBLISH_AHEAD. */
const MAX_JWKS_MAX_AGE = 300;

export type JsonWebKeySet = { keys: Record<string, string>[] };

export interface ActiveKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  /** Epoch milliseconds from which the key signs. */
  activatesAt: number;
}

export interface PublicKey {
  alg: SigningAlgorithm;
  key: KeyObject;
}

/** A public key this instance has read, and what it knows of its retirement; what it knows only ever ends trust sooner. */
interface KnownKey extends PublicKey {
  /** Epoch milliseconds from which the key signs no more: Infinity while none is set. */
  retiredAt: number;
  withdrawn: boolean;
}

/** How a rotation goes: staged (published now, signing after KEY_PUBLISH_AHEAD) or at once, withdrawing the older keys or not. */
export interface RotationOptions {
  now?: boolean;
  /** Every older key stops verifying and leaves the JWKS at once: for a key that may have leaked. Implies `now`. */
  withdraw?: boolean;
}

/** What a rotation did: the new keys, when they sign, and the kids that verify nothing from now on. */
export interface Rotation {
  keys: ActiveKey[];
  activatesAt: Date;
  /** False when a staged rotation was already waiting: its keys are returned and nothing new is made. */
  made: boolean;
  withdrawn?: string[];
}

type KeyStatus = Pick<SigningKeyEntity, 'retiredAt' | 'withdrawnAt'>;

/** A signing key as an administrator sees it: never its private half. */
export type KeySummary = Pick<
  SigningKeyEntity,
  'kid' | 'alg' | 'createdAt' | 'activatesAt' | 'retiredAt' | 'withdrawnAt'
>;

/** RFC 7638 JWK thumbprint: a kid derived from the key itself. */
function thumbprint(jwk: Record<string, string>): string {
  const members =
    jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function generate(alg: SigningAlgorithm, activatesAt: Date): SigningKeyEntity {
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
    activatesAt,
    retiredAt: null,
  });
}

/**
 * The provider's signing keys. They live in the database, so every instance and every restart
 * signs with the same keys; one key per algorithm signs at a time, made on first start.
 *
 * A rotation is staged: the next keys are published at once and sign from KEY_PUBLISH_AHEAD later,
 * when every instance switches to them by its own clock, so no relying party meets a token signed
 * with a key it has not been able to fetch. A retired key stays published, and verifies, until
 * every token it signed has expired, and not a moment longer. A rotation `now` switches at once;
 * withdrawn keys (that may have leaked) are published no more and verify nothing, at once.
 */
@Injectable()
export class KeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(KeysService.name);
  /** Per algorithm, the key that signs now and the staged ones after it, in the order they take over. */
  private readonly signers = new Map<SigningAlgorithm, ActiveKey[]>();
  /** Every key read so far, trusted or not: only real kids, so the map stays as small as the key table. */
  private readonly publicKeys = new Map<string, KnownKey>();
  private readonly accessTokenTtlMs: number;
  private readonly publishAheadMs: number;
  /** How often this instance reads the keys again: four times per KEY_PUBLISH_AHEAD, and at least every 5 s. */
  readonly reloadIntervalMs: number;
  /**
   * How long after it is stored a staged key signs: KEY_PUBLISH_AHEAD, and one reload for the other
   * instances to read it, so that every instance publishes it that long before any signs with it.
   */
  private readonly stagedAheadMs: number;
  /** The longest any token lives (ID and access tokens, the provider's and every API's), refreshed at each reload. */
  private tokenLifetimeMs: number;
  /** Counts this instance's rotations: a read that began before one is not taken up after it. */
  private rotations = 0;
  private reloadTimer?: NodeJS.Timeout;
  private jwksCache?: { document: Promise<string>; expiresAt: number };

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    @InjectRepository(SigningKeyEntity) private readonly keys: Repository<SigningKeyEntity>,
    private readonly transactions: TransactionsService,
    private readonly apis: ApisService,
    private readonly audit: AuditService,
    private readonly metrics: ProviderMetrics,
  ) {
    this.accessTokenTtlMs = config.get('ACCESS_TOKEN_TTL', { infer: true }) * 1000;
    this.tokenLifetimeMs = this.accessTokenTtlMs;
    const publishAhead = config.get('KEY_PUBLISH_AHEAD', { infer: true });
    this.publishAheadMs = publishAhead * 1000;
    this.reloadIntervalMs = keyReloadIntervalMs(publishAhead);
    this.stagedAheadMs = this.publishAheadMs > 0 ? this.publishAheadMs + this.reloadIntervalMs : 0;
  }

  async onModuleInit(): Promise<void> {
    await this.readTokenLifetime();
    await this.loadSigningKeys(true);
    await this.eraseRetiredPrivateKeys();
    this.reloadTimer = setInterval(() => {
      this.reload().catch((error: Error) => this.logger.warn(`reloading signing keys: ${error.message}`));
    }, this.reloadIntervalMs).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  /** The JWKS max-age to send: relying parties then refetch well within KEY_PUBLISH_AHEAD. */
  get jwksMaxAge(): number {
    return Math.min(MAX_JWKS_MAX_AGE, Math.floor(this.publishAheadMs / 2000));
  }

  /** How long a retired key stays published and verifies: its tokens' longest life, and one reload of an instance that has not yet seen the retirement. */
  private get retiredKeyPublishedMs(): number {
    return this.tokenLifetimeMs + this.reloadIntervalMs;
  }

  /**
   * Makes new keys. Staged (the default): published now, signing from KEY_PUBLISH_AHEAD later, when
   * the current keys retire; a rotation already staged is returned as it is. `now` (or `withdraw`)
   * switches at once, in place of any staged rotation. Tokens signed before stay valid until they
   * expire, unless withdrawn. `by` is for the audit trail.
   */
  async rotate(by: AuditOrigin = {}, options: RotationOptions = {}): Promise<Rotation> {
    const rotation =
      options.now || options.withdraw ? await this.switchNow(options.withdraw === true) : await this.stage();
    if (rotation.made) await this.recordRotation(rotation, by);
    if (rotation.withdrawn)
      await this.audit.record({ type: 'keys.withdrawn', ...by, detail: { kids: rotation.withdrawn } });
    return rotation;
  }

  /**
   * Stages the next keys, once: the current keys are retired from the moment the new ones sign, by
   * an update that only one of several instances reaching the deadline together can make.
   */
  private async stage(notBefore?: Date): Promise<Rotation> {
    // Made before the transaction: an RSA key can take a second to make on a busy machine.
    const fresh = SIGNING_ALGORITHMS.map((alg) => generate(alg, new Date()));
    const made = await this.transactions.run(async (manager) => {
      const now = Date.now();
      const activatesAt = new Date(Math.max(now + this.stagedAheadMs, notBefore?.getTime() ?? 0));
      const current = await manager.find(SigningKeyEntity, { where: { retiredAt: IsNull(), withdrawnAt: IsNull() } });
      const waiting = current
        .filter((row) => row.activatesAt.getTime() > now)
        .sort((a, b) => SIGNING_ALGORITHMS.indexOf(a.alg) - SIGNING_ALGORITHMS.indexOf(b.alg));
      if (waiting.length > 0) return { rows: waiting, made: false };
      fresh.forEach((row) => (row.activatesAt = activatesAt));
      const { affected } = await manager.update(
        SigningKeyEntity,
        { kid: In(current.map((row) => row.kid)), retiredAt: IsNull() },
        { retiredAt: activatesAt },
      );
      // Another instance staged a rotation meanwhile: this one makes nothing.
      if (affected !== current.length) return undefined;
      await manager.save(fresh);
      return { rows: fresh, made: true };
    });
    if (!made) return this.stage(notBefore);
    this.rotations += 1;
    made.rows.forEach((row) => this.takeUp(row));
    this.jwksCache = undefined;
    return { keys: made.rows.map((row) => this.signerOf(row)), activatesAt: made.rows[0].activatesAt, made: made.made };
  }

  /** New keys that sign at once; every other key retires now, and is withdrawn too if asked. */
  private async switchNow(withdraw: boolean): Promise<Rotation> {
    let withdrawn: string[] = [];
    const fresh = SIGNING_ALGORITHMS.map((alg) => generate(alg, new Date()));
    const now = await this.transactions.run(async (manager) => {
      // Retired as the new keys take over, not before they were made: an RSA key can take a second
      // to make on a busy machine, while the old keys go on signing.
      const now = new Date();
      fresh.forEach((row) => (row.activatesAt = now));
      if (withdraw) {
        const rows = await manager.find(SigningKeyEntity, { select: { kid: true }, where: this.published(now) });
        withdrawn = rows.map((row) => row.kid);
        if (withdrawn.length > 0) {
          await manager.update(SigningKeyEntity, { kid: In(withdrawn) }, { withdrawnAt: now, privateKey: null });
        }
      }
      // The keys that sign now and any staged ones. Nothing signs with a retired key (an instance that has
      // not yet seen the rotation signs from memory), so its private half is erased now: a copy of the
      // database taken later holds no key that anything here still trusts.
      await manager.update(SigningKeyEntity, [{ retiredAt: IsNull() }, { retiredAt: MoreThan(now) }], {
        retiredAt: now,
        privateKey: null,
      });
      await manager.save(fresh);
      return now;
    });
    this.rotations += 1;
    for (const known of this.publicKeys.values()) this.distrust(known, { retiredAt: now, withdrawnAt: null });
    for (const kid of withdrawn) this.distrust(this.publicKeys.get(kid), { retiredAt: now, withdrawnAt: now });
    this.signers.clear();
    fresh.forEach((row) => this.takeUp(row));
    this.jwksCache = undefined;
    return {
      keys: fresh.map((row) => this.signerOf(row)),
      activatesAt: now,
      made: true,
      ...(withdraw && { withdrawn }),
    };
  }

  /**
   * When a scheduled rollover is due, stages it: signing `interval` after the current keys began to,
   * stored KEY_PUBLISH_AHEAD and a reload before that (stagedAheadMs), and up to one reload sooner
   * still, so that a check that comes a little late does not push the rollover back. Does nothing
   * while a rotation is staged or not yet due; of several instances due at once, one stages it.
   * Returns the rotation if this one did.
   */
  async rollOverIfDue(intervalMs: number): Promise<Rotation | undefined> {
    const queues = [...this.signers.values()];
    if (queues.length === 0 || queues.some((queue) => queue.length !== 1)) return undefined;
    const deadline = Math.max(...queues.map(([current]) => current.activatesAt)) + intervalMs;
    if (Date.now() < deadline - this.stagedAheadMs - this.reloadIntervalMs) return undefined;
    const rotation = await this.stage(new Date(deadline));
    if (!rotation.made) return undefined;
    await this.recordRotation(rotation, {}, { scheduled: true });
    return rotation;
  }

  /** The audit trail's `keys.rotated`: the new keys and when they sign. */
  private recordRotation(rotation: Rotation, by: AuditOrigin, detail: object = {}): Promise<void> {
    return this.audit.record({
      type: 'keys.rotated',
      ...by,
      detail: {
        kids: rotation.keys.map((key) => key.kid),
        activates_at: rotation.activatesAt.toISOString(),
        ...detail,
      },
    });
  }

  /** Every key, newest first, without its private half: for the console's list of keys. */
  listKeys(): Promise<KeySummary[]> {
    return this.keys.find({
      select: { kid: true, alg: true, createdAt: true, activatesAt: true, retiredAt: true, withdrawnAt: true },
      order: { activatesAt: 'DESC', kid: 'ASC' },
    });
  }

  /** What another instance or the CLI changed: new keys, and retirements and withdrawals of keys held here. */
  private async reload(): Promise<void> {
    await this.readTokenLifetime();
    await this.loadSigningKeys(false);
    await this.reviewTrustedKeys();
  }

  private async readTokenLifetime(): Promise<void> {
    this.tokenLifetimeMs = Math.max(this.accessTokenTtlMs, (await this.apis.longestAccessTokenTtl()) * 1000);
  }

  /**
   * The key of each algorithm that signs now and those staged after it; on first start, made if
   * missing. A key whose time to sign has passed leaves, and its private half is erased.
   */
  private async loadSigningKeys(createMissing: boolean): Promise<void> {
    const rotations = this.rotations;
    const now = new Date();
    const rows = await this.keys.find({
      where: [
        { withdrawnAt: IsNull(), retiredAt: IsNull(), privateKey: Not(IsNull()) },
        { withdrawnAt: IsNull(), retiredAt: MoreThan(now), privateKey: Not(IsNull()) },
      ],
      order: { activatesAt: 'ASC' },
    });
    // This instance rotated meanwhile: the read may show keys it has just retired.
    if (rotations !== this.rotations) return;
    let retiredSinceLastRead = false;
    for (const alg of SIGNING_ALGORITHMS) {
      const ofAlg = rows.filter((row) => row.alg === alg);
      // The newest of those that sign by now, and every staged one.
      const signing = ofAlg.filter((row) => row.activatesAt <= now).length;
      const queue = ofAlg.slice(Math.max(0, signing - 1));
      if (queue.length === 0 && createMissing) {
        const key = generate(alg, now);
        await this.transactions.write((manager) => manager.insert(SigningKeyEntity, key));
        queue.push(key);
      }
      const before = this.signers.get(alg) ?? [];
      if (queue.length === 0) continue;
      retiredSinceLastRead ||= before.some((key) => !queue.some((row) => row.kid === key.kid));
      this.signers.set(
        alg,
        queue.map((row) => before.find((key) => key.kid === row.kid) ?? this.signerFrom(row)),
      );
      queue.forEach((row) => this.know(row));
      this.metrics.signingKeys.active(alg, new Date(this.activeKey(alg).activatesAt));
    }
    if (retiredSinceLastRead) {
      this.jwksCache = undefined;
      await this.eraseRetiredPrivateKeys();
    }
  }

  /** Erases the private half of every key whose time to sign is over (the rotation may have been staged long ago). */
  private async eraseRetiredPrivateKeys(): Promise<void> {
    await this.transactions.write((manager: EntityManager) =>
      manager.update(
        SigningKeyEntity,
        { retiredAt: LessThanOrEqual(new Date()), privateKey: Not(IsNull()) },
        { privateKey: null },
      ),
    );
  }

  /** Reads again the keys this instance still trusts, so that one retired or withdrawn elsewhere stops verifying here. */
  private async reviewTrustedKeys(): Promise<void> {
    const now = Date.now();
    const trusted = [...this.publicKeys].filter(([, known]) => this.verifies(known, now)).map(([kid]) => kid);
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

  /** The key this algorithm signs with now: a staged key takes over, by this instance's clock, when its time comes. */
  activeKey(alg: SigningAlgorithm): ActiveKey {
    const queue = this.signers.get(alg);
    if (!queue?.length) throw new Error(`no active ${alg} key`);
    const now = Date.now();
    if (queue.length > 1 && queue[1].activatesAt <= now) {
      while (queue.length > 1 && queue[1].activatesAt <= now) queue.shift();
      this.metrics.signingKeys.active(alg, new Date(queue[0].activatesAt));
    }
    return queue[0];
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
    return this.verifies(known, Date.now()) ? known : undefined;
  }

  /** A key verifies until every token it signed has expired: as long as the longest-lived token lives now, after its retirement. */
  private verifies(known: KnownKey, now: number): boolean {
    return !known.withdrawn && now < known.retiredAt + this.retiredKeyPublishedMs;
  }

  /**
   * The JSON Web Key Set to publish (RFC 7517 §5), serialized: staged and active keys, and retired ones
   * whose tokens may still be alive. Asked for on every JWKS request, it changes only with a rotation:
   * kept for JWKS_CACHE_MS, and dropped at once when this instance rotates or takes up a new key.
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
      order: { activatesAt: 'DESC', kid: 'ASC' },
    });
    const set: JsonWebKeySet = { keys: rows.map((row) => row.publicJwk) };
    return JSON.stringify(set);
  }

  /** The keys published at `now`: staged, active, or retired within the window, and not withdrawn. */
  private published(now: Date): FindOptionsWhere<SigningKeyEntity>[] {
    const retiredSince = new Date(now.getTime() - this.retiredKeyPublishedMs);
    return [
      { retiredAt: IsNull(), withdrawnAt: IsNull() },
      { retiredAt: MoreThan(retiredSince), withdrawnAt: IsNull() },
    ];
  }

  /** Takes up a key this instance made: to sign with from its time on, and to verify with. */
  private takeUp(row: SigningKeyEntity): void {
    const queue = this.signers.get(row.alg) ?? [];
    if (!queue.some((key) => key.kid === row.kid)) queue.push(this.signerFrom(row));
    this.signers.set(row.alg, queue);
    this.know(row);
  }

  private signerOf(row: SigningKeyEntity): ActiveKey {
    return this.signers.get(row.alg)!.find((key) => key.kid === row.kid)!;
  }

  private signerFrom(row: SigningKeyEntity): ActiveKey {
    return {
      kid: row.kid,
      alg: row.alg,
      privateKey: createPrivateKey(row.privateKey!),
      activatesAt: row.activatesAt.getTime(),
    };
  }

  private know(row: Pick<SigningKeyEntity, 'kid' | 'alg' | 'publicJwk'> & KeyStatus): KnownKey {
    const known = this.publicKeys.get(row.kid);
    // Already known: a read that began before this instance retired or withdrew the key must not trust it again.
    if (known) return this.distrust(known, row);
    const fresh = {
      alg: row.alg,
      key: createPublicKey({ key: row.publicJwk, format: 'jwk' }),
      retiredAt: Infinity,
      withdrawn: false,
    };
    this.publicKeys.set(row.kid, fresh);
    return this.distrust(fresh, row);
  }

  /** Takes in a key's retirement or withdrawal; a read older than what this instance knows never restores trust. */
  private distrust<K extends KnownKey | undefined>(known: K, { retiredAt, withdrawnAt }: KeyStatus): K {
    if (!known) return known;
    const retired = retiredAt?.getTime() ?? Infinity;
    if (retired < known.retiredAt || (withdrawnAt && !known.withdrawn)) {
      known.retiredAt = Math.min(known.retiredAt, retired);
      known.withdrawn ||= withdrawnAt !== null;
      this.jwksCache = undefined;
    }
    return known;
  }
}
