import type { Session } from 'fastify';
import { DataSource, LessThan, Repository } from 'typeorm';
import { SessionEntity } from './session.entity';

type Callback = (err?: unknown) => void;

/** @fastify/session store on the provider's database: sessions survive restarts and are shared by every instance. */
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
    this.sessions.upsert({ id, data, expiresAt }, ['id']).then(() => callback(), callback);
  }

  get(id: string, callback: (err: unknown, session?: Session | null) => void): void {
    this.sessions.findOneBy({ id }).then((row) => {
      if (!row || row.expiresAt.getTime() <= Date.now()) return callback(null, null);
      callback(null, JSON.parse(row.data) as Session);
    }, callback);
  }

  destroy(id: string, callback: Callback): void {
    this.sessions.delete({ id }).then(() => callback(), callback);
  }

  /** Removes expired sessions. */
  async prune(): Promise<void> {
    await this.sessions.delete({ expiresAt: LessThan(new Date()) });
  }
}
