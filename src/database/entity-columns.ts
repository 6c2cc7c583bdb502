import { ObjectLiteral, Repository } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

export type Property<Entity> = keyof Entity & string;

/**
 * An entity's table and columns as the statements of RowReader and RowWriter name them, from
 * TypeORM's metadata, and its values as the driver stores them (dates, booleans, simple-json).
 */
export class EntityColumns<Entity extends ObjectLiteral> {
  constructor(private readonly repository: Repository<Entity>) {}

  get table(): string {
    return this.escape(this.repository.metadata.tablePath);
  }

  of(properties: Property<Entity>[]): ColumnMetadata[] {
    return properties.map((property) => this.repository.metadata.findColumnWithPropertyPath(property)!);
  }

  name(column: ColumnMetadata): string {
    return this.escape(column.databaseName);
  }

  /** `a = ? AND b = ?`, or with another separator, `a = ?, b = ?`. */
  equalities(columns: ColumnMetadata[], separator = ' AND '): string {
    return columns.map((column) => `${this.name(column)} = ?`).join(separator);
  }

  /** The values, in the columns' order, as the driver writes them. */
  persistent(columns: ColumnMetadata[], values: unknown[]): unknown[] {
    const { driver } = this.repository.manager.connection;
    return values.map((value, i) => driver.preparePersistentValue(value, columns[i]));
  }

  private escape(name: string): string {
    return this.repository.manager.connection.driver.escape(name);
  }
}
