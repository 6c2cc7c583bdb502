import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A refresh token (RFC 6749 §6), stored only as the SHA-256 of its value.
 * Each use rotates it: the row is marked used and a successor is written in
 * the same transaction (RFC 9700 §4.14.2).
 */
@Entity('refresh_tokens')
export class RefreshTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Index('IDX_refresh_tokens_grant_id')
  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  /** Always the grant's whole scope: a refresh may narrow the access token, never the refresh token (§6). */
  @Column({ type: 'text' })
  scope: string;

  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt: Date;

  /** Set once, by the one request that rotates the token. */
  @Column({ name: 'used_at', type: 'datetime', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
