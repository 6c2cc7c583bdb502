import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { TokenFormat } from '../entities/api.entity';
import { ApiScopeDto } from './api-scope.dto';

export const TOKEN_FORMATS: TokenFormat[] = ['jwt', 'opaque'];
/** Access tokens for an API live between a minute and a day. */
export const ACCESS_TOKEN_TTL_BOUNDS = { min: 60, max: 86_400 };

/** What PATCH may change: every field optional. The identifier, the audience of issued tokens, never changes. */
export class ApiChangesDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 255, description: 'Required when the API is created.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^[^\x00-\x1f\x7f]*$/, { message: 'name must not contain control characters' })
  name?: string;

  /** Replaces the API's scopes as a whole. */
  @ApiPropertyOptional({ type: [ApiScopeDto], maxItems: 100 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ApiScopeDto)
  scopes?: ApiScopeDto[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: ACCESS_TOKEN_TTL_BOUNDS.min,
    maximum: ACCESS_TOKEN_TTL_BOUNDS.max,
    description: 'Lifetime of its access tokens, in seconds; 3600 when the API is created without one.',
  })
  @IsOptional()
  @IsInt()
  @Min(ACCESS_TOKEN_TTL_BOUNDS.min)
  @Max(ACCESS_TOKEN_TTL_BOUNDS.max)
  access_token_ttl?: number;

  @ApiPropertyOptional({ enum: TOKEN_FORMATS, description: 'Only `jwt` is issued so far.' })
  @IsOptional()
  @IsIn(TOKEN_FORMATS, { message: `token_format must be one of: ${TOKEN_FORMATS.join(', ')}` })
  token_format?: TokenFormat;
}

/** A new API: its identifier is required, and so is its name (ApisService). */
export class ApiMetadataDto extends ApiChangesDto {
  @ApiProperty({ minLength: 1, maxLength: 255, description: 'An absolute URI; the audience of its access tokens.' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  identifier: string;
}
