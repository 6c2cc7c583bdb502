import { ClientEntity } from './entities/client.entity';

/** A client as the admin API shows it (RFC 7591 §3.2.1 names): never its secret nor the secret's hash. */
export function clientView(client: ClientEntity) {
  return {
    client_id: client.clientId,
    client_name: client.name,
    name: client.name,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
    grant_types: client.grantTypes,
    scope: client.scope,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    require_pkce: client.requirePkce,
    resource_server: client.resourceServer,
    default_resource: client.defaultResource ?? null,
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
  };
}

export type ClientView = ReturnType<typeof clientView>;
