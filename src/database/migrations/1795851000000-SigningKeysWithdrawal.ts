import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * A signing key can be withdrawn (`withdrawn_at`): it stops verifying and leaves the JWKS at once.
 * A retired key's private half is no longer kept (`private_key` NULL): nothing signs with it,
 * and a copy of the database must not let anyone forge tokens the provider still accepts.
 * The private halves of keys retired before are erased here.
 */
export class SigningKeysWithdrawal1795851000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.changeColumn('signing_keys', 'private_key', privateKey(true));
    await queryRunner.addColumn(
      'signing_keys',
      new TableColumn({ name: 'withdrawn_at', type: 'datetime', precision: 3, isNullable: true }),
    );
    await queryRunner.query('UPDATE signing_keys SET private_key = NULL WHERE retired_at IS NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('signing_keys', 'withdrawn_at');
    // Only an active key's private half is ever read; a retired key keeps its public half published.
    await queryRunner.query("UPDATE signing_keys SET private_key = '' WHERE private_key IS NULL");
    await queryRunner.changeColumn('signing_keys', 'private_key', privateKey(false));
  }
}

function privateKey(isNullable: boolean): TableColumn {
  return new TableColumn({ name: 'private_key', type: 'text', isNullable });
}
