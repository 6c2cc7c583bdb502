import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, EntitySubscriberInterface, Repository } from 'typeorm';
import { BeforeQueryEvent } from 'typeorm/subscriber/event/QueryEvent';
import { writeDuringFailedTransaction } from '../../test/helpers/during-failed-transaction';
import { dataSourceOptions, openDataSource } from '../database/data-source-options';
import { TransactionsService } from '../database/transactions.service';
import { AuditDetail } from './audit-event-types';
import { AuditEventEntity } from './audit-event.entity';
import { AuditService } from './audit.service';

// On the test database (in-memory SQLite, or DATABASE_URL's MySQL), with the real migrations.
describe('AuditService.record', () => {
  let db: DataSource;
  let events: Repository<AuditEventEntity>;
  let transactions: TransactionsService;
  /** The INSERTs into audit_events sent to the database, as TypeORM's subscribers see every query. */
  const inserts: string[] = [];

  beforeAll(async () => {
    db = await openDataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'sqlite::memory:'));
    events = db.getRepository(AuditEventEntity);
    transactions = new TransactionsService(db);
    const watcher: EntitySubscriberInterface = {
      beforeQuery: (event: BeforeQueryEvent<unknown>) => {
        if (/^INSERT INTO [`"]audit_events[`"]/.test(event.query)) inserts.push(event.query);
      },
    };
    db.subscribers.push(watcher);
  });
  afterAll(() => db?.destroy());
  beforeEach(() => (inserts.length = 0));
  afterEach(() => jest.restoreAllMocks());

  const actor = () => `test:${randomBytes(6).toString('hex')}`;
  /** A detail JSON cannot hold: the event carrying it cannot be written. */
  const unserializable = (): AuditDetail => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    return circular as AuditDetail;
  };

  it('writes the event with the time it happened', async () => {
    const by = actor();
    const before = Date.now();
    await new AuditService(events, transactions).record({ type: 'client.deleted', actor: by, clientId: 'c1' });
    const row = await events.findOneByOrFail({ actor: by });
    expect(row).toMatchObject({ type: 'client.deleted', userId: null, clientId: 'c1', ip: null, detail: null });
    // MySQL's DATETIME keeps whole seconds.
    expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(row.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('writes the events recorded at the same moment in one INSERT, each caller waiting for it', async () => {
    const [a, b] = [actor(), actor()];
    const sut = new AuditService(events, transactions);
    await Promise.all([
      sut.record({ type: 'token.issued', actor: a, clientId: 'a', detail: { scope: 'api' } }),
      sut.record({ type: 'token.issued', actor: b, clientId: 'b' }),
    ]);
    expect(inserts).toHaveLength(1);
    expect(await events.findOneByOrFail({ actor: a })).toMatchObject({ clientId: 'a', detail: { scope: 'api' } });
    expect(await events.findOneByOrFail({ actor: b })).toMatchObject({ clientId: 'b', detail: null });
  });

  it('keeps an event recorded while another write is under way, even when that write is rolled back', async () => {
    const by = actor();
    const sut = new AuditService(events, transactions);
    await writeDuringFailedTransaction(transactions, () =>
      sut.record({ type: 'client.deleted', actor: by, clientId: 'c1' }),
    );
    expect(await events.findOneBy({ actor: by })).toMatchObject({ type: 'client.deleted', clientId: 'c1' });
  });

  it('logs a failed write instead of failing the action it records, and keeps no part of the event', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const by = actor();
    await expect(
      new AuditService(events, transactions).record({ type: 'login.failed', actor: by, detail: unserializable() }),
    ).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/^audit event login\.failed not recorded: .*circular/i));
    expect(await events.findOneBy({ actor: by })).toBeNull();
  });

  it('retries the events of a failed INSERT one by one, so one bad event loses no other', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const [good, bad, alsoGood] = [actor(), actor(), actor()];
    const sut = new AuditService(events, transactions);
    await Promise.all([
      sut.record({ type: 'login.succeeded', actor: good }),
      sut.record({ type: 'login.failed', actor: bad, detail: unserializable() }),
      sut.record({ type: 'login.succeeded', actor: alsoGood }),
    ]);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/^audit event login\.failed not recorded: /));
    expect(await events.findOneBy({ actor: good })).not.toBeNull();
    expect(await events.findOneBy({ actor: alsoGood })).not.toBeNull();
    expect(await events.findOneBy({ actor: bad })).toBeNull();
  });
});
