import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, VirtualColumn } from 'typeorm';

/**
 * A refresh token (RFC 6749 §6), stored only as the SHA-256 of its value.
 * Each use rotates it (RFC 9700 §4.14.2): its successor is written, naming it
 * in `parentHash`, in one statement; the unique index on that column lets only
 * one successor in, so a token is rotated once even under concurrency.
 */
@Entity('refresh_tokens')
export class RefreshTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Index('IDX_refresh_tokens_grant_id')
  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId: string;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  /**
   * The grant's scope less what the client or user had lost at the token's rotation: a refresh may
   * narrow the access token, never the refresh token (§6), but a withdrawn scope does not return.
   */
  @Column({ type: 'text' })
  scope: string;

  @Index('IDX_refresh_tokens_expires_at')
  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt: Date;

  /** The token this one replaced; null for the first token of a grant. */
  @Index('IDX_refresh_tokens_parent_hash', { unique: true })
  @Column({ name: 'parent_hash', type: 'varchar', length: 64, nullable: true })
  parentHash: string | null;

  /** Whether a successor names this token. */
  @VirtualColumn({
    type: 'boolean',
    query: (alias) =>
      `SELECT EXISTS (SELECT 1 FROM refresh_tokens successor WHERE successor.parent_hash = ${alias}.token_hash)`,
  })
  hasSuccessor: boolean;

  /** When the token was rotated, for tokens rotated before successors named their parent (migration 1795849000000). */
  @Column({ name: 'used_at', type: 'datetime', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  /** Whether the token has been rotated, and so may not be used again. */
  get isRotated(): boolean {
    return this.hasSuccessor || this.usedAt !== null;
  }
}
