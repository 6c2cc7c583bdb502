import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { timestampColumns } from './columns';

/**
 * RFC 7591 / 7592 dynamic client registration: the digest of each self-registered client's
 * registration access token, and the initial access tokens an administrator hands out for
 * DYNAMIC_REGISTRATION=token (digests only, each with its expiry).
 */
export class DynamicRegistration1795860000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'clients',
      new TableColumn({ name: 'registration_access_token_hash', type: 'varchar', length: '64', isNullable: true }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'registration_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'description', type: 'varchar', length: '255', isNullable: true },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          ...timestampColumns(queryRunner, false),
        ],
        indices: [
          { name: 'IDX_registration_tokens_token_hash', columnNames: ['token_hash'], isUnique: true },
          { name: 'IDX_registration_tokens_expires_at', columnNames: ['expires_at'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('registration_tokens');
    await queryRunner.dropColumn('clients', 'registration_access_token_hash');
  }
}
