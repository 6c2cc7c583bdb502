import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An authorization code (RFC 6749 §4.1.2), stored only as the SHA-256 of its value. */
@Entity('authorization_codes')
export class AuthorizationCodeEntity {
  @PrimaryColumn({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash: string;

  @Index('IDX_authorization_codes_client_id')
  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  @Index('IDX_authorization_codes_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri: string;

  /** Whether the authorization request named the redirect URI (RFC 6749 §4.1.3: then the token request must too). */
  @Column({ name: 'redirect_uri_sent', type: 'boolean' })
  redirectUriSent: boolean;

  @Column({ type: 'text' })
  scope: string;

  /** The API the code is for (RFC 8707), the request's resource or the client's default; null: the provider itself. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  resource: string | null;

  /** PKCE S256 challenge (RFC 7636); null when the request carried none. */
  @Column({ name: 'code_challenge', type: 'varchar', length: 128, nullable: true })
  codeChallenge: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  nonce: string | null;

  @Column({ name: 'auth_time', type: 'datetime' })
  authTime: Date;

  @Index('IDX_authorization_codes_expires_at')
  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt: Date;

  /** Set once, by the one request that redeems the code. */
  @Column({ name: 'consumed_at', type: 'datetime', nullable: true })
  consumedAt: Date | null;

  /** The grant the redemption created, so that a replay can revoke it. */
  @Column({ name: 'grant_id', type: 'varchar', length: 36, nullable: true })
  grantId: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
