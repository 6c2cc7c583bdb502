import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type SigningAlgorithm = 'ES256' | 'RS256';

@Entity('signing_keys')
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 8 })
  alg: SigningAlgorithm;

  /**
   * PKCS#8 PEM. Kept in the database so that every instance and every restart signs with the same key;
   * erased (null) when the key retires, as nothing signs with it after that.
   */
  @Column({ name: 'private_key', type: 'text', nullable: true })
  privateKey: string | null;

  /** The public half as a JWK, as published at the JWKS endpoint. */
  @Column({ name: 'public_jwk', type: 'simple-json' })
  publicJwk: Record<string, string>;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  /**
   * When the key begins to sign. A rollover publishes the next key first (KEY_PUBLISH_AHEAD), so that
   * relying parties hold it before any token signed with it reaches them.
   */
  @Column({ name: 'activates_at', type: 'datetime', precision: 3 })
  activatesAt: Date;

  /** When a newer key takes over (ahead of time when a rollover is staged); the key is still published until the tokens it signed have expired. */
  @Column({ name: 'retired_at', type: 'datetime', precision: 3, nullable: true })
  retiredAt: Date | null;

  /** Set when the key is withdrawn (it may have leaked): it verifies nothing and is published no more. */
  @Column({ name: 'withdrawn_at', type: 'datetime', precision: 3, nullable: true })
  withdrawnAt: Date | null;
}
