import { Counter, Histogram, Registry } from 'prom-client';

/** The route label of a request no route matched (404s of unknown paths): never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Every HTTP response of the public port, by route pattern, method and status, and how long each took. */
export class HttpMetrics {
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly duration: Histogram<'route' | 'method'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'provider_http_requests_total',
      help: 'HTTP responses of the public port, by route pattern, method and status code',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'provider_http_request_duration_seconds',
      help: 'Time from a request arriving to its response sent, by route pattern and method',
      labelNames: ['route', 'method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** `route` is the pattern that matched (`/oauth/token`, `/admin/clients/:id`), or undefined for none. */
  responded(route: string | undefined, method: string, status: number, seconds: number): void {
    const labels = { route: route ?? UNMATCHED_ROUTE, method };
    this.requests.inc({ ...labels, status: String(status) });
    this.duration.observe(labels, seconds);
  }
}
