import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { ChangeCounterEntity, ChangeCounterName } from './change-counter.entity';
import { TransactionsService } from './transactions.service';

export type ChangeCounts = ReadonlyMap<string, number>;

/**
 * The change counters (change-counter.entity.ts), read once per turn of the event loop. A caller
 * gets the counters as committed at a read started after its call; every call made in the same
 * turn shares that one read.
 */
@Injectable()
export class ChangeCounters {
  /** The read the calls of this turn wait for; it starts once this turn is over. */
  private nextRead?: Promise<ChangeCounts>;
  private sql?: string;

  constructor(
    @InjectRepository(ChangeCounterEntity) private readonly counters: Repository<ChangeCounterEntity>,
    private readonly transactions: TransactionsService,
  ) {}

  current(): Promise<ChangeCounts> {
    this.nextRead ??= new Promise((resolve, reject) =>
      setImmediate(() => {
        // Calls from now on wait for a read of their own, started after them.
        this.nextRead = undefined;
        this.read().then(resolve, reject);
      }),
    );
    return this.nextRead;
  }

  /**
   * Makes a change of the kinds named and counts it, in one transaction: committed together or not
   * at all. The count comes first: it writes the counter's row before the change reads anything, so
   * concurrent changes of one kind run one after another, each seeing the one before (on one server
   * by the row's lock, on a Galera cluster by a certification conflict and TransactionsService's
   * retry). A check such as "another administrator remains" cannot then pass for two changes at once.
   */
  counted<T>(
    names: ChangeCounterName | ChangeCounterName[],
    change: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return this.transactions.run(async (manager) => {
      await manager.increment(ChangeCounterEntity, { name: In(([] as ChangeCounterName[]).concat(names)) }, 'value', 1);
      return change(manager);
    });
  }

  /**
   * Makes a change that needs no such order and may find nothing left to change, and counts it only
   * if it did (`change` answers whether). Many concurrent requests making the same change (every
   * loser of a code race revoking the winner's grant) then write the counter's row once, not each:
   * on a Galera cluster each write from another node would be a certification conflict to retry.
   */
  async countedIfChanged(name: ChangeCounterName, change: (manager: EntityManager) => Promise<boolean>): Promise<void> {
    await this.transactions.run(async (manager) => {
      if (await change(manager)) await manager.increment(ChangeCounterEntity, { name }, 'value', 1);
    });
  }

  private async read(): Promise<ChangeCounts> {
    const rows = (await this.counters.query((this.sql ??= this.statement()))) as {
      name: string;
      value: number | string;
    }[];
    return new Map(rows.map((row) => [row.name, Number(row.value)]));
  }

  private statement(): string {
    const { metadata, manager } = this.counters;
    const { driver } = manager.connection;
    const column = (property: string) => driver.escape(metadata.findColumnWithPropertyPath(property)!.databaseName);
    return `SELECT ${column('name')} AS name, ${column('value')} AS value FROM ${driver.escape(metadata.tablePath)}`;
  }
}
