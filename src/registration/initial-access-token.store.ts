import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { TransactionsService } from '../database/transactions.service';
import { InitialAccessTokenEntity } from './entities/initial-access-token.entity';

/** Where initial access tokens are kept: digests in, digests out. */
@Injectable()
export class InitialAccessTokenStore {
  constructor(
    @InjectRepository(InitialAccessTokenEntity) private readonly tokens: Repository<InitialAccessTokenEntity>,
    private readonly transactions: TransactionsService,
  ) {}

  /** Stores a new token, one statement of its own. */
  async insert(token: InitialAccessTokenEntity): Promise<void> {
    await this.transactions.write((manager) => manager.insert(InitialAccessTokenEntity, token));
  }

  /** The token with this digest, expired or not; null if none. */
  findByDigest(tokenHash: string): Promise<InitialAccessTokenEntity | null> {
    return this.tokens.findOneBy({ tokenHash });
  }
}
