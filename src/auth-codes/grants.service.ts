import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { RowReader } from '../database/row-reader';
import { GrantEntity } from './entities/grant.entity';

/** Grants: what a user allowed a client, the root every user token descends from. */
@Injectable()
export class GrantsService {
  private readonly byId: RowReader<GrantEntity>;

  constructor(@InjectRepository(GrantEntity) private readonly grants: Repository<GrantEntity>) {
    this.byId = new RowReader(grants, ['id']);
  }

  /** Records a new grant in the caller's transaction. */
  async create(
    manager: EntityManager,
    fields: Pick<GrantEntity, 'id' | 'clientId' | 'userId' | 'scope' | 'authTime'>,
  ): Promise<GrantEntity> {
    const grant = manager.create(GrantEntity, { ...fields, revokedAt: null });
    // updateEntity(false): nothing is read back (TypeORM would re-select the row for created_at).
    await manager.createQueryBuilder().insert().into(GrantEntity).updateEntity(false).values(grant).execute();
    return grant;
  }

  /** The grant, unless it has been revoked. */
  async findActive(grantId: string): Promise<GrantEntity | null> {
    const grant = await this.byId.findOne(grantId);
    return grant && !grant.revokedAt ? grant : null;
  }

  /** Revokes the grant, and with it every token that names it. */
  async revoke(grantId: string): Promise<void> {
    await this.grants.update({ id: grantId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
