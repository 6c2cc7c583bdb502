import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FindOptionsWhere, In, LessThan, ObjectLiteral, Repository } from 'typeorm';
import { TransactionsService } from './transactions.service';

/**
 * Deletes the rows (those matching `where`, when given) whose `column` lies before `before`,
 * oldest first, `batchSize` at a time: found by the indexed column (an index leads with `where`'s
 * columns and then `column`), deleted by primary key in a statement that checks the cut-off again.
 * Each batch is a write of its own, and after each the work pauses PAUSE_PER_BATCH times as long as
 * the batch took: a backlog of millions is worked through with three quarters of the database's time
 * left to requests, whose latency it then hardly touches. Answers how many went.
 */
/** How much longer than a batch took the pause after it lasts. */
const PAUSE_PER_BATCH = 3;

export async function deleteExpiredRows<Entity extends ObjectLiteral>(
  repository: Repository<Entity>,
  transactions: TransactionsService,
  { column, where, before, batchSize }: { column: string; where?: object; before: Date; batchSize: number },
): Promise<number> {
  const [key] = repository.metadata.primaryColumns;
  const expired = { ...where, [column]: LessThan(before) } as FindOptionsWhere<Entity>;
  let deleted = 0;
  for (;;) {
    const started = performance.now();
    const rows = await repository
      .createQueryBuilder('row')
      .select(`row.${key.propertyName}`, 'key')
      .where(expired)
      .orderBy(`row.${column}`)
      .limit(batchSize)
      .getRawMany<{ key: string }>();
    if (rows.length === 0) return deleted;
    const { affected } = await transactions.write((manager) =>
      manager.delete(repository.target, { ...expired, [key.propertyName]: In(rows.map((row) => row.key)) }),
    );
    deleted += affected ?? 0;
    if (rows.length < batchSize) return deleted;
    // SQLite answers at once, so without a pause a backlog would hold up every request until it is gone.
    await sleep(Math.max(1, (performance.now() - started) * PAUSE_PER_BATCH));
  }
}
