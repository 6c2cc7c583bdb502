import { MigrationInterface, QueryRunner, Table, TableForeignKeyOptions } from 'typeorm';
import { timestampColumns } from './columns';

/** Deleting a client or a user deletes its codes and grants, and with them every token they back. */
const ownedByClientAndUser: TableForeignKeyOptions[] = [
  {
    columnNames: ['client_id'],
    referencedTableName: 'clients',
    referencedColumnNames: ['client_id'],
    onDelete: 'CASCADE',
  },
  { columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
];

export class CreateGrantsAndAuthorizationCodes1795839801946 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'grants',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'client_id', type: 'varchar', length: '64' },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'scope', type: 'text' },
          { name: 'auth_time', type: 'datetime' },
          { name: 'revoked_at', type: 'datetime', isNullable: true },
          ...timestampColumns(queryRunner, false),
        ],
        indices: [
          { name: 'IDX_grants_client_id', columnNames: ['client_id'] },
          { name: 'IDX_grants_user_id', columnNames: ['user_id'] },
        ],
        foreignKeys: ownedByClientAndUser,
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'authorization_codes',
        columns: [
          { name: 'code_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'client_id', type: 'varchar', length: '64' },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'redirect_uri', type: 'text' },
          { name: 'redirect_uri_sent', type: 'boolean' },
          { name: 'scope', type: 'text' },
          { name: 'code_challenge', type: 'varchar', length: '128', isNullable: true },
          { name: 'nonce', type: 'varchar', length: '512', isNullable: true },
          { name: 'auth_time', type: 'datetime' },
          { name: 'expires_at', type: 'datetime' },
          { name: 'consumed_at', type: 'datetime', isNullable: true },
          { name: 'grant_id', type: 'varchar', length: '36', isNullable: true },
          ...timestampColumns(queryRunner, false),
        ],
        indices: [
          { name: 'IDX_authorization_codes_client_id', columnNames: ['client_id'] },
          { name: 'IDX_authorization_codes_user_id', columnNames: ['user_id'] },
        ],
        foreignKeys: ownedByClientAndUser,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('authorization_codes');
    await queryRunner.dropTable('grants');
  }
}
