import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * A signing key's `activates_at`: when it begins to sign. A staged rollover publishes the next keys
 * ahead of it. Every key so far signed from the moment it was made.
 */
export class SigningKeysActivation1795863000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('signing_keys', activatesAt(true));
    await queryRunner.query('UPDATE signing_keys SET activates_at = created_at');
    await queryRunner.changeColumn('signing_keys', 'activates_at', activatesAt(false));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('signing_keys', 'activates_at');
  }
}

function activatesAt(isNullable: boolean): TableColumn {
  return new TableColumn({ name: 'activates_at', type: 'datetime', precision: 3, isNullable });
}
