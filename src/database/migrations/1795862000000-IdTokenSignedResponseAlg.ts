import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Per client, the algorithm its ID tokens are signed with (OpenID Connect Dynamic Client
 * Registration 1.0 §2 `id_token_signed_response_alg`): every existing client keeps RS256, the one
 * ID tokens were signed with so far.
 */
export class IdTokenSignedResponseAlg1795862000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'clients',
      new TableColumn({ name: 'id_token_signed_response_alg', type: 'varchar', length: '8', default: "'RS256'" }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('clients', 'id_token_signed_response_alg');
  }
}
