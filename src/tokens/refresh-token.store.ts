import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { deleteExpiredRows, ExpiredRows } from '../database/expired-rows';
import { RowReader } from '../database/row-reader';
import { RowWriter } from '../database/row-writer';
import { TransactionsService } from '../database/transactions.service';
import { isUniqueViolation } from '../database/unique-violation';
import { RefreshTokenEntity } from './entities/refresh-token.entity';

/** A refresh token as it is stored, by its digest; `parentHash` is set by rotate(). */
export type NewRefreshToken = Pick<
  RefreshTokenEntity,
  'tokenHash' | 'grantId' | 'clientId' | 'userId' | 'scope' | 'expiresAt'
>;

/**
 * Where refresh tokens are kept, by the SHA-256 digest of their value (the token itself never
 * reaches storage). Nothing is held in memory: each token is read once or twice. Each write goes
 * through TransactionsService, or the caller's transaction from it, which runs again what a database
 * cluster refused at COMMIT.
 */
@Injectable()
export class RefreshTokenStore {
  private readonly byHash: RowReader<RefreshTokenEntity>;
  private readonly byParent: RowReader<RefreshTokenEntity>;
  private readonly writer: RowWriter<RefreshTokenEntity>;

  constructor(
    @InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>,
    private readonly transactions: TransactionsService,
  ) {
    this.byHash = new RowReader(tokens, ['tokenHash']);
    this.byParent = new RowReader(tokens, ['parentHash']);
    this.writer = new RowWriter(tokens);
  }

  /** Stores the first token of a grant, in the caller's transaction (one INSERT). */
  async create(manager: EntityManager, token: NewRefreshToken): Promise<void> {
    await this.writer.insert(manager, { ...token, parentHash: null });
  }

  /**
   * Stores `successor` as the one token that replaces the token with digest `parentHash`, in one
   * INSERT of its own, committed when the promise resolves. Rotated ("consumed") means exactly
   * this: a successor names the token (the unique index on parent_hash). Of concurrent rotations
   * of one token exactly one is answered true; the others false, storing nothing. The successor
   * found stored may be this very one, from an attempt whose answer was lost with its connection
   * (TransactionsService runs it again): that rotation is this one's, and answered true.
   */
  async rotate(parentHash: string, successor: NewRefreshToken): Promise<boolean> {
    try {
      await this.transactions.write((manager) => this.writer.insert(manager, { ...successor, parentHash }));
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return (await this.byParent.findOne(parentHash))?.tokenHash === successor.tokenHash;
    }
  }

  /**
   * The token with this digest, rotated or not, expired or not, as committed now (one statement,
   * which also tells whether a successor names it: isRotated); null if none.
   */
  find(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.byHash.findOne(tokenHash);
  }

  /** Deletes tokens that expired before `before`, rotated or not, `batchSize` per statement; answers how many. */
  pruneExpired(rows: ExpiredRows): Promise<number> {
    return deleteExpiredRows(this.tokens, this.transactions, { ...rows, column: 'expiresAt' });
  }
}
