import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { timestampColumns } from './columns';

/** The registry of APIs (resource servers) and the counter of its changes, for the registry held in memory. */
export class CreateApis1795858000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'apis',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'identifier', type: 'varchar', length: '255' },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'scopes', type: 'text' },
          { name: 'access_token_ttl', type: 'int' },
          { name: 'token_format', type: 'varchar', length: '16' },
          ...timestampColumns(queryRunner),
        ],
        indices: [{ name: 'IDX_apis_identifier', columnNames: ['identifier'], isUnique: true }],
      }),
    );
    const q = (identifier: string) => queryRunner.connection.driver.escape(identifier);
    await queryRunner.query(`INSERT INTO ${q('change_counters')} (${q('name')}, ${q('value')}) VALUES ('apis', 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const q = (identifier: string) => queryRunner.connection.driver.escape(identifier);
    await queryRunner.query(`DELETE FROM ${q('change_counters')} WHERE ${q('name')} = 'apis'`);
    await queryRunner.dropTable('apis');
  }
}
