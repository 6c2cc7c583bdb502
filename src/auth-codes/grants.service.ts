import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { GrantEntity } from './entities/grant.entity';

/** Grants: what a user allowed a client, the root every user token descends from. */
@Injectable()
export class GrantsService {
  constructor(@InjectRepository(GrantEntity) private readonly grants: Repository<GrantEntity>) {}

  /** Records a new grant in the caller's transaction. */
  async create(
    manager: EntityManager,
    fields: Pick<GrantEntity, 'id' | 'clientId' | 'userId' | 'scope' | 'authTime'>,
  ): Promise<GrantEntity> {
    const grant = manager.create(GrantEntity, { ...fields, revokedAt: null });
    await manager.insert(GrantEntity, grant);
    return grant;
  }

  /** The grant, unless it has been revoked. */
  findActive(grantId: string): Promise<GrantEntity | null> {
    return this.grants.findOneBy({ id: grantId, revokedAt: IsNull() });
  }

  /** Revokes the grant, and with it every token that names it. */
  async revoke(grantId: string): Promise<void> {
    await this.grants.update({ id: grantId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
