import type { Session } from 'fastify';
import { DataSource, EntityManager, MoreThan, Repository } from 'typeorm';
import { sha256 } from '../common/crypto/tokens';
import { TransactionsService } from '../database/transactions.service';
import { SessionEntity } from './session.entity';

type Callback = (err?: unknown) => void;

/** The row of a session id: its SHA-256, which can be shown and compared without signing anyone in. */
export const sessionRowId = (sessionId: string): string => sha256(sessionId);

/** What a destroyed session's row becomes: emptied, expired, and no longer anyone's (see TypeOrmSessionStore). */
export const tombstone = (): Pick<SessionEntity, 'data' | 'expiresAt' | 'userId' | 'userAgent' | 'ip'> => ({
  data: '{}',
  expiresAt: new Date(),
  userId: null,
  userAgent: null,
  ip: null,
});

/**
 * @fastify/session store on the provider's database: sessions survive restarts and are shared by every instance.
 *
 * A destroyed session stays as an emptied, expired row (a tombstone) until RetentionService deletes it
 * half a day later, and set() never brings such a row back: a request still in flight at logout, or at
 * the new id of a login, saves its copy of the old session when it ends, and a plain upsert would sign
 * that old id back in. The same holds for a session that UserSessionsService ends from elsewhere: get()
 * reads the row at every request, so every instance sees it ended at once.
 *
 * Rows are keyed by the SHA-256 of the session id, as codes and tokens are: whoever reads the table
 * learns no cookie that signs anyone in. The user, User-Agent and address the session holds are
 * written to columns of their own, to find and show the sessions of a user.
 *
 * Writes go through TransactionsService like every store's: on SQLite's one connection, a statement
 * sent on its own would run inside whatever transaction was open, and be lost if that rolled back.
 */
export class TypeOrmSessionStore {
  private readonly sessions: Repository<SessionEntity>;

  constructor(
    dataSource: DataSource,
    private readonly transactions: TransactionsService,
    private readonly ttlSeconds: number,
  ) {
    this.sessions = dataSource.getRepository(SessionEntity);
  }

  set(id: string, session: Session, callback: Callback): void {
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    const fields = {
      data: JSON.stringify({ ...session, cookie: undefined }),
      expiresAt,
      userId: session.userId ?? null,
      userAgent: session.userAgent ?? null,
      ip: session.ip ?? null,
    };
    const row = sessionRowId(id);
    this.transactions.run((manager) => this.save(manager, row, fields)).then(() => callback(), callback);
  }

  get(id: string, callback: (err: unknown, session?: Session | null) => void): void {
    this.sessions.findOneBy({ id: sessionRowId(id) }).then((row) => {
      if (!row || row.expiresAt.getTime() <= Date.now()) return callback(null, null);
      callback(null, JSON.parse(row.data) as Session);
    }, callback);
  }

  destroy(id: string, callback: Callback): void {
    const row = sessionRowId(id);
    this.transactions
      .write((manager) => manager.update(SessionEntity, { id: row }, tombstone()))
      .then(() => callback(), callback);
  }

  /** Updates a live session in one conditional statement; only an id never stored before is inserted. */
  private async save(
    manager: EntityManager,
    id: string,
    fields: Omit<SessionEntity, 'id' | 'createdAt'>,
  ): Promise<void> {
    const { affected } = await manager.update(SessionEntity, { id, expiresAt: MoreThan(new Date()) }, fields);
    if (affected) return;
    // A row that exists here is dead (destroyed or expired): ignoring the insert keeps it dead.
    await manager
      .createQueryBuilder(SessionEntity, 'session')
      .insert()
      .values({ id, ...fields, createdAt: new Date() })
      .orIgnore()
      .execute();
  }
}
