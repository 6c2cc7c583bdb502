import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A scope an API defines, with the words the consent page shows for it. */
export interface ApiScope {
  name: string;
  description: string;
}

export type TokenFormat = 'jwt' | 'opaque';

/** An API (resource server) that partners get tokens for: its identifier is the audience of those tokens. */
@Entity('apis')
export class ApiEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** An absolute URI without fragment (RFC 8707 §2), unique. */
  @Column({ type: 'varchar', length: 255, unique: true })
  identifier: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** Scope names are unique across every API and never a built-in scope (ApisService). */
  @Column({ type: 'simple-json' })
  scopes: ApiScope[];

  /** Lifetime of the access tokens issued for this API, in seconds. */
  @Column({ name: 'access_token_ttl', type: 'int' })
  accessTokenTtl: number;

  @Column({ name: 'token_format', type: 'varchar', length: 16 })
  tokenFormat: TokenFormat;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
