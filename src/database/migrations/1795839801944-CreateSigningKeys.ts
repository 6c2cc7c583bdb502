import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { timestampColumns } from './columns';

export class CreateSigningKeys1795839801944 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          { name: 'kid', type: 'varchar', length: '64', isPrimary: true },
          { name: 'alg', type: 'varchar', length: '8' },
          { name: 'private_key', type: 'text' },
          { name: 'public_jwk', type: 'text' },
          { name: 'retired_at', type: 'datetime', isNullable: true },
          ...timestampColumns(queryRunner, false),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('signing_keys');
  }
}
