import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Who a session signs in and from what, so that a user and an administrator can see the sessions
 * of an account and end them: the user (indexed: the sessions of a user are looked up by it), the
 * browser's User-Agent and address at sign-in, and when the row was born. Null for anonymous
 * sessions and for those started before this migration.
 */
export class SessionMetadata1795857000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('sessions', [
      new TableColumn({ name: 'user_id', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'user_agent', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'ip', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'created_at', type: 'datetime', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'sessions',
      new TableIndex({ name: 'IDX_sessions_user_id', columnNames: ['user_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('sessions', 'IDX_sessions_user_id');
    for (const column of ['created_at', 'ip', 'user_agent', 'user_id'])
      await queryRunner.dropColumn('sessions', column);
  }
}
