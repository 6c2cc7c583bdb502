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

/** Grants: what a user allowed a client, the root every user token descends from. */
@Injectable()
export class GrantsService {
  private readonly byId: RowReader<GrantEntity>;
  private readonly writer: RowWriter<GrantEntity>;
  /**
   * Active grants, as every refresh and every check of a user's access token reads its own. A grant
   * never changes but to be revoked (a counted revocation) or deleted with its client (a counted
   * change to clients).
   */
  private readonly held: HeldUntilChange<GrantEntity>;

  constructor(
    @InjectRepository(GrantEntity) grants: Repository<GrantEntity>,
    private readonly counters: ChangeCounters,
  ) {
    this.byId = new RowReader(grants, ['id']);
    this.writer = new RowWriter(grants);
    this.held = new HeldUntilChange(counters, ['clients', 'revocations'], GRANTS_HELD);
  }

  /** Records a new grant in the caller's transaction. */
  async create(
    manager: EntityManager,
    fields: Pick<GrantEntity, 'id' | 'clientId' | 'userId' | 'scope' | 'authTime'>,
  ): Promise<GrantEntity> {
    // created_at set here, not by the column default, so that the grant as returned has it (its absolute lifetime counts from it).
    const row = { ...fields, revokedAt: null, createdAt: new Date() };
    await this.writer.insert(manager, row);
    return manager.create(GrantEntity, row);
  }

  /** The grant, unless it has been revoked; frozen. */
  async findActive(grantId: string): Promise<GrantEntity | null> {
    const grant = await this.held.get(
      grantId,
      () => this.byId.findOne(grantId),
      (found) => !found.revokedAt,
    );
    return grant && !grant.revokedAt ? grant : null;
  }

  /**
   * Revokes every active grant of the user, in the caller's transaction, which must count it as a
   * revocation (ChangeCounters.counted): every token descended from them stops on every instance.
   */
  async revokeAllOf(manager: EntityManager, userId: string): Promise<void> {
    await manager.update(GrantEntity, { userId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** Revokes the grant, and with it every token that names it, on every instance at once (a counted change). */
  async revoke(grantId: string): Promise<void> {
    await this.counters.counted('revocations', (manager) =>
      this.writer.claim(manager, { id: grantId }, 'revokedAt', { revokedAt: new Date() }),
    );
  }
}
