import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * A retired key stays published until every token it signed has expired, counted from `retired_at`.
 * MySQL kept that time to the second (MariaDB truncates), so a key could leave the JWKS up to a
 * second before the last tokens it signed expired; now it is kept to the millisecond.
 */
export class SigningKeysRetiredAtMilliseconds1795848000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.changeColumn('signing_keys', 'retired_at', retiredAt(3));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.changeColumn('signing_keys', 'retired_at', retiredAt());
  }
}

function retiredAt(precision?: number): TableColumn {
  return new TableColumn({ name: 'retired_at', type: 'datetime', precision, isNullable: true });
}
