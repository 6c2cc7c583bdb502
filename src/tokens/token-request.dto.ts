import { IsOptional, IsString, MaxLength } from 'class-validator';

/** The body of revocation (RFC 7009 §2.1) and introspection (RFC 7662 §2.1) requests. */
export class TokenRequestDto {
  @IsString()
  @MaxLength(4096)
  token: string;

  /** A hint only: an unknown or wrong hint is ignored and both kinds are tried (RFC 7009 §2.1). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  token_type_hint?: string;
}
