import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { ChangeCounters } from '../database/change-counters.service';
import { HeldUntilChange } from '../database/held-until-change';
import { RowReader } from '../database/row-reader';
import { RowWriter } from '../database/row-writer';
import { GrantEntity } from './grant.entity';

/** At most this many active grants are held in memory; past it, the longest held goes first. */
const GRANTS_HELD = 10_000;

/** A grant as it is first stored: active. */
export type NewGrant = Pick<GrantEntity, 'id' | 'clientId' | 'userId' | 'scope' | 'resource' | 'authTime'>;

/**
 * Where grants are kept. A grant never changes but to be revoked (a counted revocation) or
 * deleted with its client (a counted change to clients), so active grants are held in memory
 * until either counter moves (HeldUntilChange). Each write goes through TransactionsService
 * (ChangeCounters.counted), or the caller's transaction from it, which runs again what a database
 * cluster refused at COMMIT.
 */
@Injectable()
export class GrantStore {
  private readonly byId: RowReader<GrantEntity>;
  private readonly writer: RowWriter<GrantEntity>;
  private readonly held: HeldUntilChange<GrantEntity>;

  constructor(
    @InjectRepository(GrantEntity) private readonly grants: Repository<GrantEntity>,
    private readonly counters: ChangeCounters,
  ) {
    this.byId = new RowReader(grants, ['id']);
    this.writer = new RowWriter(grants);
    this.held = new HeldUntilChange(counters, ['clients', 'revocations'], GRANTS_HELD);
  }

  /** Stores a new, active grant in the caller's transaction (one INSERT) and answers it as stored, created_at included. */
  async create(manager: EntityManager, fields: NewGrant): Promise<GrantEntity> {
    // created_at set here, not by the column default, so that the grant as returned has it (its absolute lifetime counts from it).
    const row = { ...fields, revokedAt: null, createdAt: new Date() };
    await this.writer.insert(manager, row);
    return manager.create(GrantEntity, row);
  }

  /**
   * The grant, unless it is revoked or gone; frozen. From memory while no client has changed and
   * nothing has been revoked anywhere since it was read, else one statement (then held).
   */
  async findActive(grantId: string): Promise<GrantEntity | null> {
    const grant = await this.held.get(
      grantId,
      () => this.byId.findOne(grantId),
      (found) => !found.revokedAt,
    );
    return grant && !grant.revokedAt ? grant : null;
  }

  /** The user's active grants, newest first, as committed now. */
  activeOf(userId: string): Promise<GrantEntity[]> {
    return this.grants.find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /**
   * Revokes the grant, if it is not already, and then counts a revocation, in one transaction of its
   * own: once the promise resolves, no instance answers the grant as active any more.
   */
  async revoke(grantId: string): Promise<void> {
    await this.counters.countedIfChanged('revocations', (manager) =>
      this.writer.claim(manager, { id: grantId }, 'revokedAt', { revokedAt: new Date() }),
    );
  }

  /**
   * Revokes every active grant of the user (to this client only, when given one) by one UPDATE in
   * the caller's transaction, which must count it as a revocation (ChangeCounters.counted) for the
   * instances to drop what they hold. Answers how many it revoked.
   */
  async revokeAllOf(manager: EntityManager, userId: string, clientId?: string): Promise<number> {
    const where = { userId, revokedAt: IsNull(), ...(clientId !== undefined && { clientId }) };
    return (await manager.update(GrantEntity, where, { revokedAt: new Date() })).affected ?? 0;
  }
}
