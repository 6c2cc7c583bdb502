import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { IdTokenSigningAlg } from '../../common/oauth/id-token-signing-algs';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

@Entity('clients')
export class ClientEntity {
  /** A registered client's random id, or the URL of a Client ID Metadata Document (at most 255 characters). */
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 255 })
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

  /**
   * Whether the authorization endpoint demands a PKCE challenge (RFC 9700 §2.1.1). Only a
   * confidential client may opt out, as a legacy client that cannot send one; a public client never.
   */
  @Column({ name: 'require_pkce', type: 'boolean', default: true })
  requirePkce: boolean;

  /** A resource server may introspect the access tokens of every client (RFC 7662 §2.2); others only their own. */
  @Column({ name: 'resource_server', type: 'boolean', default: false })
  resourceServer: boolean;

  /**
   * The API (its identifier) a request of this client is for when it names no resource (RFC 8707);
   * null: such a request is for the provider itself, as before resource indicators.
   */
  @Column({ name: 'default_resource', type: 'varchar', length: 255, nullable: true })
  defaultResource: string | null;

  /**
   * The algorithm its ID tokens are signed with (OpenID Connect Dynamic Client Registration 1.0 §2
   * `id_token_signed_response_alg`): RS256 unless the client asked for ES256.
   */
  @Column({ name: 'id_token_signed_response_alg', type: 'varchar', length: 8, default: 'RS256' })
  idTokenSignedResponseAlg: IdTokenSigningAlg;

  /**
   * When the client last got a new secret or changed between confidential and public; access
   * tokens issued in an earlier second stop verifying (access-token-standing.ts).
   */
  @Column({ name: 'credentials_changed_at', type: 'datetime', precision: 3, nullable: true })
  credentialsChangedAt: Date | null;

  /**
   * SHA-256 (hex) of the registration access token (RFC 7592 §1.1) of a client registered at the
   * dynamic registration endpoint, with which it reads, replaces and deletes its own registration;
   * null for a client an administrator registered, which cannot be managed that way.
   */
  @Column({ name: 'registration_access_token_hash', type: 'varchar', length: 64, nullable: true })
  registrationAccessTokenHash: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;

  get isPublic(): boolean {
    return this.tokenEndpointAuthMethod === 'none';
  }

  /**
   * Whether the client has been made public since `moment`: what it was given before, as a
   * confidential client, was bound to a secret it no longer has to show, so it must not be redeemed
   * by whoever knows the client_id alone.
   */
  madePublicSince(moment: Date): boolean {
    return this.isPublic && this.credentialsChangedAt !== null && this.credentialsChangedAt > moment;
  }
}
