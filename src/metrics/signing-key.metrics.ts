import { Gauge, Registry } from 'prom-client';

/** The age of the key each algorithm signs with now: a rotation that stopped happening shows as a growing age. */
export class SigningKeyMetrics {
  /** When each algorithm's active key was made; read at each scrape, so the age is current. */
  private readonly createdAt = new Map<string, Date>();

  constructor(registry: Registry) {
    const createdAt = this.createdAt;
    new Gauge({
      name: 'provider_signing_key_age_seconds',
      help: 'Seconds since the active signing key of each algorithm was made',
      labelNames: ['alg'],
      // Under cluster aggregation every worker reports the same keys (a worker a rotation has not yet reached, an older one).
      aggregator: 'max',
      registers: [registry],
      collect() {
        const now = Date.now();
        for (const [alg, created] of createdAt) this.set({ alg }, Math.max(0, (now - created.getTime()) / 1000));
      },
    });
  }

  active(alg: string, createdAt: Date): void {
    this.createdAt.set(alg, createdAt);
  }
}
