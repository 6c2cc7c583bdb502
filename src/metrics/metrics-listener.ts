import type { FastifyInstance } from 'fastify';
import cluster from 'node:cluster';
import { createServer, Server } from 'node:http';
import { AggregatorRegistry } from 'prom-client';
import { HttpMetrics } from './http.metrics';
import { ProviderMetrics } from './provider-metrics';

/** What a scrape answers: a registry, or the cluster primary's sum of its workers' registries. */
export interface Scrapeable {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/**
 * The metrics listener: `GET /metrics` in Prometheus' text format on its own port, never the
 * public one, so that a firewall or the bind address keeps it to the monitoring network.
 * Anything else is 404; a scrape that fails is 503.
 */
export function listenForScrapes(source: Scrapeable, port: number, host: string): Promise<Server> {
  const listener = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics') return void response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return void response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end();
    }
    source.metrics().then(
      (text) =>
        response.writeHead(200, { 'Content-Type': source.contentType }).end(request.method === 'GET' ? text : ''),
      (error: Error) => response.writeHead(503, { 'Content-Type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.off('error', reject);
      resolve(listener);
    });
  });
}

/** Counts every response of `server` in `http`: 404s and errors too, and refusals before any route. */
export function observeResponses(server: FastifyInstance, http: HttpMetrics): void {
  server.addHook('onResponse', (request, reply, done) => {
    http.responded(request.routeOptions.url, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

/**
 * With METRICS_PORT set, the application's metrics are served next to `server`, bound to the same
 * HOST, and the listener closes when `server` does (at shutdown). In a cluster worker
 * (WORKERS > 1) nothing opens here: the primary serves the workers' metrics summed (cluster.ts).
 */
export async function serveMetrics(
  metrics: ProviderMetrics,
  server: FastifyInstance,
  port: number | undefined,
  host: string,
): Promise<void> {
  if (port === undefined) return;
  if (cluster.isWorker) {
    // Answers the primary's requests for this worker's metrics (prom-client's cluster messages).
    AggregatorRegistry.setRegistries([metrics.registry]);
    new AggregatorRegistry();
    return;
  }
  const listener = await listenForScrapes(metrics.registry, port, host);
  server.addHook('onClose', (_instance, done) => {
    listener.close(() => done());
    listener.closeAllConnections();
  });
}

/** The cluster primary's scrapes: each asks every worker for its metrics and answers their sum. */
export function clusterScrapes(): Scrapeable {
  const aggregator = new AggregatorRegistry();
  return { contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() };
}
