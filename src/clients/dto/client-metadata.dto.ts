import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { GRANT_TYPES } from '../../common/oauth/grant-types';
import { ID_TOKEN_SIGNING_ALGS, IdTokenSigningAlg } from '../../common/oauth/id-token-signing-algs';
import { TokenEndpointAuthMethod } from '../entities/client.entity';

export const AUTH_METHODS: TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

/** Client metadata as RFC 7591 §2 names it; every field optional, as in PATCH. */
export class ClientMetadataDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 255,
    description: 'Required at creation, as `name` or `client_name`.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^[^\x00-\x1f\x7f]*$/, { message: 'name must not contain control characters' })
  name?: string;

  /** RFC 7591 spelling of `name`. */
  @ApiPropertyOptional({ minLength: 1, maxLength: 255, description: 'RFC 7591 spelling of `name`.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^[^\x00-\x1f\x7f]*$/, { message: 'client_name must not contain control characters' })
  client_name?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({
    enum: GRANT_TYPES,
    isArray: true,
    description: 'authorization_code and refresh_token when none are named.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(GRANT_TYPES.length)
  @IsIn(GRANT_TYPES, { each: true, message: `grant_types must be among: ${GRANT_TYPES.join(', ')}` })
  grant_types?: string[];

  @ApiPropertyOptional({ maxLength: 2000, description: 'Space-separated scopes the client may ask for.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  scope?: string;

  @ApiPropertyOptional({
    enum: AUTH_METHODS,
    description: 'client_secret_basic when none is named; none makes a public client.',
  })
  @IsOptional()
  @IsIn(AUTH_METHODS, { message: `token_endpoint_auth_method must be one of: ${AUTH_METHODS.join(', ')}` })
  token_endpoint_auth_method?: TokenEndpointAuthMethod;

  /** OpenID Connect Dynamic Client Registration 1.0 §2: how the client's ID tokens are signed; RS256 by default. */
  @ApiPropertyOptional({
    enum: ID_TOKEN_SIGNING_ALGS,
    description: 'The algorithm the client’s ID tokens are signed with; RS256 when none is named.',
  })
  @IsOptional()
  @IsIn(ID_TOKEN_SIGNING_ALGS, {
    message: `id_token_signed_response_alg must be one of: ${ID_TOKEN_SIGNING_ALGS.join(', ')}`,
  })
  id_token_signed_response_alg?: IdTokenSigningAlg;

  /**
   * Defaults to true. Opting out is for a confidential legacy client that cannot send a PKCE
   * challenge, and weakens it (RFC 9700 §2.1.1); a public client cannot opt out.
   */
  @ApiPropertyOptional({ description: 'Defaults to true; a public client cannot opt out.' })
  @IsOptional()
  @IsBoolean()
  require_pkce?: boolean;

  /**
   * The identifier of a registered API, for requests that name no resource (RFC 8707); null
   * removes it. Without one, such requests get tokens for the provider itself.
   */
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 255,
    description: 'The identifier of a registered API; null removes it.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  default_resource?: string | null;

  /** Defaults to false. A resource server may introspect every client's access tokens (RFC 7662 §2.2). */
  @ApiPropertyOptional({
    description: 'Defaults to false. Whether the client may introspect every client’s access tokens.',
  })
  @IsOptional()
  @IsBoolean()
  resource_server?: boolean;
}
