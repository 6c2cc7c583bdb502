import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, MoreThan, Not, Repository } from 'typeorm';
import { TransactionsService } from '../database/transactions.service';
import { deviceLabel } from './device-label';
import { SessionView } from './session.view';
import { SessionEntity } from './session.entity';
import { tombstone } from './typeorm-session.store';

/**
 * The signed-in browser sessions of a user: which are live, and ending them. An ended session
 * becomes a tombstone, as at sign-out (TypeOrmSessionStore): every instance reads the row at each
 * request, so the session is signed out everywhere once the promise resolves, and a request of
 * that session still in flight cannot bring it back.
 */
@Injectable()
export class UserSessionsService {
  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    private readonly transactions: TransactionsService,
  ) {}

  /** The user's live sessions, newest first. */
  async liveOf(userId: string): Promise<SessionView[]> {
    const rows = await this.sessions.find({
      where: { userId, expiresAt: MoreThan(new Date()) },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
    return rows.map((row) => ({
      id: row.id,
      device: deviceLabel(row.userAgent),
      ip: row.ip,
      created_at: row.createdAt?.toISOString() ?? null,
      expires_at: row.expiresAt.toISOString(),
    }));
  }

  /** Ends this live session of the user; false when the user has no such live session. */
  async end(userId: string, sessionId: string): Promise<boolean> {
    // Exactly a row id (MySQL's collations would find it in another case).
    if (!/^[0-9a-f]{64}$/.test(sessionId)) return false;
    const { affected } = await this.transactions.write((manager) =>
      manager.update(SessionEntity, { id: sessionId, userId, expiresAt: MoreThan(new Date()) }, tombstone()),
    );
    return !!affected;
  }

  /**
   * Ends every live session of the user but `except` (the id of the one asking, if it stays), in
   * the caller's transaction when given one (a change to the account that must end them with it).
   */
  async endAllOf(userId: string, options: { except?: string; manager?: EntityManager } = {}): Promise<number> {
    const end = async (manager: EntityManager) => {
      const where = { userId, expiresAt: MoreThan(new Date()), ...(options.except && { id: Not(options.except) }) };
      return (await manager.update(SessionEntity, where, tombstone())).affected ?? 0;
    };
    return options.manager ? end(options.manager) : this.transactions.write(end);
  }
}
