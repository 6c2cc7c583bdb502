import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `limit` and `offset` of a listing in the admin API: at most 100 items a page. */
export class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  // Beyond this, SQLite and MySQL refuse the OFFSET itself (a server error), and no list is that long.
  @Max(Number.MAX_SAFE_INTEGER)
  offset = 0;
}
