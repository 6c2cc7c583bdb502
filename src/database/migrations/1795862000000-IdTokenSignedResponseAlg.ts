import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per client, the algorithm its ID tokens are signed with (OpenID Connect Dynamic Client
 * Registration 1.0 §2 `id_token_signed_response_alg`): every existing client keeps RS256, the one
 * ID tokens were signed with so far.
 *
 * A plain ALTER TABLE, the same on SQLite and MySQL: on SQLite, TypeORM's addColumn/dropColumn
 * copy the table and drop the old one, and a table dropped while foreign keys are enforced (as
 * they are when a migration is undone) takes every client's grants, codes and consents with it.
 */
export class IdTokenSignedResponseAlg1795862000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "ALTER TABLE clients ADD COLUMN id_token_signed_response_alg varchar(8) NOT NULL DEFAULT 'RS256'",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE clients DROP COLUMN id_token_signed_response_alg');
  }
}
