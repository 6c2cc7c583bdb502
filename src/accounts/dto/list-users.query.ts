import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/page.query';

/** GET /admin/users: a page, and `q`, a substring of the username, name or email. */
export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ maxLength: 255, description: 'A substring of the username, name or email.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  q?: string;
}
