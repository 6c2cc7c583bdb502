import { ObjectLiteral, Repository } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { EntityColumns, Property } from './entity-columns';

/**
 * Reads the one row whose `keys` columns equal the given values, the way TypeORM's findOneBy()
 * would, but through one fixed statement. findOneBy() builds, escapes and parses a query with its
 * query builder on every call: about 60 µs of CPU for a primary-key lookup on SQLite, against
 * about 9 µs for the statement alone (measured on the bench machine, BENCHMARKS.md). For the
 * lookups every token request makes. Values are converted both ways by the driver, exactly as
 * TypeORM converts them (dates, booleans, simple-json), and virtual columns are selected as
 * find() selects them, so the entity is the same either way.
 */
export class RowReader<Entity extends ObjectLiteral> {
  /** The statement and its key columns, worked out from the entity's metadata on first use. */
  private statement?: { sql: string; keyColumns: ColumnMetadata[] };
  private readonly columns: EntityColumns<Entity>;

  constructor(
    private readonly repository: Repository<Entity>,
    private readonly keys: Property<Entity>[],
  ) {
    this.columns = new EntityColumns(repository);
  }

  async findOne(...values: unknown[]): Promise<Entity | null> {
    const { metadata, manager } = this.repository;
    const { driver } = manager.connection;
    const { sql, keyColumns } = (this.statement ??= this.prepare());
    const rows = (await manager.query(sql, this.columns.persistent(keyColumns, values))) as Record<string, unknown>[];
    if (rows.length === 0) return null;
    const entity = this.repository.create();
    for (const column of metadata.columns) {
      column.setEntityValue(entity, driver.prepareHydratedValue(rows[0][column.databaseName], column));
    }
    return entity;
  }

  private prepare(): { sql: string; keyColumns: ColumnMetadata[] } {
    const { table } = this.columns;
    const keyColumns = this.columns.of(this.keys);
    // A virtual column (@VirtualColumn) is its query, as TypeORM's find() selects it.
    const selected = this.repository.metadata.columns
      .map((c) => (c.isVirtualProperty && c.query ? `(${c.query(table)}) AS ` : '') + this.columns.name(c))
      .join(', ');
    return { sql: `SELECT ${selected} FROM ${table} WHERE ${this.columns.equalities(keyColumns)}`, keyColumns };
  }
}
