import type { Session } from 'fastify';
import { DataSource, MoreThan, Repository } from 'typeorm';
import { sha256 } from '../common/crypto/tokens';
import { SessionEntity } from './session.entity';

type Callback = (err?: unknown) => void;

/**
 * @fastify/session store on the provider's database: sessions survive restarts and are shared by every instance.
 *
 * A destroyed session stays as an emptied, expired row (a tombstone) until RetentionService deletes it
 * half a day later, and set() never brings such a row back: a request still in flight at logout, or at
 * the new id of a login, saves its copy of the old session when it ends, and a plain upsert would sign
 * that old id back in.
 *
 * Rows are keyed by the SHA-256 of the session id, as codes and tokens are: whoever reads the table
 * learns no cookie that signs anyone in.
 */
export class TypeOrmSessionStore {
  private readonly sessions: Repository<SessionEntity>;

  constructor(
    dataSource: DataSource,
    private readonly ttlSeconds: number,
  ) {
    this.sessions = dataSource.getRepository(SessionEntity);
  }

  set(id: string, session: Session, callback: Callback): void {
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    const data = JSON.stringify({ ...session, cookie: undefined });
    this.save(sha256(id), data, expiresAt).then(() => callback(), callback);
  }

  get(id: string, callback: (err: unknown, session?: Session | null) => void): void {
    this.sessions.findOneBy({ id: sha256(id) }).then((row) => {
      if (!row || row.expiresAt.getTime() <= Date.now()) return callback(null, null);
      callback(null, JSON.parse(row.data) as Session);
    }, callback);
  }

  destroy(id: string, callback: Callback): void {
    this.sessions.update({ id: sha256(id) }, { data: '{}', expiresAt: new Date() }).then(() => callback(), callback);
  }

  /** Updates a live session in one conditional statement; only an id never stored before is inserted. */
  private async save(id: string, data: string, expiresAt: Date): Promise<void> {
    const { affected } = await this.sessions.update({ id, expiresAt: MoreThan(new Date()) }, { data, expiresAt });
    if (affected) return;
    // A row that exists here is dead (destroyed or expired): ignoring the insert keeps it dead.
    await this.sessions.createQueryBuilder().insert().values({ id, data, expiresAt }).orIgnore().execute();
  }
}
