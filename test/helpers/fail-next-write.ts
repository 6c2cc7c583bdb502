import { DataSource, QueryRunner } from 'typeorm';

/**
 * Makes the next INSERT, UPDATE or DELETE of `table` fail as a lost connection would, whichever service,
 * connection or query runner sends it; every other statement runs. Undone by jest.restoreAllMocks().
 * Returns whether the write has come and failed.
 */
export function failNextWrite(db: DataSource, table: string): () => boolean {
  const runner = Object.getPrototypeOf(db.createQueryRunner()) as QueryRunner;
  const original = runner.query;
  const write = new RegExp(`^(INSERT INTO|UPDATE|DELETE FROM) [\`"]${table}[\`"]`);
  let failed = false;
  jest.spyOn(runner, 'query').mockImplementation(function (
    this: QueryRunner,
    ...args: Parameters<QueryRunner['query']>
  ) {
    if (failed || !write.test(args[0])) return original.apply(this, args);
    failed = true;
    return Promise.reject(new Error('connection lost'));
  });
  return () => failed;
}
