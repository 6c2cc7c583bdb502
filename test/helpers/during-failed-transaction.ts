import { setTimeout as sleep } from 'node:timers/promises';
import { TransactionsService } from '../../src/database/transactions.service';

/**
 * Starts `write` while a transaction of `transactions` is open, then makes that transaction fail;
 * settles as `write` does, once the transaction is rolled back. On SQLite's one connection, a
 * statement sent around the group commit would land inside the open transaction and be lost with it.
 */
export async function writeDuringFailedTransaction<T>(
  transactions: TransactionsService,
  write: () => Promise<T>,
): Promise<T> {
  let written!: Promise<T>;
  const failed = transactions.run(async (manager) => {
    await manager.query('SELECT 1');
    written = write();
    await sleep(20);
    throw new Error('this transaction fails');
  });
  await expect(failed).rejects.toThrow('this transaction fails');
  return written;
}
