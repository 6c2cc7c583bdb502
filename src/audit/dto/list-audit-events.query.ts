import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/page.query';
import { AUDIT_EVENT_TYPES, AuditEventType } from '../audit-event-types';

/** RFC 3339 date-time with its offset: a time without one would be read in the server's zone. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const DATE_TIME_MESSAGE = 'must be an ISO 8601 date-time with a time zone, such as 2030-01-31T12:00:00Z';

/** GET /admin/audit-events: a page of events, newest first, optionally filtered. */
export class ListAuditEventsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: AUDIT_EVENT_TYPES })
  @IsOptional()
  @IsIn(AUDIT_EVENT_TYPES, { message: `type must be one of: ${AUDIT_EVENT_TYPES.join(', ')}` })
  type?: AuditEventType;

  @ApiPropertyOptional({ maxLength: 36 })
  @IsOptional()
  @IsString()
  @MaxLength(36)
  user_id?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  client_id?: string;

  /** Events at or after this time. */
  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or after this time (with a time zone).' })
  @IsOptional()
  @Matches(DATE_TIME, { message: `since ${DATE_TIME_MESSAGE}` })
  @IsISO8601({ strict: true }, { message: `since ${DATE_TIME_MESSAGE}` })
  since?: string;

  /** Events at or before this time. */
  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or before this time (with a time zone).' })
  @IsOptional()
  @Matches(DATE_TIME, { message: `until ${DATE_TIME_MESSAGE}` })
  @IsISO8601({ strict: true }, { message: `until ${DATE_TIME_MESSAGE}` })
  until?: string;
}
