import { EntityManager, ObjectLiteral, QueryResult, Repository } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { EntityColumns, Property } from './entity-columns';

interface Statement {
  sql: string;
  columns: ColumnMetadata[];
}

/**
 * The writes every token request makes, each through one fixed statement worked out once from the
 * entity's metadata, as RowReader does for reads: TypeORM's insert() and update() build, escape and
 * parse their query anew on every call, which cost a token request more CPU than SQLite's own work
 * on the statements. Values are converted by the driver exactly as TypeORM converts them. Nothing
 * is read back.
 */
export class RowWriter<Entity extends ObjectLiteral> {
  private readonly statements = new Map<string, Statement>();
  private readonly columns: EntityColumns<Entity>;

  constructor(repository: Repository<Entity>) {
    this.columns = new EntityColumns(repository);
  }

  /** Inserts rows, in one statement; every row sets the same columns, and those not set take their defaults. */
  async insert(manager: EntityManager, ...rows: Partial<Entity>[]): Promise<void> {
    const properties = Object.keys(rows[0]) as Property<Entity>[];
    const { sql, columns } = this.statement(`insert ${properties.join()}`, () => {
      const columns = this.columns.of(properties);
      const names = columns.map((column) => this.columns.name(column)).join(', ');
      return { sql: `INSERT INTO ${this.columns.table} (${names}) VALUES `, columns };
    });
    const placeholders = `(${columns.map(() => '?').join(', ')})`;
    await this.execute(
      manager,
      sql + rows.map(() => placeholders).join(', '),
      rows.flatMap((row) =>
        this.columns.persistent(
          columns,
          properties.map((property) => row[property]),
        ),
      ),
    );
  }

  /**
   * Updates the row with this key to `values`, provided its `unset` column is still null, in one
   * statement: of concurrent claims on one row exactly one updates it and is answered true.
   */
  async claim(
    manager: EntityManager,
    key: Partial<Entity>,
    unset: Property<Entity>,
    values: Partial<Entity>,
  ): Promise<boolean> {
    const [set, where] = [Object.keys(values), Object.keys(key)] as Property<Entity>[][];
    const { sql, columns } = this.statement(`set ${set.join()} by ${where.join()} if no ${unset}`, () => {
      const [setColumns, whereColumns, [unsetColumn]] = [set, where, [unset]].map((p) => this.columns.of(p));
      const assignments = this.columns.equalities(setColumns, ', ');
      const condition = `${this.columns.equalities(whereColumns)} AND ${this.columns.name(unsetColumn)} IS NULL`;
      return {
        sql: `UPDATE ${this.columns.table} SET ${assignments} WHERE ${condition}`,
        columns: [...setColumns, ...whereColumns],
      };
    });
    const { affected } = await this.execute(
      manager,
      sql,
      this.columns.persistent(columns, [...Object.values(values), ...Object.values(key)]),
    );
    return affected === 1;
  }

  /** Runs the statement on the manager's transaction, if it has one. */
  private async execute(manager: EntityManager, sql: string, parameters: unknown[]): Promise<QueryResult> {
    const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
    try {
      return await runner.query(sql, parameters, true);
    } finally {
      if (!manager.queryRunner) await runner.release();
    }
  }

  private statement(name: string, make: () => Statement): Statement {
    let statement = this.statements.get(name);
    if (!statement) this.statements.set(name, (statement = make()));
    return statement;
  }
}
