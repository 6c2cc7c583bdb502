import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { isSubset } from '../common/oauth/scope';
import { TransactionsService } from '../database/transactions.service';
import { ConsentEntity } from './entities/consent.entity';

/** Remembered consent: what a user has already allowed a client. */
@Injectable()
export class ConsentsService {
  constructor(
    @InjectRepository(ConsentEntity) private readonly consents: Repository<ConsentEntity>,
    private readonly transactions: TransactionsService,
  ) {}

  /** Whether the user has already allowed this client every one of these scopes. */
  async covers(userId: string, clientId: string, scope: string[]): Promise<boolean> {
    const consent = await this.consents.findOneBy({ userId, clientId });
    return !!consent && isSubset(scope, consent.scope.split(' '));
  }

  /** Adds these scopes to what the user has allowed the client (a write retried as every write is, on a cluster's conflict). */
  async remember(userId: string, clientId: string, scope: string[]): Promise<void> {
    const existing = await this.consents.findOneBy({ userId, clientId });
    const all = new Set([...(existing?.scope.split(' ').filter(Boolean) ?? []), ...scope]);
    const consent = { userId, clientId, scope: [...all].join(' ') };
    await this.transactions.write((manager) => manager.upsert(ConsentEntity, consent, ['userId', 'clientId']));
  }

  /** Everything the user has allowed, one consent per client. */
  ofUser(userId: string): Promise<ConsentEntity[]> {
    return this.consents.find({ where: { userId }, order: { clientId: 'ASC' } });
  }

  /**
   * Forgets what the user allowed the client, in the caller's transaction (which also ends the
   * grants): the next authorization asks again. Answers whether there was a consent to forget.
   */
  async forget(manager: EntityManager, userId: string, clientId: string): Promise<boolean> {
    return !!(await manager.delete(ConsentEntity, { userId, clientId })).affected;
  }
}
