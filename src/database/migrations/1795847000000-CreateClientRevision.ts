import { MigrationInterface, QueryRunner, Table } from 'typeorm';

export class CreateClientRevision1795847000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'client_revision',
        columns: [
          { name: 'id', type: 'int', isPrimary: true },
          { name: 'revision', type: 'int' },
        ],
      }),
    );
    await queryRunner.query('INSERT INTO client_revision (id, revision) VALUES (1, 0)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('client_revision');
  }
}
