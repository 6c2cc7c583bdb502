import { Gauge, Registry } from 'prom-client';

/** How long each algorithm's key has signed: a rollover that stopped happening shows as a growing age. */
export class SigningKeyMetrics {
  /** When each algorithm's active key began to sign; read at each scrape, so the age is current. */
  private readonly activatesAt = new Map<string, Date>();

  constructor(registry: Registry) {
    const activatesAt = this.activatesAt;
    new Gauge({
      name: 'provider_signing_key_age_seconds',
      help: 'Seconds since the active signing key of each algorithm began to sign',
      labelNames: ['alg'],
      // Under cluster aggregation every worker reports the same keys (a worker a rotation has not yet reached, an older one).
      aggregator: 'max',
      registers: [registry],
      collect() {
        const now = Date.now();
        for (const [alg, since] of activatesAt) this.set({ alg }, Math.max(0, (now - since.getTime()) / 1000));
      },
    });
  }

  active(alg: string, activatesAt: Date): void {
    this.activatesAt.set(alg, activatesAt);
  }
}
