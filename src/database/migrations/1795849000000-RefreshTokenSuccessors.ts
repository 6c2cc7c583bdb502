import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * A refresh token is rotated by writing its successor, which names it in `parent_hash`. The
 * unique index lets one successor in per token: of two concurrent rotations of one token, the
 * second is refused by the database itself, without a transaction around a read and a write.
 * `used_at` keeps the tokens rotated before this migration from being used again.
 */
export class RefreshTokenSuccessors1795849000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'refresh_tokens',
      new TableColumn({ name: 'parent_hash', type: 'varchar', length: '64', isNullable: true }),
    );
    await queryRunner.createIndex(
      'refresh_tokens',
      new TableIndex({ name: 'IDX_refresh_tokens_parent_hash', columnNames: ['parent_hash'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('refresh_tokens', 'IDX_refresh_tokens_parent_hash');
    await queryRunner.dropColumn('refresh_tokens', 'parent_hash');
  }
}
