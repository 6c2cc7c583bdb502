import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, FindOptionsWhere, LessThanOrEqual, MoreThanOrEqual, Repository } from 'typeorm';
import { Page } from '../common/http/page';
import { InvalidRequestError } from '../common/oauth/oauth.error';
import { RowWriter } from '../database/row-writer';
import { TransactionsService } from '../database/transactions.service';
import { AuditDetail, AuditEventType, AuditOrigin } from './audit-event-types';
import { AuditEventEntity } from './audit-event.entity';
import { AuditEventView, auditEventView } from './audit-event.view';
import { ListAuditEventsQuery } from './dto/list-audit-events.query';

/** The condition on a time between optional bounds, both inclusive; none without bounds. */
function within(since?: Date, until?: Date) {
  if (since && until) return Between(since, until);
  if (since) return MoreThanOrEqual(since);
  if (until) return LessThanOrEqual(until);
  return undefined;
}

export interface AuditRecord extends AuditOrigin {
  type: AuditEventType;
  clientId?: string | null;
  detail?: AuditDetail;
}

type AuditRow = Omit<AuditEventEntity, 'id'>;

/** The most events one INSERT writes (7 parameters each, far below SQLite's and MySQL's limits). */
const AUDIT_BATCH_ROWS = 500;

/** The audit trail: who did what, when, for which client, from where. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);
  /** The events waiting for the next INSERT, and the promise of that INSERT (see write()). */
  private batch?: { rows: AuditRow[]; written: Promise<void> };
  /** The INSERT under way; it never fails (insert() logs what it cannot write). */
  private inFlight: Promise<void> = Promise.resolve();

  private readonly writer: RowWriter<AuditEventEntity>;

  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
    private readonly transactions: TransactionsService,
  ) {
    this.writer = new RowWriter(events);
  }

  /**
   * Writes one event. It never fails the action it records: the action has already
   * happened, and refusing its answer would not undo it. A write that fails is logged.
   */
  async record(event: AuditRecord): Promise<void> {
    await this.write({
      type: event.type,
      actor: event.actor ?? null,
      userId: event.userId ?? null,
      clientId: event.clientId ?? null,
      ip: event.ip?.slice(0, 64) ?? null,
      detail: event.viaClient ? { ...event.detail, via_client: event.viaClient } : (event.detail ?? null),
      // Set here rather than by the column default, which keeps only whole seconds on SQLite.
      createdAt: new Date(),
    });
  }

  /**
   * Group commit: the events recorded while the last INSERT is under way, and at least those of
   * one turn of the event loop, are written by one INSERT, and each caller still waits until its
   * own is stored. A token endpoint under load records an event per request; one statement for
   * each was a quarter of its CPU, and on MySQL each INSERT is a round trip and a commit. On
   * SQLite the INSERT joins the writes' own group commit (TransactionsService): sent on its own,
   * it would run inside whatever transaction the one connection had open, and be lost if that
   * rolled back. So a transaction's work never awaits record(): it would wait for a commit that
   * waits for it.
   */
  private write(row: AuditRow): Promise<void> {
    if (!this.batch || this.batch.rows.length >= AUDIT_BATCH_ROWS) {
      const rows: AuditRow[] = [];
      const written = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.inFlight)
        .then(() => (this.inFlight = this.insert(rows)));
      this.batch = { rows, written };
    }
    this.batch.rows.push(row);
    return this.batch.written;
  }

  private async insert(rows: AuditRow[]): Promise<void> {
    if (this.batch?.rows === rows) this.batch = undefined;
    try {
      await this.transactions.write((manager) => this.writer.insert(manager, ...rows));
    } catch (error) {
      if (rows.length > 1) {
        // One bad event must not take the others with it: each on its own, each failure logged.
        for (const row of rows) await this.insert([row]);
        return;
      }
      this.logger.error(`audit event ${rows[0].type} not recorded: ${(error as Error).message}`);
    }
  }

  /** A page of events, newest first; `since` and `until` are inclusive. */
  async list(query: ListAuditEventsQuery): Promise<Page<AuditEventView>> {
    const since = query.since === undefined ? undefined : new Date(query.since);
    const until = query.until === undefined ? undefined : new Date(query.until);
    if (since && until && since > until) throw new InvalidRequestError('since must not be later than until');
    const where: FindOptionsWhere<AuditEventEntity> = {
      type: query.type,
      userId: query.user_id,
      clientId: query.client_id,
      createdAt: within(since, until),
    };
    const [rows, total] = await this.events.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items: rows.map(auditEventView), total };
  }
}
