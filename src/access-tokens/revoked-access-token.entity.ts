import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An access token revoked before its expiry (RFC 7009), kept by `jti` until it would have expired anyway. */
@Entity('revoked_access_tokens')
export class RevokedAccessTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  jti: string;

  @Index('IDX_revoked_access_tokens_expires_at')
  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt: Date;
}
