import { ApiProperty } from '@nestjs/swagger';
import { ApiScopeDto } from './dto/api-scope.dto';
import { TOKEN_FORMATS } from './dto/api-metadata.dto';
import { ApiEntity, TokenFormat } from './entities/api.entity';

/** An API as the admin API shows it; the class is also the schema of the admin API's OpenAPI document. */
export class ApiView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'The audience of the access tokens issued for the API (RFC 8707).' })
  identifier: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: [ApiScopeDto] })
  scopes: ApiScopeDto[];

  @ApiProperty({ type: 'integer', description: 'Lifetime of its access tokens, in seconds.' })
  access_token_ttl: number;

  @ApiProperty({ enum: TOKEN_FORMATS })
  token_format: TokenFormat;

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}

export function apiView(api: ApiEntity): ApiView {
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
