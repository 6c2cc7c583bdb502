import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { timestampColumns } from './columns';

export class CreateClients1795839801943 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'clients',
        columns: [
          { name: 'client_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'secret_hash', type: 'varchar', length: '64', isNullable: true },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'redirect_uris', type: 'text' },
          { name: 'grant_types', type: 'text' },
          { name: 'scope', type: 'text' },
          { name: 'token_endpoint_auth_method', type: 'varchar', length: '32' },
          ...timestampColumns(queryRunner),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('clients');
  }
}
