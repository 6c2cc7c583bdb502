import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An initial access token (RFC 7591 §3, §1.2) that lets its holder register clients while
 * DYNAMIC_REGISTRATION=token, until it expires. Only its SHA-256 is stored.
 */
@Entity('registration_tokens')
export class InitialAccessTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** SHA-256 (hex) of the token. */
  @Index('IDX_registration_tokens_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  /** Whom or what it was made for, in the administrator's words. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  description: string | null;

  @Index('IDX_registration_tokens_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
