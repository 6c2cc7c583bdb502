import { ApiProperty } from '@nestjs/swagger';

/** A live grant of a user as the admin API shows it; the class is also the schema of the admin API's OpenAPI document. */
export class GrantView {
  @ApiProperty()
  id: string;

  @ApiProperty()
  client_id: string;

  @ApiProperty({ type: String, nullable: true, description: 'The client’s name; null once the client is gone.' })
  client_name: string | null;

  @ApiProperty({ description: 'Space-separated scopes the user granted.' })
  scope: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}
