import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { deleteExpiredRows, ExpiredRows } from '../database/expired-rows';
import { RowReader } from '../database/row-reader';
import { RowWriter } from '../database/row-writer';
import { TransactionsService } from '../database/transactions.service';
import { isUniqueViolation } from '../database/unique-violation';
import { AuthorizationCodeEntity } from './entities/authorization-code.entity';

/** A code as it is first stored: by its digest, not yet consumed. */
export type NewAuthorizationCode = Omit<AuthorizationCodeEntity, 'consumedAt' | 'grantId' | 'createdAt'>;

/**
 * Where authorization codes are kept, by the SHA-256 digest of their value (the code itself never
 * reaches storage). Nothing is held in memory: a code is read at most a few times. Each write goes
 * through TransactionsService, or the caller's transaction from it, which runs again what a database
 * cluster refused at COMMIT.
 */
@Injectable()
export class AuthorizationCodeStore {
  private readonly byHash: RowReader<AuthorizationCodeEntity>;
  private readonly writer: RowWriter<AuthorizationCodeEntity>;

  constructor(
    @InjectRepository(AuthorizationCodeEntity) private readonly codes: Repository<AuthorizationCodeEntity>,
    private readonly transactions: TransactionsService,
  ) {
    this.byHash = new RowReader(codes, ['codeHash']);
    this.writer = new RowWriter(codes);
  }

  /**
   * Stores a new code, in one statement of its own, committed when the promise resolves. A code's
   * digest already stored is this code's: an attempt whose answer was lost with its connection stored
   * it (TransactionsService runs it again), since no two random 256-bit codes share a digest.
   */
  async create(code: NewAuthorizationCode): Promise<void> {
    try {
      await this.transactions.write((manager) =>
        this.writer.insert(manager, { ...code, consumedAt: null, grantId: null }),
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  /** The code with this digest, consumed or not, expired or not, as committed now (one statement); null if none. */
  find(codeHash: string): Promise<AuthorizationCodeEntity | null> {
    return this.byHash.findOne(codeHash);
  }

  /**
   * Consumes the code for the grant it produced, in the caller's transaction: sets consumed_at and
   * grant_id by one conditional UPDATE (... WHERE consumed_at IS NULL). Of concurrent consumptions
   * of one code exactly one is answered true; the others false, and change nothing. A consumed code
   * stays, naming its grant, so that a replay can revoke what it produced.
   */
  consume(manager: EntityManager, codeHash: string, grantId: string): Promise<boolean> {
    return this.writer.claim(manager, { codeHash }, 'consumedAt', { consumedAt: new Date(), grantId });
  }

  /** Deletes codes that expired before `before`, consumed or not, `batchSize` per statement; answers how many. */
  pruneExpired(rows: ExpiredRows): Promise<number> {
    return deleteExpiredRows(this.codes, this.transactions, { ...rows, column: 'expiresAt' });
  }
}
