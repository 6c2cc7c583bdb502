import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { inMemoryMetrics } from '../../test/helpers/fakes';
import { failNextWrite } from '../../test/helpers/fail-next-write';
import { privateDatabase } from '../../test/helpers/database-state';
import { until } from '../../test/helpers/until';
import { codeRow, GrantOwners, insertGrant, refreshTokenRow } from '../../test/helpers/grant-rows';
import { RevokedAccessTokenEntity } from '../access-tokens/revoked-access-token.entity';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { AuthorizationCodeStore } from '../auth-codes/authorization-code.store';
import { AuthorizationCodeEntity } from '../auth-codes/entities/authorization-code.entity';
import { LoginAttemptEntity } from '../auth/login-attempt.entity';
import { SessionEntity } from '../auth/session.entity';
import { ProviderEnvironment, validateEnvironment } from '../config/environment';
import { dataSourceOptions, openDataSource } from '../database/data-source-options';
import { TransactionsService } from '../database/transactions.service';
import { InitialAccessTokenEntity } from '../registration/entities/initial-access-token.entity';
import { RefreshTokenEntity } from '../tokens/entities/refresh-token.entity';
import { RefreshTokenStore } from '../tokens/refresh-token.store';
import { FAILED_SIGN_IN_RETENTION_MS, RetentionService } from './retention.service';

const SECOND = 1000;
const HOUR = 60 * 60 * SECOND;

// On a database of this file's own (in-memory SQLite, or a MySQL/MariaDB database next to the
// shared one: pruning reaches across whole tables, where other files' rows must stay), with the
// real migrations.
describe('RetentionService', () => {
  let database: Awaited<ReturnType<typeof privateDatabase>>;
  let db: DataSource;
  let retention: RetentionService;
  const metrics = inMemoryMetrics();
  let grant: GrantOwners;
  const now = new Date('2026-06-01T12:00:00.000Z');
  const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

  beforeAll(async () => {
    database = await privateDatabase('retention');
    db = await openDataSource(dataSourceOptions(database.env.DATABASE_URL ?? 'sqlite::memory:'));
    const config = new ConfigService<ProviderEnvironment, true>(
      validateEnvironment({
        ...process.env,
        AUTH_CODE_TTL: '600',
        ACCESS_TOKEN_TTL: '3600',
        REFRESH_TOKEN_TTL: '86400',
        RETENTION_INTERVAL: '60',
      }),
    );
    const transactions = new TransactionsService(db);
    retention = new RetentionService(
      db,
      transactions,
      new AuthorizationCodeStore(db.getRepository(AuthorizationCodeEntity), transactions),
      new RefreshTokenStore(db.getRepository(RefreshTokenEntity), transactions),
      config,
      metrics,
    );
    ({ grant } = await insertGrant(db));
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    for (const entity of [
      SessionEntity,
      AuthorizationCodeEntity,
      RefreshTokenEntity,
      RevokedAccessTokenEntity,
      LoginAttemptEntity,
      AuditEventEntity,
      InitialAccessTokenEntity,
    ]) {
      await db.getRepository(entity).clear();
    }
  });

  const code = (codeHash: string, expiresAt: Date) => codeRow(grant, { codeHash, expiresAt });
  const refreshToken = (tokenHash: string, expiresAt: Date) => refreshTokenRow(grant, { tokenHash, expiresAt });
  const session = (id: string, expiresAt: Date) => ({ id, data: '{}', expiresAt });
  const revocation = (jti: string, expiresAt: Date) => ({ jti, expiresAt });
  const attempts = (usernameKey: string, lastAttemptAt: Date) => ({
    usernameKey,
    failures: 1,
    backOffs: 0,
    blockedUntil: null,
    lastAttemptAt,
  });
  const initialAccessToken = (id: string, expiresAt: Date) => ({ id, tokenHash: `hash-${id}`, expiresAt });

  async function keys(entity: EntityTarget<ObjectLiteral>): Promise<string[]> {
    const metadata = db.getMetadata(entity);
    const [key] = metadata.primaryColumns;
    const rows = await db.getRepository(entity).find();
    return rows.map((row) => String(key.getEntityValue(row))).sort();
  }

  it('deletes each kind of row once it has been over for as long again as it was meant to live', async () => {
    // Each kind: one row just past its retention, one just within it, one still live.
    const kinds: [EntityTarget<ObjectLiteral>, (key: string, time: Date) => ObjectLiteral, number][] = [
      [SessionEntity, session, 12 * HOUR],
      [AuthorizationCodeEntity, code, 600 * SECOND],
      [RefreshTokenEntity, refreshToken, 24 * HOUR],
      [RevokedAccessTokenEntity, revocation, HOUR],
      [LoginAttemptEntity, attempts, 24 * HOUR],
      [InitialAccessTokenEntity, initialAccessToken, 24 * HOUR],
    ];
    for (const [entity, row, keepMs] of kinds) {
      await db
        .getRepository(entity)
        .save([row('past', at(-keepMs - SECOND)), row('within', at(-keepMs + SECOND)), row('live', at(HOUR))]);
    }

    await expect(retention.prune(now)).resolves.toEqual({
      sessions: 1,
      authorization_codes: 1,
      refresh_tokens: 1,
      revoked_access_tokens: 1,
      login_attempts: 1,
      audit_events: 0,
      registration_tokens: 1,
    });
    for (const [entity] of kinds) expect(await keys(entity)).toEqual(['live', 'within']);
    await expect(retention.prune(now)).resolves.toEqual(expect.objectContaining({ refresh_tokens: 0 }));
    // Counted by table, and a table with nothing to delete adds no series.
    const { values } = await metrics.registry.getSingleMetric('provider_retention_rows_deleted_total')!.get();
    expect(Object.fromEntries(values.map((v) => [v.labels.table, v.value]))).toEqual({
      sessions: 1,
      authorization_codes: 1,
      refresh_tokens: 1,
      revoked_access_tokens: 1,
      login_attempts: 1,
      registration_tokens: 1,
    });
  });

  it('deletes failed sign-ins from the audit trail after 30 days and keeps every other event', async () => {
    const event = (type: 'login.failed' | 'login.succeeded', ip: string, createdAt: Date) => ({ type, ip, createdAt });
    await db
      .getRepository(AuditEventEntity)
      .save([
        event('login.failed', 'failed-past', at(-FAILED_SIGN_IN_RETENTION_MS - SECOND)),
        event('login.failed', 'failed-within', at(-FAILED_SIGN_IN_RETENTION_MS + SECOND)),
        event('login.succeeded', 'succeeded-past', at(-FAILED_SIGN_IN_RETENTION_MS - SECOND)),
      ]);
    expect(FAILED_SIGN_IN_RETENTION_MS).toBe(30 * 24 * HOUR);

    await expect(retention.prune(now)).resolves.toEqual(expect.objectContaining({ audit_events: 1 }));
    const left = await db.getRepository(AuditEventEntity).find();
    expect(left.map((row) => row.ip).sort()).toEqual(['failed-within', 'succeeded-past']);
  });

  it('keeps a spent refresh token within its retention, so that presenting it again still finds it spent', async () => {
    await db
      .getRepository(RefreshTokenEntity)
      .save([refreshToken('spent', at(-HOUR)), { ...refreshToken('successor', at(23 * HOUR)), parentHash: 'spent' }]);
    await retention.prune(now);
    const spent = await db.getRepository(RefreshTokenEntity).findOneByOrFail({ tokenHash: 'spent' });
    expect(spent.isRotated).toBe(true);
  });

  it('works through more expired rows than one statement deletes, letting other work run in between', async () => {
    await db
      .getRepository(RevokedAccessTokenEntity)
      .save([
        ...Array.from({ length: 7 }, (_, i) => revocation(`old-${i}`, at(-2 * HOUR - i * SECOND))),
        revocation('kept', at(-HOUR + SECOND)),
      ]);
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    await expect(retention.prune(now, 3)).resolves.toEqual(expect.objectContaining({ revoked_access_tokens: 7 }));
    order.push('pruned');
    expect(await keys(RevokedAccessTokenEntity)).toEqual(['kept']);
    expect(order).toEqual(['other work', 'pruned']);
  });

  it('stops a run under way at shutdown, after the batch in hand', async () => {
    await db
      .getRepository(RevokedAccessTokenEntity)
      .save(Array.from({ length: 20 }, (_, i) => revocation(`old-${i}`, at(-2 * HOUR - i * SECOND))));
    retention.onApplicationBootstrap();
    const run = retention.prune(now, 1);
    await until(async () => (await keys(RevokedAccessTokenEntity)).length < 20, 'a batch is deleted', 10_000, 5);

    await retention.beforeApplicationShutdown();
    const { revoked_access_tokens: deleted } = await run;
    expect(deleted).toBeLessThan(20);
    expect(await keys(RevokedAccessTokenEntity)).toHaveLength(20 - deleted);
  });

  describe('on its schedule', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
    afterEach(() => {
      jest.useRealTimers();
      jest.restoreAllMocks();
    });

    /** The app starts, runs for one RETENTION_INTERVAL, lets that run end, and shuts down. */
    async function runScheduled(): Promise<void> {
      retention.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(60 * SECOND);
      await retention['running'];
      await retention.beforeApplicationShutdown();
    }

    it('prunes every RETENTION_INTERVAL; a run that fails is logged, and the next one does the work', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation();
      const log = jest.spyOn(Logger.prototype, 'log').mockImplementation();
      await db.getRepository(SessionEntity).save(session('ended', new Date(Date.now() - 13 * HOUR)));
      const failed = failNextWrite(db, 'sessions');

      await runScheduled();
      expect(failed()).toBe(true);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^deleting expired rows: connection lost/));
      expect(await keys(SessionEntity)).toEqual(['ended']);

      await runScheduled();
      expect(await keys(SessionEntity)).toEqual([]);
      expect(log).toHaveBeenCalledWith('expired rows deleted: sessions 1');
    });
  });
});
