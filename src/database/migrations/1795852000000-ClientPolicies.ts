import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Per client: whether it must use PKCE (every existing client now must, RFC 9700 §2.1.1), whether
 * it is a resource server allowed to introspect other clients' tokens (none is), and when its
 * credentials last changed, so that access tokens issued before stop verifying.
 */
export class ClientPolicies1795852000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('clients', [
      new TableColumn({ name: 'require_pkce', type: 'boolean', default: true }),
      new TableColumn({ name: 'resource_server', type: 'boolean', default: false }),
      new TableColumn({ name: 'credentials_changed_at', type: 'datetime', precision: 3, isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('clients', ['credentials_changed_at', 'resource_server', 'require_pkce']);
  }
}
