import { AuditEventEntity } from './audit-event.entity';

/** An audit event as the admin API shows it. */
export function auditEventView(event: AuditEventEntity) {
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

export type AuditEventView = ReturnType<typeof auditEventView>;
