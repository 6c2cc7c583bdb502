import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { timestampColumns } from './columns';

export class CreateAuditEvents1795845000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'actor', type: 'varchar', length: '100', isNullable: true },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'client_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'detail', type: 'text', isNullable: true },
          ...timestampColumns(queryRunner, false),
        ],
        // No foreign keys: the trail keeps the history of users and clients that are gone.
        indices: [
          { name: 'IDX_audit_events_type', columnNames: ['type'] },
          { name: 'IDX_audit_events_user_id', columnNames: ['user_id'] },
          { name: 'IDX_audit_events_client_id', columnNames: ['client_id'] },
          { name: 'IDX_audit_events_created_at', columnNames: ['created_at'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_events');
  }
}
