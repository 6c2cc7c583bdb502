import { ApiProperty } from '@nestjs/swagger';

/**
 * A live browser session of a user, as the account page and the admin API show it; the class is
 * also the schema of the admin API's OpenAPI document.
 */
export class SessionView {
  @ApiProperty({ description: 'The row’s id (a digest of the session id): it names the session, it signs nobody in.' })
  id: string;

  @ApiProperty({ description: 'The browser and system its User-Agent named at sign-in ("Chrome on Linux").' })
  device: string;

  @ApiProperty({ type: String, nullable: true })
  ip: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  created_at: string | null;

  @ApiProperty({ format: 'date-time' })
  expires_at: string;
}
