// Load at a fixed rate, its requests evenly spaced, each timed from when it was due.
import { Agent, request } from 'node:http';
import { percentile } from './stats.mjs';

/** How often the sender looks for requests that have fallen due. */
const TICK_MS = 1;

/**
 * Sends `rate` requests a second for `duration` seconds over at most `connections` kept-alive
 * connections, described as autocannon describes them (`url` with method, headers and body, or one
 * entry of `requests` with method, path, headers, setupRequest and onResponse). Requests are sent
 * as they fall due, whether or not earlier ones have been answered, and each latency counts from the
 * moment its request was due: a server that stalls is charged for every request that waited,
 * including those still queued on this side for a free connection. (autocannon's `overallRate`
 * sends each connection's share of a second as fast as it can at the start of that second, and
 * then waits: at half a server's rate, its latencies measure a queue of every connection at once.)
 * Answers what autocannon answers, as far as measure() reads it.
 */
export function paced({ url, method = 'GET', headers, body, requests: [spec = {}] = [], connections, duration, overallRate: rate, timeout = 10 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  // As autocannon: the options' method, headers and body, unless the request's own say otherwise.
  const fixed = { method: spec.method ?? method, path: spec.path ?? target.pathname, headers: spec.headers ?? headers, body: spec.body ?? body };
  const latencies = [];
  const statusCodeStats = {};
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  let sent = 0;
  const total = Math.round(rate * duration);
  const started = performance.now();

  const send = (due) =>
    new Promise((resolve) => {
      const { method, path, headers, body } = spec.setupRequest?.({ ...fixed }) ?? fixed;
      const req = request({ agent, host: target.hostname, port: target.port, method, path, headers, timeout: timeout * 1000 }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          latencies.push(performance.now() - due);
          const status = res.statusCode;
          statusCodeStats[status] = { count: (statusCodeStats[status]?.count ?? 0) + 1 };
          if (status < 200 || status >= 300) non2xx += 1;
          spec.onResponse?.(status, Buffer.concat(chunks).toString('utf8'));
          resolve();
        });
      });
      req.on('timeout', () => {
        timeouts += 1;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end(body);
    });

  return new Promise((resolve) => {
    const inFlight = [];
    const timer = setInterval(() => {
      const now = performance.now();
      while (sent < total && started + (sent * 1000) / rate <= now) {
        inFlight.push(send(started + (sent * 1000) / rate));
        sent += 1;
      }
      if (sent < total) return;
      clearInterval(timer);
      void Promise.all(inFlight).then(() => {
        agent.destroy();
        resolve({
          duration: (performance.now() - started) / 1000,
          requests: { total: latencies.length },
          latency: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
          non2xx,
          errors,
          timeouts,
          statusCodeStats,
        });
      });
    }, TICK_MS);
  });
}
