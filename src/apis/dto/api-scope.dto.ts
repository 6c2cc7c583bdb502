import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** A scope of an API: its name (RFC 6749 §3.3 scope-token) and what it lets a client do, in words. */
export class ApiScopeDto {
  @ApiProperty({ minLength: 1, maxLength: 128, description: 'A scope-token (RFC 6749 §3.3).' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @Matches(/^[\x21\x23-\x5b\x5d-\x7e]+$/, {
    message: 'scope name must be a scope-token (RFC 6749 §3.3): printable ASCII without spaces, " or \\',
  })
  name: string;

  @ApiProperty({ minLength: 1, maxLength: 255, description: 'What the scope lets a client do, in words.' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^[^\x00-\x1f\x7f]*$/, { message: 'scope description must not contain control characters' })
  description: string;
}
