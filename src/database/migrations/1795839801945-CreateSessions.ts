import { MigrationInterface, QueryRunner, Table } from 'typeorm';

export class CreateSessions1795839801945 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'data', type: 'text' },
          { name: 'expires_at', type: 'datetime' },
        ],
        indices: [{ name: 'IDX_sessions_expires_at', columnNames: ['expires_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sessions');
  }
}
