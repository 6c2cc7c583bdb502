import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/page.query';

/** GET /admin/users: a page, and `q`, a substring of the username, name or email. */
export class ListUsersQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(255)
  q?: string;
}
