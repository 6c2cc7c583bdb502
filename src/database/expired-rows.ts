import { setImmediate as nextTurn } from 'node:timers/promises';
import { FindOptionsWhere, In, LessThan, ObjectLiteral, Repository } from 'typeorm';
import { TransactionsService } from './transactions.service';

/**
 * Deletes the rows (those matching `where`, when given) whose `column` lies before `before`,
 * oldest first, `batchSize` at a time: found by the indexed column (an index leads with `where`'s
 * columns and then `column`), deleted by primary key in a statement that checks the cut-off again.
 * Each batch is a write of its own; between batches other work runs. Answers how many went.
 */
export async function deleteExpiredRows<Entity extends ObjectLiteral>(
  repository: Repository<Entity>,
  transactions: TransactionsService,
  { column, where, before, batchSize }: { column: string; where?: object; before: Date; batchSize: number },
): Promise<number> {
  const [key] = repository.metadata.primaryColumns;
  const expired = { ...where, [column]: LessThan(before) } as FindOptionsWhere<Entity>;
  let deleted = 0;
  for (;;) {
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
    // SQLite answers at once, so without this a backlog would hold up every request until it is gone.
    await nextTurn();
  }
}
