import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/page.query';

/** A page of clients, and `q`, a substring of the name or the client_id. */
export class ListClientsQuery extends PageQuery {
  @ApiPropertyOptional({ maxLength: 255, description: 'A substring of the name or the client_id.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  q?: string;
}
