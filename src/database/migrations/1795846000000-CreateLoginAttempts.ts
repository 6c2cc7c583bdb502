import { MigrationInterface, QueryRunner, Table } from 'typeorm';

export class CreateLoginAttempts1795846000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'login_attempts',
        columns: [
          { name: 'username_key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'failures', type: 'int' },
          { name: 'back_offs', type: 'int' },
          { name: 'blocked_until', type: 'datetime', precision: 3, isNullable: true },
          { name: 'last_attempt_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'IDX_login_attempts_last_attempt_at', columnNames: ['last_attempt_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('login_attempts');
  }
}
