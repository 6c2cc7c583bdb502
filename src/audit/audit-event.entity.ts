import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AuditDetail, AuditEventType } from './audit-event-types';

/**
 * One entry of the audit trail. Users and clients are named by id without foreign keys:
 * the trail outlives what it speaks of (a deleted client's history stays readable).
 */
@Entity('audit_events')
@Index('IDX_audit_events_type_created_at', ['type', 'createdAt'])
export class AuditEventEntity {
  /** Increasing: orders events written in the same instant. */
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  type: AuditEventType;

  /** Who did it (see AuditOrigin); null when nobody known, such as a failed login. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  actor: string | null;

  @Index('IDX_audit_events_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  @Index('IDX_audit_events_client_id')
  @Column({ name: 'client_id', type: 'varchar', length: 255, nullable: true })
  clientId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'simple-json', nullable: true })
  detail: AuditDetail | null;

  @Index('IDX_audit_events_created_at')
  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
