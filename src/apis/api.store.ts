import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ChangeCounters } from '../database/change-counters.service';
import { HeldUntilChange } from '../database/held-until-change';
import { ApiEntity } from './entities/api.entity';
import { ApiRegistry } from './api-registry';

/**
 * Where APIs are kept. Every authorization request, consent page and discovery document reads
 * the whole registry, so it is held in memory until a change to any API is counted anywhere
 * (HeldUntilChange); every change here is counted, in the transaction that makes it, so checks
 * across APIs (no scope defined twice) run one change after another.
 */
@Injectable()
export class ApiStore {
  private readonly held: HeldUntilChange<ApiRegistry>;

  constructor(
    @InjectRepository(ApiEntity) private readonly apis: Repository<ApiEntity>,
    private readonly counters: ChangeCounters,
  ) {
    this.held = new HeldUntilChange(counters, ['apis'], 1);
  }

  /** Every API, frozen: from memory while no API has changed anywhere since it was read. */
  async registry(): Promise<ApiRegistry> {
    return (await this.held.get(
      'all',
      async () => new ApiRegistry(await this.apis.find({ order: { identifier: 'ASC' } })),
    ))!;
  }

  /** The API with this id as committed now, never from memory, free to change. Null if none. */
  read(id: string): Promise<ApiEntity | null> {
    return this.apis.findOneBy({ id });
  }

  /** A page of APIs, oldest first, and how many there are. */
  async list(limit: number, offset: number): Promise<{ items: ApiEntity[]; total: number }> {
    const [items, total] = await this.apis.findAndCount({
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }

  /**
   * Inserts or updates the API and counts a change to APIs, in one transaction; `check` sees every
   * other API as committed, after the count, and throws to refuse the change.
   */
  save(api: ApiEntity, check: (others: ApiEntity[], manager: EntityManager) => Promise<void>): Promise<ApiEntity> {
    return this.counters.counted('apis', async (manager) => {
      const others = (await manager.find(ApiEntity)).filter((other) => other.id !== api.id);
      await check(others, manager);
      return manager.save(api);
    });
  }

  /** Deletes the API and counts a change, in one transaction, once `check` has not refused. False if it was gone. */
  async delete(id: string, check: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    const { affected } = await this.counters.counted('apis', async (manager) => {
      await check(manager);
      return manager.delete(ApiEntity, { id });
    });
    return !!affected;
  }
}
