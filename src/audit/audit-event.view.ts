import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_EVENT_TYPES, AuditDetail, AuditEventType } from './audit-event-types';
import { AuditEventEntity } from './audit-event.entity';

/** An audit event as the admin API shows it; the class is also the schema of the admin API's OpenAPI document. */
export class AuditEventView {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty({ enum: AUDIT_EVENT_TYPES })
  type: AuditEventType;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: '`user:<id>`, `client:<client_id>`, `cli`, `registration` or `metadata_document`.',
  })
  actor: string | null;

  @ApiProperty({ type: String, nullable: true })
  user_id: string | null;

  @ApiProperty({ type: String, nullable: true })
  client_id: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip: string | null;

  @ApiProperty({
    type: 'object',
    description: 'A few plain facts about the event; never a secret, token or code.',
    additionalProperties: {
      anyOf: [
        { type: 'string' },
        { type: 'number' },
        { type: 'boolean' },
        { type: 'null' },
        { type: 'array', items: { type: 'string' } },
      ],
    },
  })
  detail: AuditDetail;
}

export function auditEventView(event: AuditEventEntity): AuditEventView {
  return {
    id: event.id,
    type: event.type,
    created_at: event.createdAt.toISOString(),
    actor: event.actor,
    user_id: event.userId,
    client_id: event.clientId,
    ip: event.ip,
    detail: event.detail ?? {},
  };
}
