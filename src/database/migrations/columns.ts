import { QueryRunner, TableColumnOptions } from 'typeorm';

/** created_at / updated_at columns in the form TypeORM's date decorators expect on the running database. */
export function timestampColumns(queryRunner: QueryRunner, withUpdatedAt = true): TableColumnOptions[] {
  const types = queryRunner.connection.driver.mappedDataTypes;
  const column = (name: string): TableColumnOptions => ({
    name,
    type: queryRunner.connection.driver.normalizeType({ type: types.createDate }),
    precision: types.createDatePrecision,
    default: types.createDateDefault,
  });
  return withUpdatedAt ? [column('created_at'), column('updated_at')] : [column('created_at')];
}
