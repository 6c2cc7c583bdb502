import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ClientMetadataDto } from '../../clients/dto/client-metadata.dto';

/**
 * Client metadata as a client sends it to the registration endpoint (RFC 7591 §2): the fields the
 * admin API takes, validated alike, and what a registration request may carry besides.
 */
export class RegistrationMetadataDto extends ClientMetadataDto {
  /** RFC 7592 §2.2: a replacement names the client it replaces. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  client_id?: string;

  /** RFC 7592 §2.2: a replacement may send back the current secret, which must then match. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  client_secret?: string;

  /** RFC 7591 §2.1: the code flow is the only one (`code` is the default). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1)
  @IsIn(['code'], { each: true, message: 'response_types may only be ["code"]' })
  response_types?: string[];
}
