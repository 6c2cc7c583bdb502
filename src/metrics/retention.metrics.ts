import { Counter, Registry } from 'prom-client';

/** Rows the scheduled clean-up deleted once their retention was over, by table. */
export class RetentionMetrics {
  private readonly deletedTotal: Counter<'table'>;

  constructor(registry: Registry) {
    this.deletedTotal = new Counter({
      name: 'provider_retention_rows_deleted_total',
      help: 'Rows deleted by the retention clean-up, by table',
      labelNames: ['table'],
      registers: [registry],
    });
  }

  deleted(table: string, rows: number): void {
    if (rows > 0) this.deletedTotal.inc({ table }, rows);
  }
}
