import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** A disabled user can neither sign in nor refresh; null while the account is in use. */
export class UsersDisabledAt1795853000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('users', new TableColumn({ name: 'disabled_at', type: 'datetime', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'disabled_at');
  }
}
