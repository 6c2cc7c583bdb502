import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * RetentionService deletes failed sign-ins by type and age: one index on (type, created_at) finds
 * them oldest first. It also serves every lookup by type, so it replaces the index on type alone.
 */
export class AuditEventsTypeCreatedAt1795854000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'IDX_audit_events_type_created_at', columnNames: ['type', 'created_at'] }),
    );
    await queryRunner.dropIndex('audit_events', 'IDX_audit_events_type');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'IDX_audit_events_type', columnNames: ['type'] }),
    );
    await queryRunner.dropIndex('audit_events', 'IDX_audit_events_type_created_at');
  }
}
