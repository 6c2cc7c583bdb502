import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One authorization a user gave a client, born when a code is redeemed.
 * Every token descended from it names it, so that revoking it kills them all
 * (code replay, refresh token reuse, RFC 9700 §4.14.2).
 */
@Entity('grants')
export class GrantEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('IDX_grants_client_id')
  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  @Index('IDX_grants_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'text' })
  scope: string;

  /** The API its access tokens are for (RFC 8707), as the code was; null: the provider itself. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  resource: string | null;

  @Column({ name: 'auth_time', type: 'datetime' })
  authTime: Date;

  @Column({ name: 'revoked_at', type: 'datetime', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
