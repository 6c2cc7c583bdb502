// Drives a server with autocannon (or, at a set rate, with paced.mjs), in this process, and reduces the result to what the table shows.
import autocannon from 'autocannon';
import { cpuWatch, memoryWatch, processTree } from './process.mjs';
import { paced } from './paced.mjs';

function cannon(given) {
  // An option set to undefined (a warm-up by amount dropping the duration) is left out, as autocannon wants.
  const options = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  // A load at a given rate is sent evenly spaced (paced.mjs says why not by autocannon).
  if (options.overallRate) return paced(options);
  return new Promise((resolve, reject) => {
    const instance = autocannon({ sampleInt: 100, timeout: 10, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
    // A guard on top of autocannon's own stop, so that no run can hang the bench.
    const limitMs = ((options.duration ?? 0) + 120) * 1000;
    const guard = setTimeout(() => instance.stop(), limitMs).unref();
    instance.once('done', () => clearTimeout(guard));
  });
}

/**
 * One measurement: an optional warm-up (its numbers dropped), then the run itself, with the peak
 * memory of `pid`'s process tree over both and its CPU time over the run (`pid` may be a list: the
 * trees of several instances, summed), and the CPU time of the database server's processes
 * (`databasePids`) over the run when given. `options` are
 * autocannon's (url, connections, duration or amount, method, headers, body, requests); `warmup`
 * the same for the warm-up.
 */
export async function measure({ pid, options, warmup, databasePids = [] }) {
  const pids = pid ? [pid].flat().flatMap(processTree) : null;
  const memory = pids && memoryWatch(pids);
  try {
    if (warmup) await cannon({ ...options, ...warmup });
    const cpu = pids && cpuWatch(pids);
    const databaseCpu = databasePids.length ? cpuWatch(databasePids) : null;
    const r = await cannon(options);
    const cpuSeconds = cpu ? cpu.stop() : null;
    const databaseCpuSeconds = databaseCpu ? databaseCpu.stop() : null;
    const seconds = r.duration || 1;
    const perRequest = (s) => (s === null || r.requests.total === 0 ? null : (s * 1e6) / r.requests.total);
    return {
      rps: r.requests.total / seconds,
      p50: r.latency.p50,
      p99: r.latency.p99,
      requests: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      seconds,
      statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, { count }]) => [code, count])),
      peakRss: memory ? memory.stop() : null,
      /** The server's CPU time per request over the run (all its threads and processes), in µs. */
      cpuPerRequest: perRequest(cpuSeconds),
      /** The database server's, likewise (a MySQL or MariaDB on this machine; null otherwise). */
      databaseCpuPerRequest: perRequest(databaseCpuSeconds),
    };
  } finally {
    memory?.stop();
  }
}
