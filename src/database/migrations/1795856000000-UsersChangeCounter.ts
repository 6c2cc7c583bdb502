import { MigrationInterface, QueryRunner } from 'typeorm';

/** The counter of changes to users' standing (disabled, administrator), for the users held in memory. */
export class UsersChangeCounter1795856000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (identifier: string) => queryRunner.connection.driver.escape(identifier);
    await queryRunner.query(`INSERT INTO ${q('change_counters')} (${q('name')}, ${q('value')}) VALUES ('users', 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const q = (identifier: string) => queryRunner.connection.driver.escape(identifier);
    await queryRunner.query(`DELETE FROM ${q('change_counters')} WHERE ${q('name')} = 'users'`);
  }
}
