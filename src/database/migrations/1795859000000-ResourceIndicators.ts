import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Resource indicators (RFC 8707): the API an authorization code and the grant it yields are for
 * (null: the provider itself, as every code and grant before), and a client's default resource
 * for requests that name none (null: none).
 */
export class ResourceIndicators1795859000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const resource = (name: string) => new TableColumn({ name, type: 'varchar', length: '255', isNullable: true });
    await queryRunner.addColumn('authorization_codes', resource('resource'));
    await queryRunner.addColumn('grants', resource('resource'));
    await queryRunner.addColumn('clients', resource('default_resource'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('clients', 'default_resource');
    await queryRunner.dropColumn('grants', 'resource');
    await queryRunner.dropColumn('authorization_codes', 'resource');
  }
}
