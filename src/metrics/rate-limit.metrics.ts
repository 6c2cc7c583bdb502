import { Counter, Registry } from 'prom-client';

/** Requests a rate limit answered 429, by the limit's name (src/rate-limit/rate-limits.ts). */
export class RateLimitMetrics {
  private readonly throttledTotal: Counter<'limit'>;

  constructor(registry: Registry) {
    this.throttledTotal = new Counter({
      name: 'provider_requests_throttled_total',
      help: 'Requests refused with 429 by a rate limit, by limit',
      labelNames: ['limit'],
      registers: [registry],
    });
  }

  throttled(limit: string): void {
    this.throttledTotal.inc({ limit });
  }
}
