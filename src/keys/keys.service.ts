import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { SigningAlgorithm, SigningKeyEntity } from './entities/signing-key.entity';

export const SIGNING_ALGORITHMS: SigningAlgorithm[] = ['ES256', 'RS256'];

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
 * active, made on first start.
 */
@Injectable()
export class KeysService implements OnModuleInit {
  private readonly active = new Map<SigningAlgorithm, ActiveKey>();
  private readonly publicKeys = new Map<string, { alg: SigningAlgorithm; key: KeyObject }>();

  constructor(@InjectRepository(SigningKeyEntity) private readonly keys: Repository<SigningKeyEntity>) {}

  async onModuleInit(): Promise<void> {
    for (const alg of SIGNING_ALGORITHMS) {
      const current = await this.keys.findOne({ where: { alg, retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
      this.remember(current ?? (await this.keys.save(generate(alg))));
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

  /** The JSON Web Key Set to publish (RFC 7517 §5). */
  async jwks(): Promise<{ keys: Record<string, string>[] }> {
    const rows = await this.keys.find({ order: { createdAt: 'DESC' } });
    return { keys: rows.map((row) => row.publicJwk) };
  }

  private remember(row: SigningKeyEntity): void {
    this.active.set(row.alg, { kid: row.kid, alg: row.alg, privateKey: createPrivateKey(row.privateKey) });
    this.publicKeys.set(row.kid, { alg: row.alg, key: createPublicKey({ key: row.publicJwk, format: 'jwk' }) });
  }
}
