import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** RetentionService finds expired codes and refresh tokens by their expiry, as it does sessions and revocations. */
export class ExpiryIndexes1795850000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'authorization_codes',
      new TableIndex({ name: 'IDX_authorization_codes_expires_at', columnNames: ['expires_at'] }),
    );
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'IDX_refresh_tokens_expires_at', columnNames: ['expires_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('refresh_tokens', 'IDX_refresh_tokens_expires_at');
    await queryRunner.dropIndex('authorization_codes', 'IDX_authorization_codes_expires_at');
  }
}
