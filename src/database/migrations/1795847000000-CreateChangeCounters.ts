import { MigrationInterface, QueryRunner, Table } from 'typeorm';

export class CreateChangeCounters1795847000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'change_counters',
        columns: [
          { name: 'name', type: 'varchar', length: '32', isPrimary: true },
          { name: 'value', type: 'int' },
        ],
      }),
    );
    const q = (identifier: string) => queryRunner.connection.driver.escape(identifier);
    await queryRunner.query(
      `INSERT INTO ${q('change_counters')} (${q('name')}, ${q('value')}) VALUES ('clients', 0), ('revocations', 0)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('change_counters');
  }
}
