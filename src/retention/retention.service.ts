import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import { RevokedAccessTokenEntity } from '../access-tokens/revoked-access-token.entity';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { AuthorizationCodeStore } from '../auth-codes/authorization-code.store';
import { LoginAttemptEntity } from '../auth/login-attempt.entity';
import { FORGET_AFTER_MS } from '../auth/login-throttle.service';
import { SESSION_TTL_SECONDS, SessionEntity } from '../auth/session.entity';
import { ProviderEnvironment } from '../config/environment';
import { ProviderMetrics } from '../metrics/provider-metrics';
import { InitialAccessTokenEntity } from '../registration/entities/initial-access-token.entity';
import { deleteExpiredRows, ExpiredRows } from '../database/expired-rows';
import { TransactionsService } from '../database/transactions.service';
import { RefreshTokenStore } from '../tokens/refresh-token.store';

/**
 * Rows deleted per statement: short statements, so that no request waits long behind one. On
 * SQLite, a backlog of 100,000 refresh tokens is about 4 s of work, which the pauses between
 * batches (deleteExpiredRows) spread over about 16 s.
 */
const BATCH_SIZE = 100;
/**
 * How long failed sign-ins stay in the audit trail: long enough to look into a guessing campaign
 * after the fact, short enough that anyone can no longer grow the table without end by failing.
 */
export const FAILED_SIGN_IN_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** An expired initial access token answers as an unknown one; kept a day, for whoever asks why it was refused. */
export const INITIAL_ACCESS_TOKEN_RETENTION_MS = 24 * 60 * 60 * 1000;

/** What is deleted once it has been over for `keepMs`: the rows of `table`, `batchSize` per statement. */
interface Retention {
  table: string;
  keepMs: number;
  prune(rows: ExpiredRows): Promise<number>;
}

/**
 * Deletes the rows that no longer serve any purpose, every RETENTION_INTERVAL seconds on every instance, a
 * batch at a time, so that the tables every token request reads stay the size of what is live.
 * A row expired a moment ago still matters: a spent code or refresh token presented again
 * revokes its grant, and a logged-out session's tombstone keeps a request still in flight from
 * saving it back. So each kind is kept, after it ends, for as long again as it was meant to live:
 *
 * - sessions (and tombstones): 12 hours after they end;
 * - authorization codes: AUTH_CODE_TTL after they expire;
 * - refresh tokens, spent or not: REFRESH_TOKEN_TTL after they expire;
 * - revocations of access tokens: ACCESS_TOKEN_TTL after the token expires;
 * - sign-in attempts of a username: a day after the last one (LoginThrottleService's rule);
 * - failed sign-ins in the audit trail: FAILED_SIGN_IN_RETENTION_MS; anyone on the internet can add them;
 * - initial access tokens for client registration: INITIAL_ACCESS_TOKEN_RETENTION_MS after they expire.
 *
 * Grants, consents, clients and the rest of the audit trail are kept. Deleting only what has been expired for
 * that long changes no answer but one: a spent code or refresh token presented after its time
 * is refused as unknown instead of also revoking its grant.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private readonly retentions: Retention[];
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** Aborted at shutdown: a run under way stops after the batch in hand. */
  private stopping = new AbortController();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionsService,
    codes: AuthorizationCodeStore,
    refreshTokens: RefreshTokenStore,
    config: ConfigService<ProviderEnvironment, true>,
    private readonly metrics: ProviderMetrics,
  ) {
    this.intervalMs = config.get('RETENTION_INTERVAL') * 1000;
    const ttl = (name: 'AUTH_CODE_TTL' | 'REFRESH_TOKEN_TTL' | 'ACCESS_TOKEN_TTL') => config.get(name) * 1000;
    this.retentions = [
      this.rows(SessionEntity, 'expiresAt', SESSION_TTL_SECONDS * 1000),
      {
        table: 'authorization_codes',
        keepMs: ttl('AUTH_CODE_TTL'),
        prune: (rows) => codes.pruneExpired(rows),
      },
      {
        table: 'refresh_tokens',
        keepMs: ttl('REFRESH_TOKEN_TTL'),
        prune: (rows) => refreshTokens.pruneExpired(rows),
      },
      this.rows(RevokedAccessTokenEntity, 'expiresAt', ttl('ACCESS_TOKEN_TTL')),
      this.rows(LoginAttemptEntity, 'lastAttemptAt', FORGET_AFTER_MS),
      this.rows(AuditEventEntity, 'createdAt', FAILED_SIGN_IN_RETENTION_MS, { type: 'login.failed' }),
      this.rows(InitialAccessTokenEntity, 'expiresAt', INITIAL_ACCESS_TOKEN_RETENTION_MS),
    ];
  }

  onApplicationBootstrap(): void {
    this.stopping = new AbortController();
    this.timer = setInterval(() => {
      // A run still going (a long backlog) is not joined by a second one.
      this.running ??= this.pruneAndLog().finally(() => (this.running = undefined));
    }, this.intervalMs).unref();
  }

  /**
   * Lets the batch in hand finish before the database closes, and starts no other: a backlog of
   * millions would otherwise hold a shutdown for an hour.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.running;
  }

  /**
   * Deletes every row past its retention at `now`, `batchSize` at a time, until done or shut
   * down; returns how many, by table.
   */
  async prune(now = new Date(), batchSize = BATCH_SIZE): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    const { signal } = this.stopping;
    for (const { table, keepMs, prune } of this.retentions) {
      if (signal.aborted) break;
      deleted[table] = await prune({ before: new Date(now.getTime() - keepMs), batchSize, signal });
      this.metrics.retention.deleted(table, deleted[table]);
    }
    return deleted;
  }

  private async pruneAndLog(): Promise<void> {
    try {
      const deleted = Object.entries(await this.prune()).filter(([, count]) => count > 0);
      if (deleted.length > 0) {
        this.logger.log(`expired rows deleted: ${deleted.map(([table, count]) => `${table} ${count}`).join(', ')}`);
      }
    } catch (error) {
      // The next run tries again; what is expired is refused when read in the meantime.
      this.logger.warn(`deleting expired rows: ${(error as Error).message}`);
    }
  }

  /**
   * The rows of an entity with no store of its own (those matching `where`, when given), deleted
   * once `column` lies more than `keepMs` in the past; an index leads with `where`'s columns and
   * then `column`.
   */
  private rows<Entity extends ObjectLiteral>(
    entity: EntityTarget<Entity>,
    column: string,
    keepMs: number,
    where?: FindOptionsWhere<Entity>,
  ): Retention {
    const repository = this.dataSource.getRepository(entity);
    return {
      table: repository.metadata.tableName,
      keepMs,
      prune: (rows) => deleteExpiredRows(repository, this.transactions, { ...rows, column, where }),
    };
  }
}
