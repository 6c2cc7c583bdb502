import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GRANT_TYPES } from '../common/oauth/grant-types';
import { ID_TOKEN_SIGNING_ALGS, IdTokenSigningAlg } from '../common/oauth/id-token-signing-algs';
import { AUTH_METHODS } from './dto/client-metadata.dto';
import { ClientEntity, TokenEndpointAuthMethod } from './entities/client.entity';

/**
 * A client as the admin API shows it (RFC 7591 §3.2.1 names): never its secret nor the secret's
 * hash. The class is also the schema of the admin API's OpenAPI document.
 */
export class ClientView {
  @ApiProperty()
  client_id: string;

  @ApiProperty({ description: 'The same as `name` (RFC 7591 spelling).' })
  client_name: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: [String] })
  redirect_uris: string[];

  @ApiProperty({ type: [String] })
  post_logout_redirect_uris: string[];

  @ApiProperty({ enum: GRANT_TYPES, isArray: true })
  grant_types: string[];

  @ApiProperty({ description: 'Space-separated scopes the client may ask for.' })
  scope: string;

  @ApiProperty({ enum: AUTH_METHODS })
  token_endpoint_auth_method: TokenEndpointAuthMethod;

  @ApiProperty({ enum: ID_TOKEN_SIGNING_ALGS, description: 'The algorithm the client’s ID tokens are signed with.' })
  id_token_signed_response_alg: IdTokenSigningAlg;

  @ApiProperty()
  require_pkce: boolean;

  @ApiProperty({ description: 'Whether the client may introspect every client’s access tokens.' })
  resource_server: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Identifier of a registered API.' })
  default_resource: string | null;

  @ApiProperty({ type: 'integer', description: 'Seconds since the epoch.' })
  client_id_issued_at: number;
}

/** A client as creation, rotation, or a change from public to confidential shows it: with its new secret, this once. */
export class ClientWithSecret extends ClientView {
  @ApiPropertyOptional({ description: 'The client secret, shown this once; none for a public client.' })
  client_secret?: string;
}

export function clientView(client: ClientEntity): ClientView {
  return {
    client_id: client.clientId,
    client_name: client.name,
    name: client.name,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
    grant_types: client.grantTypes,
    scope: client.scope,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg,
    require_pkce: client.requirePkce,
    resource_server: client.resourceServer,
    default_resource: client.defaultResource ?? null,
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
  };
}
