import { MigrationInterface, QueryRunner, TableForeignKey } from 'typeorm';

/** Every column that holds a client_id, and whether it may be null. */
const CLIENT_ID_COLUMNS: [table: string, nullable: boolean][] = [
  ['clients', false],
  ['grants', false],
  ['authorization_codes', false],
  ['refresh_tokens', false],
  ['consents', false],
  ['audit_events', true],
];

/** The tables whose client_id refers to `clients` by a foreign key. */
const REFERRING_TABLES = ['grants', 'authorization_codes', 'consents'];

/**
 * A client_id may be the URL of a Client ID Metadata Document, longer than the 64 characters of a
 * registered client's id: every client_id column holds 255, and an audit event's actor
 * (`client:<client_id>`) 300. SQLite stores a varchar of any length whatever its declared one, so
 * only MySQL changes; there the foreign keys to `clients` are dropped while the columns they join
 * widen, and made again.
 */
export class WideClientIds1795861000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await this.resize(queryRunner, 255, 300);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.resize(queryRunner, 64, 100);
  }

  private async resize(queryRunner: QueryRunner, clientId: number, actor: number): Promise<void> {
    if (queryRunner.connection.options.type !== 'mysql') return;
    const foreignKeys = new Map<string, TableForeignKey[]>();
    for (const name of REFERRING_TABLES) {
      const table = await queryRunner.getTable(name);
      const toClients = table!.foreignKeys.filter((fk) => fk.referencedTableName.endsWith('clients'));
      foreignKeys.set(name, toClients);
      await queryRunner.dropForeignKeys(table!, toClients);
    }
    for (const [table, nullable] of CLIENT_ID_COLUMNS) {
      await queryRunner.query(
        `ALTER TABLE \`${table}\` MODIFY \`client_id\` varchar(${clientId}) ${nullable ? 'NULL' : 'NOT NULL'}`,
      );
    }
    await queryRunner.query(`ALTER TABLE \`audit_events\` MODIFY \`actor\` varchar(${actor}) NULL`);
    for (const [table, keys] of foreignKeys) await queryRunner.createForeignKeys(table, keys);
  }
}
