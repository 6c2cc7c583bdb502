import { ApiEntity } from './entities/api.entity';

/** An API as the admin API shows it. */
export function apiView(api: ApiEntity) {
  return {
    id: api.id,
    identifier: api.identifier,
    name: api.name,
    scopes: api.scopes.map(({ name, description }) => ({ name, description })),
    access_token_ttl: api.accessTokenTtl,
    token_format: api.tokenFormat,
    created_at: api.createdAt.toISOString(),
  };
}

export type ApiView = ReturnType<typeof apiView>;
