import { performance } from 'node:perf_hooks';
import { FindOptionsWhere, In, LessThan, ObjectLiteral, Repository } from 'typeorm';
import { TransactionsService } from './transactions.service';
import { yieldToRequests } from './yield-to-requests';

/** Which rows a run of retention deletes from a table, how many per statement, and until when. */
export interface ExpiredRows {
  /** The cut-off: what ended before it goes. */
  before: Date;
  batchSize: number;
  signal?: AbortSignal;
}

/**
 * Deletes the rows (those matching `where`, when given) whose `column` lies before `before`,
 * oldest first, `batchSize` at a time: found by the indexed column (an index leads with `where`'s
 * columns and then `column`), deleted by primary key in a statement that checks the cut-off again.
 * Each batch is a write of its own, and yields to requests after it (yieldToRequests). Once
 * `signal` is aborted (the instance shutting down), no further batch begins. Answers how many went.
 */
export async function deleteExpiredRows<Entity extends ObjectLiteral>(
  repository: Repository<Entity>,
  transactions: TransactionsService,
  { column, where, before, batchSize, signal }: ExpiredRows & { column: string; where?: object },
): Promise<number> {
  const [key] = repository.metadata.primaryColumns;
  const expired = { ...where, [column]: LessThan(before) } as FindOptionsWhere<Entity>;
  let deleted = 0;
  while (!signal?.aborted) {
    const selected = performance.now();
    const rows = await repository
      .createQueryBuilder('row')
      .select(`row.${key.propertyName}`, 'key')
      .where(expired)
      .orderBy(`row.${column}`)
      .limit(batchSize)
      .getRawMany<{ key: string }>();
    if (rows.length === 0) return deleted;
    let workMs = performance.now() - selected;
    const { affected } = await transactions.write(async (manager) => {
      // The statement's own time: on SQLite it runs among the requests' writes, whose work is theirs.
      const started = performance.now();
      const result = await manager.delete(repository.target, {
        ...expired,
        [key.propertyName]: In(rows.map((row) => row.key)),
      });
      workMs += performance.now() - started;
      return result;
    });
    deleted += affected ?? 0;
    if (rows.length < batchSize) return deleted;
    await yieldToRequests(workMs);
  }
  return deleted;
}
