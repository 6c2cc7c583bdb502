import { ApiProperty } from '@nestjs/swagger';

/** What every error answer of the APIs carries (RFC 6749 §5.2), as OAuthExceptionFilter writes it. */
export class OAuthErrorBody {
  @ApiProperty({ description: 'The error code, such as invalid_request, invalid_token or not_found.' })
  error: string;

  @ApiProperty({ description: 'What went wrong, in words a developer reads.' })
  error_description: string;
}
