import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { timestampColumns } from './columns';

export class CreateRefreshTokensRevocationsConsents1795843000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [
          { name: 'token_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'grant_id', type: 'varchar', length: '36' },
          { name: 'client_id', type: 'varchar', length: '64' },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'scope', type: 'text' },
          { name: 'expires_at', type: 'datetime' },
          { name: 'used_at', type: 'datetime', isNullable: true },
          ...timestampColumns(queryRunner, false),
        ],
        indices: [{ name: 'IDX_refresh_tokens_grant_id', columnNames: ['grant_id'] }],
        // The grant owns its refresh tokens: deleting the client or user deletes the grant and them.
        foreignKeys: [
          {
            columnNames: ['grant_id'],
            referencedTableName: 'grants',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'revoked_access_tokens',
        columns: [
          { name: 'jti', type: 'varchar', length: '64', isPrimary: true },
          { name: 'expires_at', type: 'datetime' },
        ],
        indices: [{ name: 'IDX_revoked_access_tokens_expires_at', columnNames: ['expires_at'] }],
      }),
    );
    const [updatedAt] = timestampColumns(queryRunner, false);
    await queryRunner.createTable(
      new Table({
        name: 'consents',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'client_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'scope', type: 'text' },
          { ...updatedAt, name: 'updated_at' },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['client_id'],
            referencedTableName: 'clients',
            referencedColumnNames: ['client_id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.addColumn(
      'clients',
      new TableColumn({ name: 'post_logout_redirect_uris', type: 'text', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('clients', 'post_logout_redirect_uris');
    await queryRunner.dropTable('consents');
    await queryRunner.dropTable('revoked_access_tokens');
    await queryRunner.dropTable('refresh_tokens');
  }
}
