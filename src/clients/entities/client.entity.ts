import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

@Entity('clients')
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 64 })
  clientId: string;

  /** SHA-256 (hex) of the client secret; null for public clients. The secret itself is never stored. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64, nullable: true })
  secretHash: string | null;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ name: 'redirect_uris', type: 'simple-json' })
  redirectUris: string[];

  /** Where RP-Initiated Logout may send the browser afterwards (OpenID Connect RP-Initiated Logout §3.1). */
  @Column({ name: 'post_logout_redirect_uris', type: 'simple-json', nullable: true })
  postLogoutRedirectUris: string[] | null;

  @Column({ name: 'grant_types', type: 'simple-json' })
  grantTypes: string[];

  /** Space-separated scopes the client may ask for. */
  @Column({ type: 'text' })
  scope: string;

  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 32 })
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;

  get isPublic(): boolean {
    return this.tokenEndpointAuthMethod === 'none';
  }
}
